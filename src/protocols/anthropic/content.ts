/**
 * Media and tool-result content blocks, shared by requests (user turns, tool results) and
 * responses. Anthropic carries images as `image` blocks and PDFs / plain text as `document` blocks.
 */
import type { IRFile, IRImage, IRText, IRToolResult } from "../ir.ts";
import { invalidRequest, isObject } from "./invalid.ts";

export type AnthropicBlock = Record<string, unknown>;
type MediaPart = IRText | IRImage | IRFile;

/** `image` block -> IR image. */
export function decodeImage(block: Record<string, any>, field: string): IRImage {
  const source = block.source;
  if (!isObject(source)) throw invalidRequest(`${field}.source`, "must be an object");
  if (source.type === "base64") {
    if (typeof source.data !== "string") throw invalidRequest(`${field}.source.data`, "must be a string");
    return { type: "image", mediaType: source.media_type, data: source.data };
  }
  if (source.type === "url") {
    if (typeof source.url !== "string") throw invalidRequest(`${field}.source.url`, "must be a string");
    return { type: "image", url: source.url };
  }
  throw invalidRequest(`${field}.source.type`, `"${source.type}" cannot be translated for this model`);
}

/** `document` block -> IR parts: PDFs become files, plain-text and content sources become text. */
export function decodeDocument(block: Record<string, any>, field: string, out: MediaPart[]): void {
  const source = block.source;
  if (!isObject(source)) throw invalidRequest(`${field}.source`, "must be an object");
  switch (source.type) {
    case "base64":
      if (typeof source.data !== "string") throw invalidRequest(`${field}.source.data`, "must be a string");
      out.push(
        withTitle(
          { type: "file", mediaType: source.media_type ?? "application/pdf", data: source.data },
          block,
        ),
      );
      return;
    case "url":
      if (typeof source.url !== "string") throw invalidRequest(`${field}.source.url`, "must be a string");
      out.push(withTitle({ type: "file", mediaType: "application/pdf", url: source.url }, block));
      return;
    case "text":
      if (typeof source.data !== "string") throw invalidRequest(`${field}.source.data`, "must be a string");
      out.push({ type: "text", text: source.data });
      return;
    case "content":
      decodeMediaContent(source.content, `${field}.source.content`, out);
      return;
    default:
      throw invalidRequest(`${field}.source.type`, `"${source.type}" cannot be translated for this model`);
  }
}

/** A document's title is the closest thing Anthropic has to a filename. */
function withTitle(file: IRFile, block: Record<string, any>): IRFile {
  if (typeof block.title === "string") file.filename = block.title;
  return file;
}

/** A string or an array of text/image/document blocks (tool results, document content) -> IR parts. */
export function decodeMediaContent(content: unknown, field: string, out: MediaPart[]): void {
  if (typeof content === "string") {
    if (content !== "") out.push({ type: "text", text: content });
    return;
  }
  if (content === undefined || content === null) return;
  if (!Array.isArray(content)) throw invalidRequest(field, "must be a string or an array of blocks");
  for (let i = 0; i < content.length; i++) {
    const block = content[i];
    const blockField = `${field}[${i}]`;
    if (!isObject(block) || typeof block.type !== "string")
      throw invalidRequest(blockField, "must be a block");
    if (block.type === "text") {
      if (typeof block.text !== "string") throw invalidRequest(`${blockField}.text`, "must be a string");
      out.push({ type: "text", text: block.text });
    } else if (block.type === "image") out.push(decodeImage(block, blockField));
    else if (block.type === "document") decodeDocument(block, blockField, out);
    else if (block.type === "search_result") decodeMediaContent(block.content, `${blockField}.content`, out);
    // Other block kinds (tool references, server tool output) have no IR equivalent.
  }
}

/** `tool_result` block -> IR tool result; `name` is recovered from the earlier tool_use. */
export function decodeToolResult(
  block: Record<string, any>,
  field: string,
  toolNames: Map<string, string>,
): IRToolResult {
  if (typeof block.tool_use_id !== "string") throw invalidRequest(`${field}.tool_use_id`, "must be a string");
  const content: MediaPart[] = [];
  decodeMediaContent(block.content, `${field}.content`, content);
  const result: IRToolResult = { type: "tool_result", toolCallId: block.tool_use_id, content };
  const name = toolNames.get(block.tool_use_id);
  if (name !== undefined) result.name = name;
  if (block.is_error === true) result.isError = true;
  return result;
}

const DATA_URL = /^data:([^;,]+)?(?:;[^,]*)?;base64,/;

