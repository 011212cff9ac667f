/**
 * Bodies for Ollama's model-catalog endpoints (/api/tags, /api/show, /api/version) and for the
 * "load model" call, rendered from the proxy's model ids. Pure: the route supplies the ids.
 */
import { createHash } from "node:crypto";

/** The Ollama release whose API we mirror; clients such as editor plugins gate features on it. */
export const OLLAMA_COMPAT_VERSION = "0.12.10";

/** What the proxy knows about a model beyond its id. */
export interface OllamaModelFacts {
  /** Context window in tokens, reported as `<family>.context_length`. */
  contextLength?: number;
  /** Ollama capability names: completion, tools, thinking, vision, insert, embedding. */
  capabilities?: string[];
  modifiedAt?: Date;
}

export interface OllamaModelDetails {
  parent_model: string;
  format: string;
  family: string;
  families: string[];
  parameter_size: string;
  quantization_level: string;
}

export interface OllamaListedModel {
  name: string;
  model: string;
  modified_at: string;
  size: number;
  digest: string;
  details: OllamaModelDetails;
}

const DEFAULT_CONTEXT_LENGTH = 128_000;
/** Tools and vision are what remote models nearly all have; `thinking` only when the caller knows. */
const DEFAULT_CAPABILITIES = ["completion", "tools", "vision"];

/**
 * The family is the id's leading word without version digits ("claude-sonnet-4" -> claude,
 * "qwen3-coder" -> qwen, "openai/gpt-5" -> gpt); a leading word that is all digits after a
 * letter ("o3-mini") stays whole.
 */
export function modelFamily(modelId: string): string {
  const base = modelId.slice(modelId.lastIndexOf("/") + 1).toLowerCase();
  const word = base.split(/[-_.:\s]/, 1)[0] ?? base;
  const stripped = word.replace(/\d+$/, "");
  return stripped.length > 1 ? stripped : word || base;
}

function details(modelId: string): OllamaModelDetails {
  const family = modelFamily(modelId);
  // Ollama clients have only ever seen local GGUF files; the values keep their parsers content.
  return {
    parent_model: "",
    format: "gguf",
    family,
    families: [family],
    parameter_size: "",
    quantization_level: "",
  };
}

/** A stable fake digest so clients that key caches on it see one per model. */
function digest(modelId: string): string {
  return createHash("sha256").update(modelId).digest("hex");
}

/**
 * GET /api/tags. Names carry no `:latest` tag so that what a client sends back is exactly a
 * model id the router knows.
 */
export function ollamaTagsBody(
  modelIds: readonly string[],
  modifiedAt: Date = new Date(),
): { models: OllamaListedModel[] } {
  const when = modifiedAt.toISOString();
  return {
    models: modelIds.map((id) => ({
      name: id,
      model: id,
      modified_at: when,
      size: 0,
      digest: digest(id),
      details: details(id),
    })),
  };
}

/** POST /api/show for one model. */
export function ollamaShowBody(modelId: string, facts: OllamaModelFacts = {}): Record<string, unknown> {
  const info = details(modelId);
  return {
    license: "",
    modelfile: `# Served by CLI Proxy API\nFROM ${modelId}\n`,
    parameters: "",
    template: "{{ .Prompt }}",
    details: info,
    model_info: {
      "general.architecture": info.family,
      "general.basename": modelId,
      [`${info.family}.context_length`]: facts.contextLength ?? DEFAULT_CONTEXT_LENGTH,
    },
    capabilities: facts.capabilities ?? DEFAULT_CAPABILITIES,
    modified_at: (facts.modifiedAt ?? new Date()).toISOString(),
  };
}

/** GET /api/version. */
export function ollamaVersionBody(version: string = OLLAMA_COMPAT_VERSION): { version: string } {
  return { version };
}

/**
 * Ollama answers a chat with no messages, or a generate with an empty prompt, by loading the
 * model and replying at once with done_reason "load". Nothing needs loading here, so the route
 * can reply with this body without calling upstream.
 */
export function ollamaLoadBody(
  endpoint: "chat" | "generate",
  model: string,
  now: Date = new Date(),
): unknown {
  const head = { model, created_at: now.toISOString() };
  return endpoint === "chat"
    ? { ...head, message: { role: "assistant", content: "" }, done_reason: "load", done: true }
    : { ...head, response: "", done_reason: "load", done: true };
}
