/**
 * Session identities for clients that send no session id: the conversation's root (leading
 * instructions, each cut to 50 characters, plus the first user turn in full) hashed together
 * with the wire format and the caller's key, which stays the same however long the
 * conversation grows. Like the Go original, `cache_control` markers are ignored so a moving
 * cache breakpoint does not change the identity.
 *
 * When there is no user turn to hash, a hash of the first system / user / assistant texts is
 * the last resort (a short one, and a full one once an assistant turn exists).
 */
import { createHash } from "node:crypto";
import type { WireFormat } from "../protocols/ir.ts";
import type { SessionIds } from "./session-id.ts";

const INSTRUCTION_CHARS = 50;
const MESSAGE_HASH_CHARS = 100;

interface Part {
  kind: string;
  mime?: string;
  value: string;
}

interface Root {
  instructions: string[];
  user: Part[] | undefined;
}

type Json = Record<string, unknown>;

/** `ctx:v1:<sha256>` for the conversation root, or '' when the request has no user turn. */
export function derivedSessionId(format: WireFormat, body: Json, clientKey: string): string {
  let root: Root;
  let resource: string | undefined;
  if (format === "gemini" || format === "gemini-cli") {
    root = geminiRoot(body);
    resource = stringField(body, "cachedContent", "cached_content") || undefined;
  } else if (format === "openai-responses") {
    root = responsesRoot(body);
  } else {
    root = messagesRoot(body, format === "anthropic");
  }
  if (!root.user || root.user.length === 0) return "";
  const canonical = {
    version: "cpa-session-root-v1",
    format,
    caller_scope: clientKey ? sha256(`cli-proxy-api:caller-scope:v1\u0000${clientKey}`) : "",
    instructions: root.instructions.length > 0 ? root.instructions : undefined,
    user: root.user,
    resource,
  };
  return `ctx:v1:${sha256(JSON.stringify(canonical))}`;
}

function messagesRoot(body: Json, topLevelSystem: boolean): Root {
  const instructions: string[] = [];
  if (topLevelSystem && body.system !== undefined) addInstruction(instructions, body.system);
  const messages = Array.isArray(body.messages) ? body.messages : [];
  for (const message of messages) {
    if (!isObject(message)) continue;
    const role = lowered(message.role);
    if (role === "system" || role === "developer") addInstruction(instructions, message.content);
    else if (role === "user") return { instructions, user: parts(message.content) };
  }
  return { instructions, user: undefined };
}

function responsesRoot(body: Json): Root {
  const instructions: string[] = [];
  if (body.instructions !== undefined) addInstruction(instructions, body.instructions);
  const input = body.input;
  if (typeof input === "string") return { instructions, user: parts(input) };
  for (const item of Array.isArray(input) ? input : []) {
    if (!isObject(item)) continue;
    const role = lowered(item.role);
    if (role === "system" || role === "developer") addInstruction(instructions, item.content);
    else if (role === "user") return { instructions, user: parts(item.content) };
  }
  return { instructions, user: undefined };
}

function geminiRoot(body: Json): Root {
  const instructions: string[] = [];
  const system = body.systemInstruction ?? body.system_instruction;
  if (system !== undefined) addInstruction(instructions, contentOf(system));
  for (const content of Array.isArray(body.contents) ? body.contents : []) {
    if (isObject(content) && lowered(content.role) === "user") {
      return { instructions, user: parts(contentOf(content)) };
    }
  }
  return { instructions, user: undefined };
}

function addInstruction(instructions: string[], value: unknown): void {
  const text = parts(value)
    .filter((p) => p.kind === "text" && p.value !== "")
    .map((p) => p.value)
    .join("\n");
  if (text) instructions.push(Array.from(text).slice(0, INSTRUCTION_CHARS).join(""));
}

function parts(value: unknown): Part[] {
  const out: Part[] = [];
  collect(out, value);
  return out;
}

/** Text, media references, and anything else as canonical JSON, in document order. */
function collect(out: Part[], value: unknown): void {
  if (value === null || value === undefined) return;
  if (typeof value === "string") {
    if (value) out.push({ kind: "text", value });
    return;
  }
  if (Array.isArray(value)) {
    for (const child of value) collect(out, child);
    return;
  }
  if (!isObject(value)) {
    out.push({ kind: "json", value: JSON.stringify(value) });
    return;
  }
  const inline = value.inlineData ?? value.inline_data;
  const file = value.fileData ?? value.file_data;
  if (typeof value.text === "string") collect(out, value.text);
  else if ("content" in value) collect(out, value.content);
  else if ("parts" in value) collect(out, value.parts);
  else if ("image_url" in value) media(out, "image", value.image_url, "");
  else if (inline !== undefined) media(out, "inline_data", inline, "");
  else if (file !== undefined) media(out, "file", file, "");
  else if ("source" in value) media(out, lowered(value.type), value.source, lowered(value.media_type));
  else out.push({ kind: "json", value: canonicalJson(value) });
}

