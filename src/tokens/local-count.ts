import type { IRRequest } from "../protocols/ir.ts";

/**
 * Local token estimate for count_tokens when the upstream has no counting endpoint. Uses the
 * o200k tokenizer (GPT-4o / GPT-5 family); for other families it is an estimate, which is what
 * clients use count_tokens for (context budgeting). Loaded on first use: it is several MB.
 */
let encoder: Promise<(text: string) => number> | undefined;

function loadEncoder(): Promise<(text: string) => number> {
  encoder ??= import("gpt-tokenizer/encoding/o200k_base").then((m) => (text: string) => m.countTokens(text));
  return encoder;
}

/** Per-message overhead the chat formats add (role markers, separators). */
const PER_MESSAGE = 3;
/** Rough cost of one image, in tokens, when we cannot see its size. */
const PER_IMAGE = 765;

export async function countRequestTokens(req: IRRequest): Promise<number> {
  const count = await loadEncoder();
  let total = 0;
  for (const s of req.system) total += count(s.text) + PER_MESSAGE;
  for (const m of req.messages) {
    total += PER_MESSAGE;
    for (const p of m.content) {
      switch (p.type) {
        case "text":
          total += count(p.text);
          break;
        case "reasoning":
          total += count(p.text);
          break;
        case "tool_call":
          total += count(p.name) + count(p.arguments);
          break;
        case "tool_result":
          for (const c of p.content) total += c.type === "text" ? count(c.text) : PER_IMAGE;
          break;
        default:
          total += PER_IMAGE;
      }
    }
  }
  for (const t of req.tools ?? []) {
    total += count(t.name) + count(t.description ?? "") + count(JSON.stringify(t.parameters ?? {}));
  }
  return total;
}
