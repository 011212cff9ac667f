import type { IncomingHttpHeaders } from "node:http";

// Amp replays assistant turns with blocks that upstream APIs refuse: thinking blocks whose
// signature is missing or empty, and tool_use blocks carrying a `signature` field (which Amp's
// own client adds). The original strips both before any routing decision; so do we.

/**
 * Removes unsigned thinking blocks and tool_use signatures from assistant messages in place.
 * Returns whether anything changed (the caller then re-serialises the body).
 */
export function sanitizeAmpBody(body: Record<string, unknown>): boolean {
  const messages = body.messages;
  if (!Array.isArray(messages)) return false;
  let changed = false;
  for (const message of messages) {
    if (message?.role !== "assistant" || !Array.isArray(message.content)) continue;
    const kept: unknown[] = [];
    let touched = false;
    for (const block of message.content as Record<string, unknown>[]) {
      if (block?.type === "thinking") {
        const sig = block.signature;
        if (typeof sig !== "string" || sig.trim() === "") {
          touched = true;
          continue;
        }
      }
      if (block?.type === "tool_use" && "signature" in block) {
        const { signature: _dropped, ...rest } = block;
        kept.push(rest);
        touched = true;
        continue;
      }
      kept.push(block);
    }
    if (touched) {
      message.content = kept;
      changed = true;
    }
  }
  return changed;
}

/** The 1M-context beta needs a plan Amp's own upstream has; local credentials may not. */
const LOCAL_ONLY_DROPPED_BETA = "context-1m-2025-08-07";

/** The client's headers with that beta removed from `anthropic-beta` (same object when absent). */
export function withoutLongContextBeta(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const beta = headers["anthropic-beta"];
  if (typeof beta !== "string" || !beta.includes(LOCAL_ONLY_DROPPED_BETA)) return headers;
  const kept = beta
    .split(",")
    .map((f) => f.trim())
    .filter((f) => f !== "" && f !== LOCAL_ONLY_DROPPED_BETA);
  const next = { ...headers };
  if (kept.length > 0) next["anthropic-beta"] = kept.join(",");
  else delete next["anthropic-beta"];
  return next;
}
