import type { IncomingMessage } from "node:http";
import { ProxyError } from "./errors.ts";

/** Reads the whole request body as text, refusing more than `limit` bytes with a 413. */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers["content-length"]);
  if (declared > limit) {
    req.resume();
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(c);
    });
    req.once("end", () =>
      resolve(chunks.length === 1 ? chunks[0].toString("utf8") : Buffer.concat(chunks).toString("utf8")),
    );
    req.once("error", reject);
  });
}

function tooLarge(limit: number): ProxyError {
  return new ProxyError(
    413,
    `Request body is larger than the ${Math.round(limit / 1024 / 1024)} MB limit (body-limit-mb)`,
    {
      code: "request_too_large",
    },
  );
}

/** Parses a JSON object body or throws a 400 that says what is wrong. */
export function parseJsonObject(text: string): Record<string, any> {
  if (text.length === 0)
    throw new ProxyError(400, "Request body is empty; expected a JSON object", { code: "invalid_json" });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ProxyError(400, `Request body is not valid JSON: ${(err as Error).message}`, {
      code: "invalid_json",
    });
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ProxyError(400, "Request body must be a JSON object", { code: "invalid_json" });
  }
  return value as Record<string, any>;
}
