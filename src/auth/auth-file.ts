import { createHash } from "node:crypto";
import { AuthFileError } from "./errors.ts";

/**
 * One account file in auth-dir as read from disk: the whole JSON object (unknown fields are
 * kept and written back untouched), plus the common per-file options every type honours.
 * Field names are the Go original's, so an existing auth-dir works unchanged.
 */
export interface AuthFile {
  /** File name inside auth-dir, e.g. `codex-user@example.com-plus.json`. */
  name: string;
  path: string;
  /** sha256 of the text; an event for identical content is ignored. */
  digest: string;
  content: Record<string, unknown>;
  /** The file's `type` (codex, claude, gemini, ...), lower-cased. */
  type: string;
  email: string;
  /** Optional per-file options. */
  prefix: string;
  priority: number;
  /** Share in weighted round-robin: default 1, 0 (or less) leaves weighted rotation. */
  weight: number;
  /** Extra headers sent upstream with every call of this account. */
  headers: Record<string, string>;
  proxyUrl: string;
  disabled: boolean;
  excludedModels: string[];
  /** Layout of the text, kept when the file is written back. */
  indent: number;
  trailingNewline: boolean;
}

export function digestOf(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Parses a file's text. Throws AuthFileError with a one-line reason when it is unusable. */
export function parseAuthFile(name: string, path: string, text: string): AuthFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new AuthFileError(`not valid JSON (${(err as Error).message})`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new AuthFileError("not a JSON object");
  }
  const content = parsed as Record<string, unknown>;
  const type = textField(content, "type").toLowerCase();
  if (!type) throw new AuthFileError('no "type" field');
  return {
    name,
    path,
    digest: digestOf(text),
    content,
    type,
    email: textField(content, "email"),
    prefix: textField(content, "prefix").replace(/^\/+|\/+$/g, ""),
    priority: integerField(content.priority),
    weight: weightField(content.weight),
    headers: headersField(content.headers),
    proxyUrl: textField(content, "proxy_url"),
    disabled: content.disabled === true || content.disabled === "true",
    excludedModels: listField(content.excluded_models),
    indent: /^\{\s*\n([ \t]+)"/.exec(text)?.[1].length ?? 0,
    trailingNewline: text.endsWith("\n"),
  };
}

/** A trimmed string field, '' when absent or not a string. */
export function textField(content: Record<string, unknown>, key: string): string {
  const v = content[key];
  return typeof v === "string" ? v.trim() : "";
}

function integerField(v: unknown): number {
  const n = typeof v === "string" ? Number(v.trim()) : v;
  return typeof n === "number" && Number.isInteger(n) ? n : 0;
}

/** An integer weight up to 1,000,000 (0 or less counts as 0); anything else is the default 1. */
function weightField(v: unknown): number {
  const n = typeof v === "string" && v.trim() !== "" ? Number(v.trim()) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n > 1_000_000) return 1;
  return Math.max(0, n);
}

/** Header name -> text value; blank names or values are skipped. */
function headersField(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v === null || typeof v !== "object" || Array.isArray(v)) return out;
  for (const [name, value] of Object.entries(v)) {
    if (typeof value === "string" && name.trim() && value.trim()) out[name.trim()] = value.trim();
  }
  return out;
}

/** A list of strings, or a comma-separated string. */
function listField(v: unknown): string[] {
  const items = Array.isArray(v) ? v : typeof v === "string" ? v.split(",") : [];
  return items.filter((s): s is string => typeof s === "string" && s.trim() !== "").map((s) => s.trim());
}

/** The file's text for `content`, in the layout the file had (Go writes compact JSON + newline). */
export function serializeAuthContent(
  content: Record<string, unknown>,
  indent: number,
  trailingNewline: boolean,
) {
  return JSON.stringify(content, null, indent || undefined) + (trailingNewline ? "\n" : "");
}
