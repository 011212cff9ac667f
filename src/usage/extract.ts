/**
 * Token usage from upstream bytes the proxy relays without decoding (same format in and out).
 * Only the usage object is parsed: it is located by its key and sliced out, so a 100 KB answer
 * costs one native substring search, not a JSON.parse of the whole body.
 */
import { decodeUsage as anthropicUsage } from "../protocols/anthropic/usage.ts";
import { decodeUsage as geminiUsage } from "../protocols/gemini/usage.ts";
import type { IRUsage, WireFormat } from "../protocols/ir.ts";
import { decodeUsage as ollamaUsage } from "../protocols/ollama/done-fields.ts";
import { decodeUsage as chatUsage } from "../protocols/openai-chat/usage.ts";
import { decodeUsage as completionsUsage } from "../protocols/openai-completions/usage.ts";
import { decodeUsage as responsesUsage } from "../protocols/openai-responses/usage.ts";
import { lastObjectOfKey, lastObjectOfKeyInBytes } from "./json-slice.ts";

type Raw = Record<string, unknown>;

function isObject(v: unknown): v is Raw {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function hasNumber(o: Raw, a: string, b: string, c?: string): boolean {
  return (
    typeof o[a] === "number" || typeof o[b] === "number" || (c !== undefined && typeof o[c] === "number")
  );
}

/** How one format carries usage: the key of the object, a check that an object really is usage. */
interface UsageShape {
  key: string;
  /** The raw usage object when `v` looks like one, else undefined (a tool schema named "usage"...). */
  raw(v: unknown): Raw | undefined;
  decode(raw: Raw): IRUsage | undefined;
  /** Stream frames add up (Anthropic: input in message_start, output in message_delta). */
  merges?: boolean;
}

const openaiTokens = (v: unknown) =>
  isObject(v) && hasNumber(v, "prompt_tokens", "completion_tokens", "total_tokens") ? v : undefined;
const ioTokens = (v: unknown) =>
  isObject(v) && hasNumber(v, "input_tokens", "output_tokens") ? v : undefined;
const geminiTokens = (v: unknown) =>
  isObject(v) && hasNumber(v, "promptTokenCount", "candidatesTokenCount", "totalTokenCount") ? v : undefined;

const SHAPES: Partial<Record<WireFormat, UsageShape>> = {
  "openai-chat": { key: '"usage"', raw: openaiTokens, decode: chatUsage },
  "openai-completions": { key: '"usage"', raw: openaiTokens, decode: completionsUsage },
  "openai-responses": { key: '"usage"', raw: ioTokens, decode: responsesUsage },
  anthropic: { key: '"usage"', raw: ioTokens, decode: anthropicUsage, merges: true },
  gemini: { key: '"usageMetadata"', raw: geminiTokens, decode: geminiUsage },
  "gemini-cli": { key: '"usageMetadata"', raw: geminiTokens, decode: geminiUsage },
};

function isOllama(format: string): boolean {
  return format === "ollama-chat" || format === "ollama-generate";
}

/**
 * Usage of a non-stream response body in `format`, or undefined when it carries none. The key
 * search visits every occurrence of the key, so a full parse could find nothing more; only
 * Ollama (whose counts are loose top-level fields) is parsed whole.
 */
export function usageFromJson(format: WireFormat, text: string): IRUsage | undefined {
  if (isOllama(format)) return ollamaFromText(text);
  const shape = SHAPES[format];
  if (!shape) return undefined;
  const raw = lastObjectOfKey(text, shape.key, shape.raw);
  return raw ? shape.decode(raw) : undefined;
}

/** Ollama's counts from one JSON object's text. */
function ollamaFromText(text: string): IRUsage | undefined {
  try {
    const body: unknown = JSON.parse(text);
    return isObject(body) ? ollamaUsage(body) : undefined;
  } catch {
    return undefined;
  }
}

export interface UsageTap {
  /** Feed every chunk exactly as relayed. Cheap when the chunk holds no usage. */
  push(chunk: Uint8Array): void;
  /** The usage seen so far (the last report wins; Anthropic's frames are merged). */
  usage(): IRUsage | undefined;
}

/** Longest line we keep waiting for a newline on; past it the line is skipped. */
const MAX_LINE_BYTES = 8 * 1024 * 1024;
const NEWLINE = 10;
const OLLAMA_MARKER = Buffer.from('"eval_count"');

/**
 * A stream tap for SSE (`data: {...}` lines) and NDJSON. Works on the raw bytes: a chunk is
 * searched natively for the usage key and only lines that contain it are decoded, and then only
 * the usage object's bytes. A line split across chunks is kept as references until its newline.
 */
export function createUsageTap(format: WireFormat): UsageTap {
  let latest: IRUsage | undefined;
  let onLine: LineHandler;
  let marker: Buffer;
  const shape = SHAPES[format];
  if (isOllama(format)) {
    marker = OLLAMA_MARKER;
    onLine = (buf, start, end) => {
      const u = ollamaFromText(buf.toString("utf8", start, end));
      if (u) latest = u;
    };
  } else if (shape) {
    marker = Buffer.from(shape.key);
    let merged: Raw | undefined;
    onLine = (buf, start, end) => {
      const raw = lastObjectOfKeyInBytes(buf, start, end, marker, shape.raw);
      if (!raw) return;
      if (shape.merges) {
        merged = merged ? mergeCounts(merged, raw) : raw;
        latest = shape.decode(merged);
      } else latest = shape.decode(raw);
    };
  } else {
    return NO_USAGE;
  }
  const lines = new MarkedLines(marker, onLine);
  return { push: (chunk) => lines.push(chunk), usage: () => latest };
}

/**
 * Anthropic's counts are cumulative across a stream's frames, and some compatible upstreams send
 * zeros for fields they only report at the start: each count keeps its largest value.
 */
function mergeCounts(into: Raw, next: Raw): Raw {
  for (const k in next) {
    const v = next[k];
    const prev = into[k];
    into[k] = typeof v === "number" && typeof prev === "number" ? Math.max(prev, v) : v;
  }
  return into;
}

const NO_USAGE: UsageTap = { push: () => {}, usage: () => undefined };

type LineHandler = (buf: Buffer, start: number, end: number) => void;

/** Splits a byte stream into lines and calls `onLine` for each complete line holding `marker`. */
class MarkedLines {
  private readonly marker: Uint8Array;
  private readonly onLine: LineHandler;
  /** Pieces of the current, not yet terminated line. */
  private parts: Buffer[] = [];
  private partsBytes = 0;
  /** The current line outgrew MAX_LINE_BYTES: drop it up to its newline. */
  private skipping = false;

  constructor(marker: Uint8Array, onLine: LineHandler) {
    this.marker = marker;
    this.onLine = onLine;
  }

  push(chunk: Uint8Array): void {
    const buf = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    if (this.parts.length > 0 || this.skipping) {
      const nl = buf.indexOf(NEWLINE);
      if (nl < 0) {
        this.hold(buf);
        return;
      }
      if (!this.skipping) {
        this.parts.push(buf.subarray(0, nl));
        const line = Buffer.concat(this.parts, this.partsBytes + nl);
        this.line(line, 0, line.length);
      }
      this.parts = [];
      this.partsBytes = 0;
      this.skipping = false;
      start = nl + 1;
    }
    const lastNl = buf.lastIndexOf(NEWLINE);
    if (lastNl >= start) {
      this.scan(buf, start, lastNl);
      start = lastNl + 1;
    }
    if (start < buf.length) this.hold(start === 0 ? buf : buf.subarray(start));
  }

  private hold(piece: Buffer): void {
    if (this.skipping) return;
    this.partsBytes += piece.length;
    if (this.partsBytes > MAX_LINE_BYTES) {
      this.parts = [];
      this.partsBytes = 0;
      this.skipping = true;
      return;
    }
    this.parts.push(piece);
  }

  /** Complete lines within `[start, end)`: only those holding the marker are looked at. */
  private scan(buf: Buffer, start: number, end: number): void {
    let pos = buf.indexOf(this.marker, start);
    while (pos >= 0 && pos < end) {
      const lineStart = Math.max(start, buf.lastIndexOf(NEWLINE, pos) + 1);
      let lineEnd = buf.indexOf(NEWLINE, pos);
      if (lineEnd < 0 || lineEnd > end) lineEnd = end;
      this.onLine(buf, lineStart, lineEnd);
      pos = buf.indexOf(this.marker, lineEnd + 1);
    }
  }

  private line(buf: Buffer, start: number, end: number): void {
    const pos = buf.indexOf(this.marker, start);
    if (pos >= 0 && pos + this.marker.length <= end) this.onLine(buf, start, end);
  }
}
