import type { IncomingHttpHeaders } from "node:http";

/**
 * When an upstream says it will accept requests again, in milliseconds from now. Reads, in
 * order: Retry-After (seconds or HTTP date), Anthropic `anthropic-ratelimit-*-reset` (RFC 3339),
 * OpenAI `x-ratelimit-reset-*` (durations like "1m30s", "250ms"), and Google error details
 * (`RetryInfo.retryDelay`, `quotaResetDelay` metadata), plus Codex `resets_in_seconds`.
 */
export function resetHintMs(
  headers: IncomingHttpHeaders,
  body: string,
  now = Date.now(),
): number | undefined {
  const retryAfter = header(headers, "retry-after");
  if (retryAfter) {
    const secs = Number(retryAfter);
    if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }

  let latest: number | undefined;
  for (const name of [
    "anthropic-ratelimit-requests-reset",
    "anthropic-ratelimit-tokens-reset",
    "anthropic-ratelimit-input-tokens-reset",
    "anthropic-ratelimit-output-tokens-reset",
  ]) {
    const v = header(headers, name);
    if (!v) continue;
    const at = Date.parse(v);
    if (!Number.isNaN(at)) latest = Math.max(latest ?? 0, at - now);
  }
  if (latest !== undefined) return Math.max(0, latest);

  for (const name of ["x-ratelimit-reset-requests", "x-ratelimit-reset-tokens"]) {
    const v = header(headers, name);
    const ms = v ? parseGoDuration(v) : undefined;
    if (ms !== undefined) latest = Math.max(latest ?? 0, ms);
  }
  if (latest !== undefined) return latest;

  return bodyHint(body);
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** "3s", "1.5s", "250ms", "1m30s", "2h" -> ms. */
export function parseGoDuration(s: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    const n = Number(m[1]);
    total += m[2] === "h" ? n * 3_600_000 : m[2] === "m" ? n * 60_000 : m[2] === "s" ? n * 1000 : n;
    matched += m[0].length;
  }
  return matched > 0 && matched === s.trim().length ? total : undefined;
}

function bodyHint(body: string): number | undefined {
  if (!body || body.length > 65_536 || body.charCodeAt(0) !== 123) return undefined;
  let parsed: any;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const err = parsed?.error;
  const codexReset = err?.resets_in_seconds ?? parsed?.resets_in_seconds;
  if (typeof codexReset === "number") return codexReset * 1000;
  let best: number | undefined;
  for (const d of Array.isArray(err?.details) ? err.details : []) {
    const delay = d?.retryDelay ?? d?.metadata?.quotaResetDelay;
    const ms = typeof delay === "string" ? parseGoDuration(delay) : undefined;
    if (ms !== undefined) best = Math.max(best ?? 0, ms);
  }
  return best;
}
