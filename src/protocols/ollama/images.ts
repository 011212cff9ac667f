/** Ollama carries images as bare base64 strings; the IR wants a media type next to the data. */
import type { IRImage } from "../ir.ts";
import { invalidRequest } from "./invalid.ts";

/** Leading base64 characters of the common image formats' magic numbers. */
const SIGNATURES: ReadonlyArray<readonly [string, string]> = [
  ["iVBORw0KGgo", "image/png"],
  ["/9j/", "image/jpeg"],
  ["R0lGOD", "image/gif"],
  ["UklGR", "image/webp"],
  ["Qk", "image/bmp"],
];

const DATA_URL = /^data:([^;,]+);base64,/;

/** One entry of an Ollama `images` array. A data: URL (some clients send them) is unwrapped too. */
export function decodeImage(raw: unknown, field: string): IRImage {
  if (typeof raw !== "string" || raw === "") throw invalidRequest(field, "must be a base64 string");
  const url = DATA_URL.exec(raw);
  if (url) return { type: "image", mediaType: url[1], data: raw.slice(url[0].length) };
  return { type: "image", mediaType: sniffMediaType(raw), data: raw };
}

export function decodeImages(raw: unknown, field: string): IRImage[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidRequest(field, "must be an array of base64 strings");
  return raw.map((image, i) => decodeImage(image, `${field}[${i}]`));
}

function sniffMediaType(base64: string): string {
  for (const [prefix, mediaType] of SIGNATURES) if (base64.startsWith(prefix)) return mediaType;
  return "image/png";
}

/** Base64 for an Ollama `images` entry; images known only by http(s) URL cannot be inlined without I/O. */
export function encodeImage(image: IRImage): string | undefined {
  if (image.data !== undefined) return image.data;
  if (image.url !== undefined) {
    const url = DATA_URL.exec(image.url);
    if (url) return image.url.slice(url[0].length);
  }
  return undefined;
}
