import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ConfigError } from "../config/index.ts";
import { log } from "../logging/logger.ts";

/**
 * A management request that cannot be served. The response body is `{"error": message}`
 * (the Go original's shape), plus `extra` fields such as `problems`.
 */
export class ManagementError extends Error {
  readonly status: ContentfulStatusCode;
  readonly extra: Record<string, unknown>;

  constructor(status: ContentfulStatusCode, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.name = "ManagementError";
    this.status = status;
    this.extra = extra;
  }

  body(): Record<string, unknown> {
    return { error: this.message, ...this.extra };
  }
}

/** A 400 listing every problem; the message carries them too, for clients that show one string. */
export function invalid(what: string, problems: string[]): ManagementError {
  return new ManagementError(400, `${what}: ${problems.join("; ")}`, { problems });
}

/** The management app's error handler. Unexpected errors are logged, never echoed. */
export function respondToError(err: Error, c: Context): Response {
  if (err instanceof ManagementError) return c.json(err.body(), err.status);
  if (err instanceof ConfigError) {
    return c.json(invalid("the change would make the config invalid", err.problems).body(), 400);
  }
  log.error({ err, path: c.req.path }, "management request failed");
  return c.json({ error: "internal error; see the server log" }, 500);
}
