/** Gemini `inlineData` / `fileData` parts <-> IR images and files. */
import type { IRFile, IRImage } from "../ir.ts";
import { field, type JsonObject } from "./fields.ts";

/** `inlineData {mimeType, data}`: images become IR images, anything else IR files. */
export function decodeInlineData(inline: JsonObject): IRImage | IRFile {
  const mediaType: string | undefined = field(inline, "mimeType", "mime_type");
  const data = typeof inline.data === "string" ? inline.data : "";
  if (mediaType?.startsWith("image/")) return { type: "image", mediaType, data };
  const file: IRFile = { type: "file", data };
  if (mediaType) file.mediaType = mediaType;
  if (typeof inline.displayName === "string") file.filename = inline.displayName;
  return file;
}

/** `fileData {mimeType, fileUri}`: a reference by URL. */
export function decodeFileData(ref: JsonObject): IRImage | IRFile {
  const mediaType: string | undefined = field(ref, "mimeType", "mime_type");
  const url = String(field(ref, "fileUri", "file_uri") ?? "");
  const out: IRImage | IRFile = mediaType?.startsWith("image/")
    ? { type: "image", url }
    : { type: "file", url };
  if (mediaType) out.mediaType = mediaType;
  return out;
}

const DATA_URL = /^data:([^;,]*)((?:;[^;,]*)*?),/;

/** IR image/file -> an `inlineData` part (base64 or data: URL) or a `fileData` part (http(s)/gs URL). */
export function encodeMedia(part: IRImage | IRFile): JsonObject {
  if (part.data !== undefined) {
    return { inlineData: { mimeType: part.mediaType ?? "application/octet-stream", data: part.data } };
  }
  const url = part.url ?? "";
  const m = DATA_URL.exec(url);
  if (m) {
    const payload = url.slice(m[0].length);
    const isBase64 = m[2].split(";").includes("base64");
    const data = isBase64 ? payload : Buffer.from(decodeURIComponent(payload)).toString("base64");
    return { inlineData: { mimeType: m[1] || part.mediaType || "application/octet-stream", data } };
  }
  const fileData: JsonObject = { fileUri: url };
  const mimeType = part.mediaType ?? guessMimeType(url);
  if (mimeType) fileData.mimeType = mimeType;
  return { fileData };
}

const BY_EXTENSION: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  heic: "image/heic",
  pdf: "application/pdf",
  mp3: "audio/mpeg",
  wav: "audio/wav",
  mp4: "video/mp4",
  txt: "text/plain",
};

/** Gemini wants a MIME type next to a file URI; guess it from the extension when none was given. */
function guessMimeType(url: string): string | undefined {
  const path = url.split(/[?#]/, 1)[0];
  const dot = path.lastIndexOf(".");
  return dot < 0 ? undefined : BY_EXTENSION[path.slice(dot + 1).toLowerCase()];
}
