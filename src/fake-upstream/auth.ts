/**
 * Which credential a request presented. The fake never checks it; it reports it back
 * (`x-fake-auth` header, recorded request) so tests can see which key the proxy picked.
 */
import type { IncomingHttpHeaders } from "node:http";

/** Longer credentials (OAuth tokens) are shortened to head...tail. */
const MAX_FULL_LENGTH = 24;

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** The credential value from Authorization (Bearer), x-api-key, x-goog-api-key or `?key=`. */
export function presentedCredential(
  headers: IncomingHttpHeaders,
  query: Record<string, string>,
): string | undefined {
  const authorization = first(headers.authorization);
  if (authorization) {
    const space = authorization.indexOf(" ");
    return space === -1 ? authorization : authorization.slice(space + 1).trim();
  }
  return first(headers["x-api-key"]) ?? first(headers["x-goog-api-key"]) ?? query.key;
}

/** The credential as reported back: whole when short, else first 8 + "..." + last 4 characters. */
export function shortCredential(credential: string): string {
  const short =
    credential.length <= MAX_FULL_LENGTH ? credential : `${credential.slice(0, 8)}...${credential.slice(-4)}`;
  // Header values must be visible ASCII.
  return short.replace(/[^\x20-\x7e]/g, "?");
}
