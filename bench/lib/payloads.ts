/**
 * Request bodies of a given size in each client format. The bulk sits in earlier turns of the
 * conversation, the last user message is short: realistic (long context, short question) and
 * it keeps the fake upstream's echo answer small, so body size measures request handling.
 */

const SYSTEM = "You are a terse assistant used by a benchmark.";
const QUESTION = "Say hello.";

/** Deterministic filler text of exactly `length` characters (ASCII, so bytes == chars). */
export function filler(length: number): string {
  const words = "the quick brown fox jumps over a lazy dog while benchmarks measure every hop ";
  if (length <= 0) return "";
  return words.repeat(Math.ceil(length / words.length)).slice(0, length);
}

/** Builds a body, then grows the filler so the serialised JSON is `bytes` long (or just over). */
function sized(bytes: number, build: (history: string) => object): string {
  const base = JSON.stringify(build("")).length;
  return JSON.stringify(build(filler(bytes - base)));
}

export function openAIChatBody(model: string, bytes: number, stream: boolean): string {
  return sized(bytes, (history) => ({
    model,
    messages: [
      { role: "system", content: SYSTEM },
      { role: "user", content: history },
      { role: "assistant", content: "Noted." },
      { role: "user", content: QUESTION },
    ],
    max_tokens: 256,
    ...(stream ? { stream: true } : {}),
  }));
}

export function anthropicMessagesBody(model: string, bytes: number, stream: boolean): string {
  return sized(bytes, (history) => ({
    model,
    system: SYSTEM,
    messages: [
      { role: "user", content: history },
      { role: "assistant", content: "Noted." },
      { role: "user", content: QUESTION },
    ],
    max_tokens: 256,
    ...(stream ? { stream: true } : {}),
  }));
}

/** Gemini carries the model in the URL, not the body. */
export function geminiBody(bytes: number): string {
  return sized(bytes, (history) => ({
    systemInstruction: { parts: [{ text: SYSTEM }] },
    contents: [
      { role: "user", parts: [{ text: history }] },
      { role: "model", parts: [{ text: "Noted." }] },
      { role: "user", parts: [{ text: QUESTION }] },
    ],
    generationConfig: { maxOutputTokens: 256 },
  }));
}