function media(out: Part[], kind: string, value: unknown, fallbackMime: string): void {
  const k = kind.trim() || "media";
  if (typeof value === "string") {
    if (value) out.push(part(k, fallbackMime, value));
    return;
  }
  if (isObject(value)) {
    const mime = stringField(value, "mimeType", "mime_type", "media_type") || fallbackMime;
    const ref = stringField(value, "url", "uri", "fileUri", "file_uri", "data");
    if (ref) out.push(part(k, mime, ref));
    return;
  }
  collect(out, value);
}

function part(kind: string, mime: string, value: string): Part {
  return mime ? { kind, mime, value } : { kind, value };
}

/** Sorted keys, `cache_control` dropped at every depth. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (!isObject(v)) return v;
    const sorted: Json = {};
    for (const k of Object.keys(v).sort()) {
      if (k.trim().toLowerCase() !== "cache_control") sorted[k] = v[k];
    }
    return sorted;
  });
}

/** Gemini content and system instruction objects: their `content`, `parts` or `text`. */
function contentOf(value: unknown): unknown {
  if (!isObject(value)) return value;
  if ("content" in value) return value.content;
  if ("parts" in value) return value.parts;
  if ("text" in value) return value.text;
  return value;
}

/** The first of `keys` present; '' unless its value is a string. */
function stringField(object: Json, ...keys: string[]): string {
  for (const key of keys) {
    if (key in object) return typeof object[key] === "string" ? (object[key] as string).trim() : "";
  }
  return "";
}

/**
 * Last resort: `msg:<hash>` of the first system, user and assistant texts (each cut to 100
 * characters). Once an assistant turn exists the full hash leads and the short one, which the
 * first turn was bound under, follows as the alias.
 */
export function messageHashIds(body: Json): SessionIds | undefined {
  let system = "";
  let user = "";
  let assistant = "";
  const note = (role: string, text: string) => {
    if (!text) return;
    const cut = text.slice(0, MESSAGE_HASH_CHARS);
    if ((role === "system" || role === "developer") && !system) system = cut;
    else if (role === "user" && !user) user = cut;
    else if ((role === "assistant" || role === "model") && !assistant) assistant = cut;
  };
  for (const m of Array.isArray(body.messages) ? body.messages : []) {
    if (isObject(m) && lowered(m.role) !== "developer") note(lowered(m.role), textOf(m.content, TEXT_TYPES));
    if (system && user && assistant) break;
  }
  if (!system) note("system", firstText(body.system));
  if (!system && !user) {
    const instruction = isObject(body.systemInstruction) ? body.systemInstruction.parts : undefined;
    note("system", firstText(instruction));
    for (const c of Array.isArray(body.contents) ? body.contents : []) {
      if (!isObject(c)) continue;
      note(lowered(c.role), firstText(c.parts));
      if (user && assistant) break;
    }
  }
  if (!system && !user) {
    if (typeof body.instructions === "string") note("system", body.instructions);
    for (const item of Array.isArray(body.input) ? body.input : []) {
      if (!isObject(item)) continue;
      const type = typeof item.type === "string" ? item.type : "";
      if ((type !== "" && type !== "message") || (type === "" && !item.role)) continue;
      note(lowered(item.role), textOf(item.content, RESPONSES_TEXT_TYPES));
      if (user && assistant) break;
    }
  }
  if (!system && !user) return undefined;
  const short = messageHash(system, user, "");
  return assistant ? { primary: messageHash(system, user, assistant), fallback: short } : { primary: short };
}

const TEXT_TYPES = new Set(["text"]);
const RESPONSES_TEXT_TYPES = new Set(["input_text", "output_text", "text"]);

/** String content, or the texts of typed content blocks joined by spaces. */
function textOf(content: unknown, types: ReadonlySet<string>): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  const texts: string[] = [];
  for (const block of content) {
    if (isObject(block) && types.has(block.type as string) && typeof block.text === "string" && block.text) {
      texts.push(block.text);
    }
  }
  return texts.join(" ");
}

/** A string, or the first non-empty `text` of a list of blocks / parts. */
function firstText(value: unknown): string {
  if (typeof value === "string") return value;
  for (const p of Array.isArray(value) ? value : []) {
    if (isObject(p) && typeof p.text === "string" && p.text) return p.text;
  }
  return "";
}

function messageHash(system: string, user: string, assistant: string): string {
  let text = "";
  if (system) text += `sys:${system}\n`;
  if (user) text += `usr:${user}\n`;
  if (assistant) text += `ast:${assistant}\n`;
  return `msg:${sha256(text).slice(0, 16)}`;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function lowered(value: unknown): string {
  return typeof value === "string" ? value.trim().toLowerCase() : "";
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
