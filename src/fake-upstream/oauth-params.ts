/** Reading OAuth requests in the fake servers: form or JSON bodies, single header values. */

/** A token request's parameters, whether sent as a form or as JSON. */
export function formParams(body: unknown): Record<string, string> {
  if (typeof body === "string") return Object.fromEntries(new URLSearchParams(body));
  if (body && typeof body === "object") {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(body)) if (typeof v === "string") out[k] = v;
    return out;
  }
  return {};
}

/** The first value of a header, trimmed ('' when absent). */
export function headerValue(v: string | string[] | undefined): string {
  return (Array.isArray(v) ? v[0] : v)?.trim() ?? "";
}
