/** `GET /metrics` for Hono: Prometheus text, behind an access check the caller supplies. */
import type { Context } from "hono";
import type { ProxyMetrics } from "./registry.ts";

export type MetricsAuthorizer = (c: Context) => boolean | Promise<boolean>;

export interface MetricsHandlerOptions {
  /** Who may scrape. Defaults to loopback clients only. */
  authorize?: MetricsAuthorizer;
}

/** The client's socket address under @hono/node-server, '' when unknown. */
function remoteAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? "";
}

export function isLoopbackClient(c: Context): boolean {
  const addr = remoteAddress(c);
  return addr === "::1" || addr.startsWith("127.") || addr.startsWith("::ffff:127.");
}

export function metricsHandler(metrics: ProxyMetrics, opts: MetricsHandlerOptions = {}) {
  const authorize = opts.authorize ?? isLoopbackClient;
  return async (c: Context): Promise<Response> => {
    if (!(await authorize(c))) {
      return c.json({ error: "metrics are only served to authorized clients" }, 403);
    }
    const { body, contentType } = await metrics.exposition();
    return c.body(body, 200, { "content-type": contentType });
  };
}
