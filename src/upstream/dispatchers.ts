import { ProxyError } from "../server/errors.ts";
import { socksConnector } from "./socks-connector.ts";
import { Agent, type Dispatcher, ProxyAgent } from "./undici.ts";

/**
 * Shared undici dispatchers, one per proxy URL (plus one direct). Connections are pooled and
 * kept alive across requests; never create a client per request.
 */

const KEEP_ALIVE = { keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000 };
// Upstreams may think for minutes before the first byte; stream bodies may pause between events.
const TIMEOUTS = { headersTimeout: 15 * 60_000, bodyTimeout: 15 * 60_000, connectTimeout: 30_000 };

let direct: Agent | undefined;
const byProxy = new Map<string, Dispatcher>();

/** The dispatcher for `proxyUrl` ('' = direct). Supports http://, https://, socks5:// (with user:pass). */
export function dispatcherFor(proxyUrl: string | undefined): Dispatcher {
  if (!proxyUrl) {
    direct ??= new Agent({ ...KEEP_ALIVE, ...TIMEOUTS, connections: 256, pipelining: 1 });
    return direct;
  }
  let d = byProxy.get(proxyUrl);
  if (d) return d;
  d = createProxyDispatcher(proxyUrl);
  byProxy.set(proxyUrl, d);
  return d;
}

function createProxyDispatcher(proxyUrl: string): Dispatcher {
  let url: URL;
  try {
    url = new URL(proxyUrl);
  } catch {
    throw new ProxyError(500, "invalid proxy-url in configuration", { type: "server_error" });
  }
  const opts = { ...KEEP_ALIVE, ...TIMEOUTS };
  switch (url.protocol) {
    case "http:":
    case "https:":
      return new ProxyAgent({ uri: proxyUrl, ...opts });
    case "socks5:":
    case "socks5h:":
    case "socks:":
      return new Agent({ ...opts, connect: socksConnector(url, TIMEOUTS.connectTimeout) });
    default:
      throw new ProxyError(500, `unsupported proxy-url scheme ${url.protocol}`, { type: "server_error" });
  }
}

/** Closes proxy dispatchers no longer named by the config (called after a reload). */
export async function pruneDispatchers(inUse: Set<string>): Promise<void> {
  const stale: Dispatcher[] = [];
  for (const [url, d] of byProxy) {
    if (!inUse.has(url)) {
      byProxy.delete(url);
      stale.push(d);
    }
  }
  await Promise.allSettled(stale.map((d) => d.close()));
}

/** Closes every dispatcher; later calls to dispatcherFor create fresh ones. */
export async function closeAllDispatchers(): Promise<void> {
  const all = [...byProxy.values()];
  if (direct) all.push(direct);
  direct = undefined;
  byProxy.clear();
  await Promise.allSettled(all.map((d) => d.close()));
}