/** Splits a base64 data: URL; undefined for anything else. */
function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const match = DATA_URL.exec(url);
  if (match === null) return undefined;
  return { mediaType: match[1] ?? "application/octet-stream", data: url.slice(match[0].length) };
}

/** Guesses an image type from the first base64 characters, for inline images sent without one. */
function sniffImageType(data: string): string {
  if (data.startsWith("/9j/")) return "image/jpeg";
  if (data.startsWith("R0lG")) return "image/gif";
  if (data.startsWith("UklGR")) return "image/webp";
  return "image/png";
}

function base64Source(mediaType: string, data: string): AnthropicBlock {
  return { type: "base64", media_type: mediaType, data };
}

/** Inline data or a data:/http URL -> an Anthropic base64 or url source. */
function sourceOf(
  part: IRImage | IRFile,
  fallbackType: (data: string) => string,
): AnthropicBlock | undefined {
  if (part.data !== undefined) return base64Source(part.mediaType ?? fallbackType(part.data), part.data);
  if (part.url === undefined) return undefined;
  const inline = parseDataUrl(part.url);
  if (inline !== undefined) return base64Source(inline.mediaType, inline.data);
  return { type: "url", url: part.url };
}

export function encodeImage(part: IRImage | IRFile): AnthropicBlock | undefined {
  const source = sourceOf(part, sniffImageType);
  return source === undefined ? undefined : { type: "image", source };
}

/** The media type of a file, looking inside a data: URL when the part itself has none. */
function fileMediaType(part: IRFile): string | undefined {
  if (part.mediaType !== undefined) return part.mediaType;
  if (part.url !== undefined) return parseDataUrl(part.url)?.mediaType;
  return undefined;
}

/** IR file -> `image` or `document` block. Anthropic accepts only images, PDFs and plain text. */
export function encodeFile(part: IRFile): AnthropicBlock | undefined {
  const mediaType = fileMediaType(part);
  if (mediaType?.startsWith("image/")) return encodeImage(part);
  let document: AnthropicBlock | undefined;
  if (mediaType === "text/plain" && part.data !== undefined) {
    const text = Buffer.from(part.data, "base64").toString("utf8");
    document = { type: "document", source: { type: "text", media_type: "text/plain", data: text } };
  } else if (mediaType === undefined || mediaType === "application/pdf") {
    const source = sourceOf(part, () => "application/pdf");
    if (source === undefined) return undefined;
    document = { type: "document", source };
  } else {
    throw invalidRequest("file", `of type ${mediaType} is not supported by Anthropic models`);
  }
  if (part.filename !== undefined) document.title = part.filename;
  return document;
}

/** IR text/image/file parts -> Anthropic blocks, dropping empty text (Anthropic rejects it). */
export function encodeMediaParts(parts: MediaPart[]): AnthropicBlock[] {
  const blocks: AnthropicBlock[] = [];
  for (const part of parts) {
    let block: AnthropicBlock | undefined;
    if (part.type === "text") block = part.text === "" ? undefined : { type: "text", text: part.text };
    else if (part.type === "image") block = encodeImage(part);
    else block = encodeFile(part);
    if (block !== undefined) blocks.push(block);
  }
  return blocks;
}

/** IR tool result -> `tool_result` block; a lone text result is sent as a plain string. */
export function encodeToolResult(part: IRToolResult): AnthropicBlock {
  const block: AnthropicBlock = { type: "tool_result", tool_use_id: toolUseId(part.toolCallId) };
  const only = part.content.length === 1 ? part.content[0] : undefined;
  if (only?.type === "text") {
    if (only.text !== "") block.content = only.text;
  } else {
    const blocks = encodeMediaParts(part.content);
    if (blocks.length > 0) block.content = blocks;
  }
  if (part.isError === true) block.is_error = true;
  return block;
}

const VALID_TOOL_ID = /^[a-zA-Z0-9_-]+$/;

/**
 * Anthropic requires tool_use ids to match ^[a-zA-Z0-9_-]+$; ids minted by other providers may
 * not. The mapping is deterministic so a call and its result still match after it.
 */
export function toolUseId(id: string): string {
  if (VALID_TOOL_ID.test(id)) return id;
  return id === "" ? "toolu_unnamed" : id.replace(/[^a-zA-Z0-9_-]/g, "_");
}

/** Tool-call arguments (JSON text) -> the `input` object Anthropic requires. */
export function parseToolInput(args: string): Record<string, unknown> {
  if (args.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(args);
    return isObject(value) ? value : {};
  } catch {
    return {};
  }
}
