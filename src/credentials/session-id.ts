/**
 * Which conversation a generate call belongs to, for `routing.session-affinity`. Same order of
 * signals as the Go original: explicit client session headers, then session fields of the body,
 * then the Responses WebSocket connection, then an identity derived from the conversation's
 * root (instructions + first user turn), then a hash of the first messages.
 *
 * Reads the already-parsed body; only called when affinity is on.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { WireFormat } from "../protocols/ir.ts";
import { derivedSessionId, messageHashIds } from "./session-root.ts";

export interface SessionSource {
  format: WireFormat;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** A long-lived downstream session (one Responses WebSocket connection). */
  executionSession?: string;
  /** The client key that passed the access check; keeps derived identities of callers apart. */
  clientKey?: string;
}

/** A session identifier, and an older one the same conversation may already be bound under. */
export interface SessionIds {
  primary: string;
  fallback?: string;
}

/** Header checked, and the namespace its value is filed under; earlier wins. */
const HEADER_SIGNALS: ReadonlyArray<readonly [header: string, prefix: string]> = [
  ["x-claude-code-session-id", "claude:"],
  ["session-id", "codex:"],
  ["session_id", "codex:"],
  ["x-session-id", "header:"],
  ["x-session-affinity", "affinity:"], // OpenCode
  ["x-client-request-id", "clientreq:"], // pi (Responses)
];

/** Claude Code's pre-JSON `metadata.user_id`: `user_<hash>_account_<uuid>_session_<uuid>`. */
const LEGACY_CLAUDE_SESSION = /_session_([a-f0-9-]+)$/;

export function sessionIds(source: SessionSource): SessionIds | undefined {
  const { headers } = source;
  const claude = headerValue(headers, "x-claude-code-session-id");
  if (claude) return { primary: `claude:${claude}` };
  // Gemini CLI (Code Assist) wraps the Gemini request, its session id included, in `request`.
  const body = unwrap(source.format, source.body);
  const claudeMeta = claudeMetadataSession(body);
  if (claudeMeta) return { primary: `claude:${claudeMeta}` };
  for (let i = 1; i < HEADER_SIGNALS.length; i++) {
    const value = headerValue(headers, HEADER_SIGNALS[i][0]);
    if (value) return { primary: HEADER_SIGNALS[i][1] + value };
  }
  if (body) {
    const explicit = bodySession(body);
    if (explicit) return explicit;
  }
  const execution = explicitId(source.executionSession);
  if (execution) return { primary: `execution:${execution}` };
  if (!body) return undefined;
  const derived = derivedSessionId(source.format, body, source.clientKey ?? "");
  if (derived) return { primary: `derived:${derived}` };
  return messageHashIds(body);
}

/** `session_id`, `prompt_cache_key` (with the Responses `conversation` as its alias), legacy ids. */
function bodySession(body: Record<string, unknown>): SessionIds | undefined {
  for (const field of ["session_id", "sessionId"]) {
    const id = explicitId(loose(body[field]));
    if (id) return { primary: `session:${id}` };
  }
  const conversation = body.conversation;
  const conversationId = explicitId(
    isObject(conversation) ? loose(conversation.id) : typeof conversation === "string" ? conversation : "",
  );
  const conv = conversationId ? `conv:${conversationId}` : undefined;
  const promptCacheKey = explicitId(loose(body.prompt_cache_key));
  if (promptCacheKey)
    return conv ? { primary: `pck:${promptCacheKey}`, fallback: conv } : { primary: `pck:${promptCacheKey}` };
  if (conv) return { primary: conv };
  const metadata = body.metadata;
  const userId = explicitId(isObject(metadata) ? loose(metadata.user_id) : "");
  if (userId) return { primary: `user:${userId}` };
  const legacyConversation = explicitId(loose(body.conversation_id));
  if (legacyConversation) return { primary: `conv:${legacyConversation}` };
  return undefined;
}

/** The session inside Claude Code's `metadata.user_id`: a JSON text with `session_id`, or the legacy suffix. */
function claudeMetadataSession(body: Record<string, unknown> | undefined): string {
  const metadata = body?.metadata;
  if (!isObject(metadata)) return "";
  const userId = loose(metadata.user_id).trim();
  if (!userId) return "";
  if (userId.startsWith("{")) {
    try {
      const parsed: unknown = JSON.parse(userId);
      return isObject(parsed) ? explicitId(loose(parsed.session_id)) : "";
    } catch {
      return "";
    }
  }
  const legacy = LEGACY_CLAUDE_SESSION.exec(userId);
  return legacy ? explicitId(legacy[1]) : "";
}

/**
 * An explicit client-provided id as a routing key: trimmed, printable, at most 256 bytes.
 * Anything else is ignored rather than trusted.
 */
export function explicitId(raw: string | undefined): string {
  if (!raw) return "";
  if (/[\u0000-\u001f\u007f-\u009f]/.test(raw)) return "";
  const id = raw.trim();
  if (id === "" || Buffer.byteLength(id) > 256) return "";
  return id;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  if (typeof value === "string") return explicitId(value);
  if (Array.isArray(value)) {
    for (const v of value) {
      const id = explicitId(v);
      if (id) return id;
    }
  }
  return "";
}

function unwrap(format: WireFormat, body: unknown): Record<string, unknown> | undefined {
  if (!isObject(body)) return undefined;
  if (format === "gemini-cli" && isObject(body.request)) return body.request;
  return body;
}

/** A JSON value read as text the way the original's JSON path reader does (objects as JSON). */
function loose(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value !== null && typeof value === "object") return JSON.stringify(value);
  return "";
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
