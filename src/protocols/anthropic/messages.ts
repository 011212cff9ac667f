/**
 * The `messages` array in both directions. Anthropic has two roles; tool results live in user
 * turns. The IR keeps them in their own `tool` messages, so decoding splits mixed user turns and
 * encoding merges them back (Anthropic also requires roles to alternate).
 */
import type { IRMessage, IRPart } from "../ir.ts";
import {
  type AnthropicBlock,
  decodeDocument,
  decodeImage,
  decodeToolResult,
  encodeFile,
  encodeImage,
  encodeToolResult,
  parseToolInput,
  toolUseId,
} from "./content.ts";
import { invalidRequest, isObject } from "./invalid.ts";

export interface AnthropicMessage {
  role: "user" | "assistant";
  content: AnthropicBlock[];
}

export function decodeMessages(raw: unknown): IRMessage[] {
  if (!Array.isArray(raw)) throw invalidRequest("messages", "must be an array");
  const out: IRMessage[] = [];
  // tool_use id -> name, so results can carry the name formats like Gemini need.
  const toolNames = new Map<string, string>();
  for (let i = 0; i < raw.length; i++) {
    const message = raw[i];
    const field = `messages[${i}]`;
    if (!isObject(message)) throw invalidRequest(field, "must be an object");
    if (message.role === "user") decodeUserTurn(message.content, field, toolNames, out);
    else if (message.role === "assistant") decodeAssistantTurn(message.content, field, toolNames, out);
    else throw invalidRequest(`${field}.role`, 'must be "user" or "assistant"');
  }
  return out;
}

/** Normalises string content to one text block and checks the array shape. */
function contentBlocks(content: unknown, field: string): Array<Record<string, any>> {
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (!Array.isArray(content)) throw invalidRequest(`${field}.content`, "must be a string or an array");
  for (let j = 0; j < content.length; j++) {
    const block = content[j];
    if (!isObject(block) || typeof block.type !== "string") {
      throw invalidRequest(`${field}.content[${j}]`, "must be a block with a type");
    }
  }
  return content;
}

function textOf(block: Record<string, any>, field: string): string {
  if (typeof block.text !== "string") throw invalidRequest(`${field}.text`, "must be a string");
  return block.text;
}

/** A user turn becomes `tool` and `user` IR messages, one per run of same-kind blocks, in order. */
function decodeUserTurn(
  content: unknown,
  field: string,
  toolNames: Map<string, string>,
  out: IRMessage[],
): void {
  let current: IRMessage | undefined;
  const append = (role: "user" | "tool", part: IRPart) => {
    if (current?.role !== role) {
      current = { role, content: [] };
      out.push(current);
    }
    current.content.push(part);
  };
  const blocks = contentBlocks(content, field);
  for (let j = 0; j < blocks.length; j++) {
    const block = blocks[j];
    const blockField = `${field}.content[${j}]`;
    switch (block.type) {
      case "text":
        append("user", { type: "text", text: textOf(block, blockField) });
        break;
      case "image":
        append("user", decodeImage(block, blockField));
        break;
      case "document": {
        const parts: Array<IRPart & { type: "text" | "image" | "file" }> = [];
        decodeDocument(block, blockField, parts);
        for (const part of parts) append("user", part);
        break;
      }
      case "tool_result":
        append("tool", decodeToolResult(block, blockField, toolNames));
        break;
      // Server-tool results, search results and container uploads have no IR equivalent.
    }
  }
  // An empty user turn still marks a turn boundary for the upstream.
  if (current === undefined) out.push({ role: "user", content: [] });
}

