/**
 * Input content parts (`input_text`, `input_image`, `input_file`) <-> IR text/image/file parts.
 * Used by user messages and by `function_call_output.output` when it is an array.
 */
import type { IRFile, IRImage, IRText } from "../ir.ts";
import { invalidRequest, isObject } from "./invalid.ts";

export type MediaPart = IRText | IRImage | IRFile;
type ResponsesPart = Record<string, unknown>;

const DATA_URL = /^data:([^;,]*)(?:;[^,]*)?;base64,/;

/** `data:<type>;base64,<data>` -> its media type and payload; undefined for any other URL. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const match = DATA_URL.exec(url);
  if (match === null) return undefined;
  return { mediaType: match[1] || "application/octet-stream", data: url.slice(match[0].length) };
}

export function toDataUrl(mediaType: string | undefined, data: string): string {
  return `data:${mediaType ?? "application/octet-stream"};base64,${data}`;
}

function decodeImage(part: Record<string, any>, field: string): IRImage {
  // Chat Completions clients sometimes send `image_url: {url}`; accept both shapes.
  const url = isObject(part.image_url) ? part.image_url.url : part.image_url;
  if (typeof url === "string" && url !== "") {
    const inline = parseDataUrl(url);
    return inline
      ? { type: "image", mediaType: inline.mediaType, data: inline.data }
      : { type: "image", url };
  }
  if (typeof part.file_id === "string") {
    throw invalidRequest(
      `${field}.file_id`,
      "refers to a stored OpenAI file and cannot be translated for this model",
    );
  }
  throw invalidRequest(`${field}.image_url`, "must be a URL string");
}

const MEDIA_TYPE_BY_EXTENSION: Record<string, string> = {
  pdf: "application/pdf",
  txt: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  json: "application/json",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
};

/** Media type from a file name or a URL path's extension. */
function mediaTypeOfName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const end = name.search(/[?#]/);
  const path = end === -1 ? name : name.slice(0, end);
  const dot = path.lastIndexOf(".");
  return dot === -1 ? undefined : MEDIA_TYPE_BY_EXTENSION[path.slice(dot + 1).toLowerCase()];
}

function decodeFile(part: Record<string, any>, field: string): IRFile {
  const filename = typeof part.filename === "string" ? part.filename : undefined;
  if (typeof part.file_data === "string") {
    const inline = parseDataUrl(part.file_data);
    if (inline) return { type: "file", mediaType: inline.mediaType, data: inline.data, filename };
    // Bare base64: the media type can only come from the file name.
    return { type: "file", mediaType: mediaTypeOfName(filename), data: part.file_data, filename };
  }
  if (typeof part.file_url === "string") {
    const mediaType = mediaTypeOfName(filename) ?? mediaTypeOfName(part.file_url);
    return { type: "file", mediaType, url: part.file_url, filename };
  }
  if (typeof part.file_id === "string") {
    throw invalidRequest(
      `${field}.file_id`,
      "refers to a stored OpenAI file and cannot be translated for this model",
    );
  }
  throw invalidRequest(field, "needs file_data or file_url");
}

/** A message's `content` (string or part array) -> IR parts, appended to `out`. */
export function decodeContent(content: unknown, field: string, out: MediaPart[]): void {
  if (typeof content === "string") {
    out.push({ type: "text", text: content });
    return;
  }
  if (content === undefined || content === null) return;
  if (!Array.isArray(content)) throw invalidRequest(field, "must be a string or an array of content parts");
  for (let i = 0; i < content.length; i++) {
    const part = content[i];
    const partField = `${field}[${i}]`;
    if (!isObject(part)) throw invalidRequest(partField, "must be an object");
    switch (part.type) {
      case "input_text":
      case "output_text":
      case "text":
        if (typeof part.text !== "string") throw invalidRequest(`${partField}.text`, "must be a string");
        out.push({ type: "text", text: part.text });
        break;
      case "refusal":
        if (typeof part.refusal === "string") out.push({ type: "text", text: part.refusal });
        break;
      case "input_image":
        out.push(decodeImage(part, partField));
        break;
      case "input_file":
        out.push(decodeFile(part, partField));
        break;
      default:
        throw invalidRequest(`${partField}.type`, `"${part.type}" is not a supported content part`);
    }
  }
}

function encodeImage(image: IRImage): ResponsesPart {
  const url = image.data !== undefined ? toDataUrl(image.mediaType, image.data) : (image.url ?? "");
  return { type: "input_image", image_url: url, detail: "auto" };
}

const EXTENSION_BY_MEDIA_TYPE: Record<string, string> = { "application/pdf": "pdf", "text/plain": "txt" };

function encodeFile(file: IRFile): ResponsesPart {
  if (file.mediaType?.startsWith("image/")) {
    return encodeImage({ type: "image", mediaType: file.mediaType, data: file.data, url: file.url });
  }
  if (file.data === undefined) {
    const part: ResponsesPart = { type: "input_file", file_url: file.url ?? "" };
    if (file.filename !== undefined) part.filename = file.filename;
    return part;
  }
  // OpenAI infers the kind of inline file data from its name, so inline files always get one.
  const extension = file.mediaType ? EXTENSION_BY_MEDIA_TYPE[file.mediaType] : undefined;
  const filename = file.filename ?? (extension ? `file.${extension}` : "file");
  return { type: "input_file", filename, file_data: toDataUrl(file.mediaType, file.data) };
}

/** IR text/image/file parts -> Responses input content parts. */
export function encodeContent(parts: readonly MediaPart[]): ResponsesPart[] {
  const out: ResponsesPart[] = [];
  for (const part of parts) {
    if (part.type === "text") out.push({ type: "input_text", text: part.text });
    else if (part.type === "image") out.push(encodeImage(part));
    else out.push(encodeFile(part));
  }
  return out;
}
