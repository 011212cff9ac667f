/**
 * Secret masking. Anything that might be a key or token is shown as its first and last few
 * characters only, so log lines and management responses can identify a key without leaking it.
 */

/** `sk-abcdef...wxyz` style mask; short values are fully hidden. */
export function maskSecret(value: string): string {
  if (value.length <= 8) return "****";
  const keep = value.length >= 20 ? 4 : 2;
  return `${value.slice(0, keep)}...${value.slice(-keep)}`;
}

/** Header names whose values are credentials. */
const SECRET_HEADERS = new Set([
  "authorization",
  "proxy-authorization",
  "x-api-key",
  "x-goog-api-key",
  "api-key",
  "x-management-key",
  "x-local-password",
  "cookie",
  "set-cookie",
]);

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase());
}

/** A copy of `headers` with credential values masked. */
export function redactHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(headers)) {
    out[k] = isSecretHeader(k) && typeof v === "string" ? maskSecret(v) : v;
  }
  return out;
}

/** Masks `key=` query parameters and user:pass in URLs. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]key=)[^&]+/g, "$1****").replace(/\/\/([^/@:]+):([^/@]+)@/, "//$1:****@");
}
