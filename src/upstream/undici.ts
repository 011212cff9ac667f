/**
 * The part of undici the proxy uses: `Agent`, `ProxyAgent` and `request()`. Importing the
 * package root also loads its fetch, WebSocket, EventSource, cache and mock implementations
 * (~15 MB of resident memory the proxy never touches), so the dispatchers and the request API
 * are loaded from their own modules and put together the way the package root does it.
 * Types still come from the package's declarations. Pinned by package-lock; test/undici-core
 * checks these modules still line up with the package root.
 */
import { createRequire } from "node:module";
import type * as Undici from "undici";

const load = createRequire(import.meta.url);

const Dispatcher = load("undici/lib/dispatcher/dispatcher.js") as { prototype: object };
// The package root mixes the request/stream/pipeline API into every dispatcher the same way.
Object.assign(Dispatcher.prototype, load("undici/lib/api/index.js"));

export const Agent = load("undici/lib/dispatcher/agent.js") as typeof Undici.Agent;
export type Agent = Undici.Agent;
export const ProxyAgent = load("undici/lib/dispatcher/proxy-agent.js") as typeof Undici.ProxyAgent;
export type ProxyAgent = Undici.ProxyAgent;
export type { Dispatcher } from "undici";

type RequestOptions = { dispatcher: Undici.Dispatcher; method?: Undici.Dispatcher.HttpMethod } & Omit<
  Undici.Dispatcher.RequestOptions,
  "origin" | "path" | "method"
>;

/**
 * `undici.request(url, options)` for a dispatcher we always pass: split the URL into origin and
 * path as the package root does, default the method the same way.
 */
export function request(url: string | URL, options: RequestOptions): Promise<Undici.Dispatcher.ResponseData> {
  const u = typeof url === "string" ? new URL(url) : url;
  const { dispatcher, ...opts } = options;
  return dispatcher.request({
    ...opts,
    origin: u.origin,
    path: u.search ? `${u.pathname}${u.search}` : u.pathname,
    method: opts.method ?? (opts.body ? "PUT" : "GET"),
  } as Undici.Dispatcher.RequestOptions);
}
