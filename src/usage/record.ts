/**
 * One usage record per client request: who asked (a masked client key and a short hash, never
 * the key), which credential served it, and what it cost. Token counts follow the IR's OpenAI
 * semantics (`src/protocols/ir.ts` IRUsage): input includes cached tokens, output includes
 * reasoning tokens, so total = input + output.
 */
import { createHash, randomUUID } from "node:crypto";
import { maskSecret } from "../logging/redact.ts";
import type { IRUsage, WireFormat } from "../protocols/ir.ts";

export interface UsageRecord {
  /** Unique id; import de-duplicates on it. */
  id: string;
  /** Request start, epoch ms. */
  time: number;
  /** `sk-a...wxyz` style mask of the client API key; '' when access is open. */
  apiKeyMasked: string;
  /** First 16 hex chars of sha256(client key); '' when access is open. */
  apiKeyHash: string;
  /** Provider id of the credential that served (or last failed) the request; '' before routing. */
  provider: string;
  credentialId: string;
  /** Safe-to-show credential label (masked key or account name). */
  credentialLabel: string;
  /** Model as the client named it. */
  modelRequested: string;
  /** Model name sent upstream; '' when no upstream was reached. */
  modelServed: string;
  /** Inbound wire format (the client's). */
  format: WireFormat | string;
  stream: boolean;
  /** HTTP status sent to the client. */
  status: number;
  /** Total time from request start to the last byte sent, ms. */
  latencyMs: number;
  /** Request start to the first response byte sent to the client, ms. */
  ttftMs?: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  failed: boolean;
}

export interface ClientKeyIdentity {
  masked: string;
  hash: string;
}

const ANONYMOUS: ClientKeyIdentity = { masked: "", hash: "" };
const identities = new Map<string, ClientKeyIdentity>();
const IDENTITY_CACHE_LIMIT = 10_000;

/** Masked form and short hash of a client key; cached, since a proxy sees few distinct keys. */
export function clientKeyIdentity(key: string | undefined): ClientKeyIdentity {
  if (!key) return ANONYMOUS;
  let id = identities.get(key);
  if (id === undefined) {
    if (identities.size >= IDENTITY_CACHE_LIMIT) identities.clear();
    id = { masked: maskSecret(key), hash: createHash("sha256").update(key).digest("hex").slice(0, 16) };
    identities.set(key, id);
  }
  return id;
}

/** What the caller knows about a finished request; the rest is filled in. */
export interface UsageRecordInit {
  time: number;
  clientKey?: string;
  provider?: string;
  credentialId?: string;
  credentialLabel?: string;
  modelRequested: string;
  modelServed?: string;
  format: WireFormat | string;
  stream: boolean;
  status: number;
  latencyMs: number;
  ttftMs?: number;
  usage?: IRUsage;
  /** Defaults to status >= 400. */
  failed?: boolean;
}

export function newUsageRecord(init: UsageRecordInit): UsageRecord {
  const key = clientKeyIdentity(init.clientKey);
  const u = init.usage;
  return {
    id: randomUUID(),
    time: init.time,
    apiKeyMasked: key.masked,
    apiKeyHash: key.hash,
    provider: init.provider ?? "",
    credentialId: init.credentialId ?? "",
    credentialLabel: init.credentialLabel ?? "",
    modelRequested: init.modelRequested,
    modelServed: init.modelServed ?? "",
    format: init.format,
    stream: init.stream,
    status: init.status,
    latencyMs: Math.max(0, Math.round(init.latencyMs)),
    ttftMs: init.ttftMs === undefined ? undefined : Math.max(0, Math.round(init.ttftMs)),
    inputTokens: u?.inputTokens ?? 0,
    outputTokens: u?.outputTokens ?? 0,
    cachedTokens: u?.cachedInputTokens ?? 0,
    reasoningTokens: u?.reasoningTokens ?? 0,
    failed: init.failed ?? init.status >= 400,
  };
}

/** Input + output (cached is inside input, reasoning inside output). */
export function totalTokens(r: { inputTokens: number; outputTokens: number }): number {
  return r.inputTokens + r.outputTokens;
}

/** The model a record is reported under: the upstream name, as the Go original keys it. */
export function reportModel(r: { modelServed: string; modelRequested: string }): string {
  return r.modelServed || r.modelRequested || "unknown";
}
