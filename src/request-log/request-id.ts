/**
 * Request ids: 8 hex characters, as the Go original makes them. The id ends the request-log
 * file name (`...-<id>.log`), so `GET /v0/management/request-log-by-id/<id>` finds the file,
 * and it reaches the client in the `X-Request-Id` response header whenever a file will carry it.
 */

import { randomFillSync } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { RequestLogEntry } from "./logger.ts";

export const REQUEST_ID_HEADER = "x-request-id";

/** Random bytes drawn in blocks: one system call per 1024 ids instead of one per id. */
const pool = Buffer.alloc(4096);
let offset = pool.length;

export function newRequestId(): string {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString("hex", offset, offset + 4);
  offset += 4;
  return id;
}

/**
 * Sets `X-Request-Id` when this request's log file will exist: always while request logging
 * captures, else only for a failing request (`failing`), whose error file is written. A call
 * with logging off and no failure costs one test.
 */
export function exposeRequestId(res: ServerResponse, entry: RequestLogEntry, failing = false): void {
  if (!entry.capturing && !failing) return;
  const id = entry.id;
  if (id !== undefined && !res.headersSent) res.setHeader(REQUEST_ID_HEADER, id);
}
