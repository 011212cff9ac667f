/**
 * Removes credentials from text written to request logs: values of JSON fields named like
 * secrets, bearer tokens, well-known key shapes, and any exact secret the proxy knows about
 * (client keys, upstream keys) wherever it appears.
 */
import { maskSecret } from "../logging/redact.ts";

const SECRET_FIELD =
  /("(?:api[_-]?key|apikey|access[_-]?token|refresh[_-]?token|id[_-]?token|client[_-]?secret|secret|password|authorization|x-api-key|x-goog-api-key|token)"\s*:\s*")((?:[^"\\]|\\.)*)"/gi;
const BEARER = /(\bBearer\s+)([A-Za-z0-9._~+/=-]{8,})/gi;
/** OpenAI / Anthropic keys, Google API keys, Google OAuth access tokens. */
const KEY_SHAPES = /\b(?:sk-[A-Za-z0-9_-]{16,}|AIza[0-9A-Za-z_-]{30,}|ya29\.[0-9A-Za-z_.-]{20,})/g;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** One regex matching any of `secrets` (those of 8+ characters), longest first; undefined when none. */
export function knownSecretsPattern(secrets: Iterable<string>): RegExp | undefined {
  const list = [...new Set([...secrets].filter((s) => typeof s === "string" && s.length >= 8))];
  if (list.length === 0) return undefined;
  list.sort((a, b) => b.length - a.length);
  return new RegExp(list.map(escapeRegExp).join("|"), "g");
}

export function scrubSecrets(text: string, known?: RegExp): string {
  let out = text;
  if (known) out = out.replace(known, (m) => maskSecret(m));
  return out
    .replace(SECRET_FIELD, (_m, head: string, value: string) => `${head}${maskSecret(value)}"`)
    .replace(BEARER, (_m, head: string, token: string) => `${head}${maskSecret(token)}`)
    .replace(KEY_SHAPES, (m) => maskSecret(m));
}
