import { randomBytes } from "node:crypto";

/** A random id in the style providers use, e.g. `chatcmpl-<24 hex>`, `msg_<24 hex>`. */
export function randomId(prefix: string, bytes = 12): string {
  return prefix + randomBytes(bytes).toString("hex");
}

/** Current Unix time in seconds. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
