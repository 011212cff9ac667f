/**
 * Message content parts: text, `image_url`, `input_audio` and `file`, both directions.
 * Inline media travels as base64 in the IR, so data: URLs are split on decode and rebuilt on encode.
 */
import type { IRFile, IRImage, IRText } from "../ir.ts";
import { invalidRequest, isObject } from "./invalid.ts";

export type MediaPart = IRText | IRImage | IRFile;
type WirePart = Record<string, unknown>;

const BASE64_MARKER = ";base64,";

/** `data:<type>;base64,<data>` -> its parts; undefined for http(s) URLs and non-base64 data URLs. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  if (!url.startsWith("data:")) return undefined;
  const marker = url.indexOf(BASE64_MARKER);
  if (marker === -1) return undefined;
  return { mediaType: url.slice(5, marker), data: url.slice(marker + BASE64_MARKER.length) };
}

export function dataUrl(mediaType: string, data: string): string {
  return `data:${mediaType};base64,${data}`;
}

/** User / tool content (string or parts) -> IR parts, in order. */
export function decodeMediaContent(content: unknown, field: string): MediaPart[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (content === null || content === undefined) return [];
  if (!Array.isArray(content)) throw invalidRequest(field, "must be a string or an array of content parts");
  const out: MediaPart[] = [];
  for (let i = 0; i < content.length; i++) out.push(decodePart(content[i], `${field}[${i}]`));
  return out;
}

function decodePart(part: unknown, field: string): MediaPart {
  if (!isObject(part)) throw invalidRequest(field, "must be an object");
  switch (part.type) {
    case "text":
      if (typeof part.text !== "string") throw invalidRequest(`${field}.text`, "must be a string");
      return { type: "text", text: part.text };
    case "image_url":
      return decodeImage(part.image_url, `${field}.image_url`);
    case "input_audio":
      return decodeAudio(part.input_audio, `${field}.input_audio`);
    case "file":
      return decodeFile(part.file, `${field}.file`);
    default:
      throw invalidRequest(`${field}.type`, `"${part.type}" is not a supported content part type`);
  }
}

function decodeImage(image: unknown, field: string): IRImage {
  // Some clients send the URL string directly instead of `{url}`.
  const url = typeof image === "string" ? image : isObject(image) ? image.url : undefined;
  if (typeof url !== "string") throw invalidRequest(`${field}.url`, "must be a string");
  const inline = parseDataUrl(url);
  return inline === undefined
    ? { type: "image", url }
    : { type: "image", mediaType: inline.mediaType, data: inline.data };
}

function decodeAudio(audio: unknown, field: string): IRFile {
  if (!isObject(audio)) throw invalidRequest(field, "must be an object");
  if (typeof audio.data !== "string") throw invalidRequest(`${field}.data`, "must be a string");
  if (typeof audio.format !== "string") throw invalidRequest(`${field}.format`, "must be a string");
  return { type: "file", mediaType: audioMediaType(audio.format), data: audio.data };
}

function decodeFile(file: unknown, field: string): IRFile {
  if (!isObject(file)) throw invalidRequest(field, "must be an object");
  const filename = typeof file.filename === "string" ? file.filename : undefined;
  if (typeof file.file_data === "string") {
    const inline = parseDataUrl(file.file_data);
    if (inline !== undefined)
      return { type: "file", mediaType: inline.mediaType, data: inline.data, filename };
    // Bare base64 without a data: prefix; OpenAI only accepts PDFs here.
    return { type: "file", mediaType: "application/pdf", data: file.file_data, filename };
  }
  if (typeof file.file_id === "string") {
    throw invalidRequest(
      `${field}.file_id`,
      "refers to an OpenAI-hosted file, which cannot be sent to this model",
    );
  }
  throw invalidRequest(`${field}.file_data`, "must be a string");
}

function audioMediaType(format: string): string {
  return format === "mp3" ? "audio/mpeg" : `audio/${format}`;
}

/** OpenAI `input_audio.format` for an audio media type ("audio/mpeg" -> "mp3", "audio/x-wav" -> "wav"). */
function audioFormat(mediaType: string): string {
  const subtype = mediaType.slice(mediaType.indexOf("/") + 1).toLowerCase();
  if (subtype === "mpeg" || subtype === "mp3") return "mp3";
  if (subtype === "x-wav" || subtype === "wave") return "wav";
  return subtype;
}

/** IR parts -> user content: a plain string when it is a single text, parts otherwise. */
export function encodeUserContent(parts: readonly MediaPart[]): string | WirePart[] {
  if (parts.length === 1 && parts[0].type === "text") return parts[0].text;
  const out: WirePart[] = [];
  for (const part of parts) out.push(encodePart(part));
  return out;
}

export function encodePart(part: MediaPart): WirePart {
  switch (part.type) {
    case "text":
      return { type: "text", text: part.text };
    case "image":
      return { type: "image_url", image_url: { url: mediaUrl(part, "image/png") } };
    case "file":
      return encodeFile(part);
  }
}

function encodeFile(file: IRFile): WirePart {
  const inline = file.data === undefined && file.url !== undefined ? parseDataUrl(file.url) : undefined;
  const data = file.data ?? inline?.data;
  const mediaType = file.mediaType ?? inline?.mediaType ?? "application/pdf";
  if (data === undefined) {
    throw invalidRequest("file", "given by URL cannot be sent to an OpenAI chat model; send it inline");
  }
  if (mediaType.startsWith("audio/")) {
    return { type: "input_audio", input_audio: { data, format: audioFormat(mediaType) } };
  }
  const filename = file.filename ?? `file.${mediaType.slice(mediaType.indexOf("/") + 1)}`;
  return { type: "file", file: { filename, file_data: dataUrl(mediaType, data) } };
}

/** The URL OpenAI takes for inline or linked media. */
export function mediaUrl(media: IRImage | IRFile, fallbackType: string): string {
  if (media.data !== undefined) return dataUrl(media.mediaType ?? fallbackType, media.data);
  if (media.url !== undefined) return media.url;
  throw invalidRequest(media.type, "has neither data nor url");
}

/**
 * One entry of OpenRouter's `images` on assistant messages and deltas
 * (`{type:"image_url", image_url:{url}}`), the convention image-generating models use over chat.
 */
export function decodeGeneratedImage(entry: unknown): IRImage | undefined {
  if (!isObject(entry) || !isObject(entry.image_url) || typeof entry.image_url.url !== "string")
    return undefined;
  return decodeImage(entry.image_url, "images");
}

export function encodeGeneratedImage(image: IRImage, index: number): Record<string, unknown> {
  return { type: "image_url", image_url: { url: mediaUrl(image, "image/png") }, index };
}
