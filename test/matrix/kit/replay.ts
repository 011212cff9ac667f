/**
 * What the fake upstream answered: the recorded upstream request is sent again, non-stream,
 * straight to the fake (it is deterministic), and its native answer is read here.
 */
import assert from "node:assert/strict";
import type { RecordedRequest } from "../../../src/fake-upstream/server.ts";
import type { UpstreamKind } from "./upstreams.ts";

/** The native non-stream answer the fake gives to the recorded request. */
export async function replay(upstreamUrl: string, rec: RecordedRequest): Promise<any> {
  let path = rec.path;
  let body = rec.body;
  if (path.endsWith(":streamGenerateContent"))
    path = path.replace(/:streamGenerateContent$/, ":generateContent");
  else if (body?.stream === true) {
    const { stream: _s, stream_options: _o, ...rest } = body;
    body = rest;
  }
  const headers: Record<string, string> = { "content-type": "application/json" };
  for (const [k, v] of Object.entries(rec.headers)) {
    if (k.startsWith("x-fake-") && typeof v === "string") headers[k] = v;
  }
  const res = await fetch(upstreamUrl + path, { method: "POST", headers, body: JSON.stringify(body) });
  assert.equal(res.status, 200, "replay of the upstream request succeeds");
  return res.json();
}

export interface IssuedReasoning {
  text: string;
  signature: string;
}

/** The reasoning text and signature the fake issued, read from its native answer. */
export function issuedReasoning(kind: UpstreamKind, reply: any): IssuedReasoning | undefined {
  switch (kind) {
    case "anthropic": {
      const block = reply.content?.find((b: any) => b.type === "thinking");
      return block && { text: block.thinking, signature: block.signature };
    }
    case "gemini": {
      const parts: any[] = reply.candidates?.[0]?.content?.parts ?? [];
      const signed = parts.find((p) => p.thoughtSignature);
      return signed && { text: signed.text, signature: signed.thoughtSignature };
    }
    case "codex": {
      const item = reply.output?.find((i: any) => i.type === "reasoning");
      return item && { text: item.summary?.[0]?.text ?? "", signature: item.encrypted_content };
    }
    case "openai":
      return undefined;
  }
}