function decodeAssistantTurn(
  content: unknown,
  field: string,
  toolNames: Map<string, string>,
  out: IRMessage[],
): void {
  const parts: IRPart[] = [];
  const blocks = contentBlocks(content, field);
  for (let j = 0; j < blocks.length; j++) {
    const block = blocks[j];
    const blockField = `${field}.content[${j}]`;
    switch (block.type) {
      case "text":
        parts.push({ type: "text", text: textOf(block, blockField) });
        break;
      case "thinking":
        if (typeof block.thinking !== "string")
          throw invalidRequest(`${blockField}.thinking`, "must be a string");
        parts.push(
          typeof block.signature === "string" && block.signature !== ""
            ? { type: "reasoning", text: block.thinking, signature: block.signature }
            : { type: "reasoning", text: block.thinking },
        );
        break;
      case "redacted_thinking":
        if (typeof block.data !== "string") throw invalidRequest(`${blockField}.data`, "must be a string");
        parts.push({ type: "reasoning", text: "", redacted: block.data });
        break;
      case "tool_use": {
        if (typeof block.id !== "string") throw invalidRequest(`${blockField}.id`, "must be a string");
        if (typeof block.name !== "string") throw invalidRequest(`${blockField}.name`, "must be a string");
        toolNames.set(block.id, block.name);
        const args = JSON.stringify(block.input ?? {});
        parts.push({ type: "tool_call", id: block.id, name: block.name, arguments: args });
        break;
      }
      // server_tool_use and its results run on Anthropic's side; other upstreams cannot replay them.
    }
  }
  out.push({ role: "assistant", content: parts });
}

/** One Anthropic turn under construction; tool results are kept ahead of other user content. */
interface Turn {
  role: "user" | "assistant";
  content: AnthropicBlock[];
  leadingResults: number;
}

export function encodeMessages(messages: IRMessage[]): AnthropicMessage[] {
  const turns: Turn[] = [];
  for (const message of messages) {
    const role = message.role === "assistant" ? "assistant" : "user";
    let turn = turns.at(-1);
    if (turn?.role !== role) {
      turn = { role, content: [], leadingResults: 0 };
      turns.push(turn);
    }
    for (const part of message.content) appendPart(turn, part);
  }
  const out: AnthropicMessage[] = [];
  // Turns whose parts were all dropped (e.g. unsigned reasoning only) would be rejected as empty.
  for (const turn of turns) if (turn.content.length > 0) out.push({ role: turn.role, content: turn.content });
  return mergeSameRole(out);
}

function appendPart(turn: Turn, part: IRPart): void {
  switch (part.type) {
    case "text":
      if (part.text !== "") turn.content.push({ type: "text", text: part.text });
      return;
    case "image": {
      const block = encodeImage(part);
      if (block !== undefined) turn.content.push(block);
      return;
    }
    case "file": {
      const block = encodeFile(part);
      if (block !== undefined) turn.content.push(block);
      return;
    }
    case "tool_result":
      // Anthropic wants tool results first in a user turn.
      turn.content.splice(turn.leadingResults++, 0, encodeToolResult(part));
      return;
    case "tool_call":
      turn.content.push({
        type: "tool_use",
        id: toolUseId(part.id),
        name: part.name,
        input: parseToolInput(part.arguments),
      });
      return;
    case "reasoning":
      if (part.redacted !== undefined) turn.content.push({ type: "redacted_thinking", data: part.redacted });
      // Thinking without a signature cannot be verified by Anthropic and is rejected; drop it.
      else if (part.signature !== undefined && part.signature !== "") {
        turn.content.push({ type: "thinking", thinking: part.text, signature: part.signature });
      }
      return;
  }
}

/** Dropping empty turns can leave two same-role turns adjacent; join them. */
function mergeSameRole(messages: AnthropicMessage[]): AnthropicMessage[] {
  const merged: AnthropicMessage[] = [];
  for (const message of messages) {
    const last = merged.at(-1);
    if (last?.role !== message.role) {
      merged.push(message);
      continue;
    }
    if (message.role === "user") {
      const results = message.content.filter((block) => block.type === "tool_result");
      if (results.length > 0) {
        const lead = last.content.findIndex((block) => block.type !== "tool_result");
        const others = message.content.filter((block) => block.type !== "tool_result");
        last.content.splice(lead === -1 ? last.content.length : lead, 0, ...results);
        last.content.push(...others);
        continue;
      }
    }
    last.content.push(...message.content);
  }
  return merged;
}
