import type { ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream";
import { promisify } from "node:util";
import { constants, createGunzip, gunzip } from "node:zlib";
import { log } from "../logging/logger.ts";
import { writeChunk } from "../proxy/client-writer.ts";
import { inboundHeaders } from "./forward-headers.ts";

// Relays an Amp upstream answer, decoding gzip as the original does: a `Content-Encoding:
// gzip` body is decoded as it streams (we asked for gzip, the client did not); a body that is
// gzip without saying so (a misconfigured upstream) is recognised by its magic bytes, unless it
// is an event stream, and decoded whole. Everything else streams through untouched.

const gunzipWhole = promisify(gunzip);

export interface UpstreamAnswer {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

function single(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value)?.trim().toLowerCase() ?? "";
}

export async function relayAnswer(up: UpstreamAnswer, res: ServerResponse): Promise<void> {
  const encoding = single(up.headers["content-encoding"]);
  if (encoding === "gzip") {
    res.writeHead(up.statusCode, inboundHeaders(up.headers, true));
    // Sync flush: a gzipped event stream must not wait for the end to show its events.
    const decoder = createGunzip({ finishFlush: constants.Z_SYNC_FLUSH });
    pipeline(up.body, decoder, () => {});
    return copy(decoder, res, undefined);
  }
  if (encoding !== "" || single(up.headers["content-type"]).includes("text/event-stream")) {
    res.writeHead(up.statusCode, inboundHeaders(up.headers, false));
    return copy(up.body, res, undefined);
  }

  const chunks = up.body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head = await peek(chunks, 2);
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    const whole = Buffer.concat([head, ...(await rest(chunks))]);
    let body: Buffer = whole;
    let decoded = false;
    try {
      body = await gunzipWhole(whole);
      decoded = true;
    } catch (err) {
      log.warn({ err: (err as Error).message }, "amp: upstream body looks gzipped but does not decode");
    }
    const headers = inboundHeaders(up.headers, decoded);
    headers["content-length"] = String(body.length);
    res.writeHead(up.statusCode, headers);
    res.end(body);
    return;
  }
  res.writeHead(up.statusCode, inboundHeaders(up.headers, false));
  return copy(iterable(chunks), res, head.length > 0 ? head : undefined);
}

/** Reads until at least `n` bytes (or the end) and returns them joined. */
async function peek(chunks: AsyncIterator<Buffer>, n: number): Promise<Buffer> {
  const got: Buffer[] = [];
  let size = 0;
  while (size < n) {
    const next = await chunks.next();
    if (next.done) break;
    got.push(next.value);
    size += next.value.length;
  }
  return got.length === 1 ? got[0] : Buffer.concat(got);
}

async function rest(chunks: AsyncIterator<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (let next = await chunks.next(); !next.done; next = await chunks.next()) out.push(next.value);
  return out;
}

function iterable(chunks: AsyncIterator<Buffer>): AsyncIterable<Buffer> {
  return { [Symbol.asyncIterator]: () => chunks };
}

/** Streams `source` to the client with backpressure; a mid-stream failure cuts the connection. */
async function copy(source: AsyncIterable<Buffer>, res: ServerResponse, first: Buffer | undefined) {
  try {
    if (first) await writeChunk(res, first);
    for await (const chunk of source) {
      if (res.destroyed) return;
      await writeChunk(res, chunk);
    }
    res.end();
  } catch (err) {
    if (!res.destroyed) {
      log.warn({ err: (err as Error).message }, "amp: upstream answer failed mid-stream");
      res.destroy();
    }
  }
}
