/**
 * An undici `connect` function that reaches the origin through a SOCKS5 proxy (with optional
 * username/password), then speaks TLS to the origin for https. Used as the connector of an
 * ordinary `Agent`, so SOCKS connections get the same pooling, keep-alive and timeouts as
 * direct ones (undici's own Socks5ProxyAgent is experimental and ignores those options).
 */
import { connect as tlsConnect } from "node:tls";
import { SocksClient } from "socks";
import type { buildConnector } from "undici";

export function socksConnector(proxyUrl: URL, timeoutMs: number): buildConnector.connector {
  const proxy = {
    host: proxyUrl.hostname.replace(/^\[|\]$/g, ""),
    port: Number(proxyUrl.port) || 1080,
    type: 5 as const,
    userId: proxyUrl.username ? decodeURIComponent(proxyUrl.username) : undefined,
    password: proxyUrl.password ? decodeURIComponent(proxyUrl.password) : undefined,
  };

  return (opts, callback) => {
    const https = opts.protocol === "https:";
    const port = Number(opts.port) || (https ? 443 : 80);
    // The host name goes to the proxy as is, so it resolves names the way it sees the network.
    SocksClient.createConnection({
      proxy,
      command: "connect",
      destination: { host: opts.hostname, port },
      timeout: timeoutMs,
    }).then(
      ({ socket }) => {
        socket.setNoDelay(true);
        if (!https) {
          callback(null, socket);
          return;
        }
        const secure = tlsConnect({
          socket,
          servername: opts.servername ?? opts.hostname,
          ALPNProtocols: ["http/1.1"],
        });
        const fail = (err: Error) => {
          secure.destroy();
          callback(err, null);
        };
        secure.once("error", fail);
        secure.once("secureConnect", () => {
          secure.off("error", fail);
          callback(null, secure);
        });
      },
      // A fresh error: the library's own carries its options, proxy password included.
      (err: Error) => callback(new Error(`SOCKS5 proxy ${proxy.host}:${proxy.port}: ${err.message}`), null),
    );
  };
}
