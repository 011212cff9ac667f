// Talking to the management API. The key lives in sessionStorage (gone when the tab closes)
// and travels only in the Authorization header: never in a URL, never in a log.

const STORAGE_KEY = "cpa-management-key";
/** Relative, so the panel also works behind a reverse proxy that adds a path prefix. */
const BASE = "v0/management/";

export const getKey = () => sessionStorage.getItem(STORAGE_KEY) ?? "";
export const setKey = (key) => sessionStorage.setItem(STORAGE_KEY, key);
export const clearKey = () => sessionStorage.removeItem(STORAGE_KEY);

/** A non-2xx answer: `status`, the parsed `body` if JSON, and its `problems` list if any. */
export class ApiError extends Error {
  constructor(status, body, fallback) {
    // Management errors are {"error": "..."}; other routes answer {"error": {"message": ...}}.
    const error = typeof body?.error === "object" ? body.error?.message : body?.error;
    super(String(body?.message || error || fallback || `HTTP ${status}`));
    this.status = status;
    this.body = body;
    this.problems = Array.isArray(body?.problems) ? body.problems : [];
  }
}

/**
 * Calls `/v0/management/<path>`. `options`: `query` (object), `json` (sent as JSON), `text`
 * (sent as YAML), `form` (FormData), `key` (instead of the stored one), `anonymous` (send no key),
 * `raw` (answer the text).
 * A 401 with the stored key fires `cpa:unauthorized` on window, so the page can ask again.
 */
export async function api(method, path, options = {}) {
  const url = new URL(path.startsWith("./") ? path : BASE + path, document.baseURI);
  for (const [name, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined && value !== null) url.searchParams.set(name, String(value));
  }
  const headers = {};
  // Only management routes get the key; `GET /` and the like do not need it.
  if (!options.anonymous) headers.authorization = `Bearer ${options.key ?? getKey()}`;
  let body;
  if (options.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.json);
  } else if (options.text !== undefined) {
    headers["content-type"] = "application/yaml";
    body = options.text;
  } else if (options.form !== undefined) {
    body = options.form;
  }

  let res;
  try {
    res = await fetch(url, { method, headers, body, cache: "no-store", credentials: "omit" });
  } catch {
    throw new ApiError(0, undefined, "cannot reach the server");
  }
  const text = await res.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    if (res.status === 401 && options.key === undefined) window.dispatchEvent(new Event("cpa:unauthorized"));
    throw new ApiError(res.status, parsed, res.status === 404 ? "not found" : text.slice(0, 200));
  }
  return options.raw ? text : parsed;
}

/** What to tell the user about a failed call, in one line. */
export function describeError(err) {
  if (!(err instanceof ApiError)) return String(err?.message ?? err);
  if (err.status === 0) return "Cannot reach the server.";
  if (err.problems.length > 0 && !err.message.includes(err.problems[0])) {
    return `${err.message}: ${err.problems.join("; ")}`;
  }
  return err.message;
}
