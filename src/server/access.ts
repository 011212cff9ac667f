import type { IncomingHttpHeaders } from "node:http";
import { ProxyError } from "./errors.ts";

/**
 * Client API-key check. Accepts the key wherever the client SDKs put it: `Authorization:
 * Bearer`, `x-api-key` (Anthropic), `x-goog-api-key` (Google) or `?key=` (Google REST).
 * Returns the key that matched (for usage attribution), '' when access is open.
 */
export function checkAccess(keys: ReadonlySet<string>, headers: IncomingHttpHeaders, query: string): string {
  if (keys.size === 0) return "";
  const presented = presentedKey(headers, query);
  if (presented === undefined) {
    throw new ProxyError(
      401,
      "Missing API key: send it as 'Authorization: Bearer <key>', 'x-api-key' or 'x-goog-api-key'",
      {
        code: "invalid_api_key",
      },
    );
  }
  if (!keys.has(presented)) throw new ProxyError(401, "Invalid API key", { code: "invalid_api_key" });
  return presented;
}

function presentedKey(headers: IncomingHttpHeaders, query: string): string | undefined {
  const auth = headers.authorization;
  if (auth) {
    const space = auth.indexOf(" ");
    const scheme = space > 0 ? auth.slice(0, space).toLowerCase() : "";
    if (scheme === "bearer") return auth.slice(space + 1).trim();
  }
  const x = headers["x-api-key"] ?? headers["x-goog-api-key"];
  if (typeof x === "string" && x) return x.trim();
  if (query) {
    const key = new URLSearchParams(query).get("key");
    if (key) return key;
  }
  return undefined;
}
