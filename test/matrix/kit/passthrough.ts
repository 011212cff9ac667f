/**
 * Same-format passthrough must forward the client's bytes untouched but for the model. The SDKs
 * send compact JSON, which a re-serialising proxy would reproduce exactly, so the probe fetch
 * re-indents the body and adds a field whose number spelling (`1.50`) JSON.stringify would
 * change. The fake upstream records the parsed body and the Content-Length, which together pin
 * the bytes down.
 */
import assert from "node:assert/strict";
import type { RecordedRequest } from "../../../src/fake-upstream/server.ts";

export const PROBE_FIELD = "x_passthrough_probe";

export interface Probe {
  fetch: typeof fetch;
  /** Body texts sent, in order. */
  sent: string[];
}

export function probeFetch(inner: typeof fetch = globalThis.fetch): Probe {
  const sent: string[] = [];
  const wrapped = (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    if (typeof init?.body === "string" && init.body.startsWith("{")) {
      const pretty = JSON.stringify(JSON.parse(init.body), null, 1);
      const body = `{\n "${PROBE_FIELD}": 1.50,${pretty.slice(1)}`;
      sent.push(body);
      return inner(input, { ...init, body });
    }
    return inner(input, init);
  };
  return { fetch: wrapped as typeof fetch, sent };
}

/**
 * Asserts the upstream got `sentText` with only the model value changed (`from` -> `to`;
 * pass `from === to` when the model travels in the URL).
 */
export function assertBytesForwarded(sentText: string, rec: RecordedRequest, from: string, to: string): void {
  const expectedText = sentText.replace(`"model": ${JSON.stringify(from)}`, `"model": ${JSON.stringify(to)}`);
  const expected = JSON.parse(expectedText);
  assert.equal(JSON.stringify(rec.body), JSON.stringify(expected), "same fields, values and key order");
  assert.equal(rec.body[PROBE_FIELD], 1.5, "the unknown field arrived");
  assert.equal(
    Number(rec.headers["content-length"]),
    Buffer.byteLength(expectedText),
    "same byte length: whitespace and number spelling kept",
  );
}
