/** Model catalogs in the three providers' list shapes: a few real names plus one `fake-<scenario>` per scenario. */
import { SCENARIOS } from "./scenarios.ts";

const SCENARIO_MODELS = SCENARIOS.map((s) => `fake-${s}`);
const OPENAI_MODELS = ["gpt-5", "gpt-5-codex", "gpt-4o-mini", ...SCENARIO_MODELS];
const ANTHROPIC_MODELS = [
  "claude-sonnet-4-5",
  "claude-opus-4-1",
  ...SCENARIO_MODELS.map((m) => `claude-${m}`),
];
const GEMINI_MODELS = ["gemini-2.5-pro", "gemini-2.5-flash", ...SCENARIO_MODELS.map((m) => `gemini-${m}`)];
/** 2025-01-01T00:00:00Z, a fixed creation time keeps the lists deterministic. */
const CREATED = 1735689600;

export function openAiModelList(): unknown {
  return {
    object: "list",
    data: OPENAI_MODELS.map((id) => ({ id, object: "model", created: CREATED, owned_by: "fake-upstream" })),
  };
}

export function anthropicModelList(): unknown {
  const created = new Date(CREATED * 1000).toISOString().replace(".000Z", "Z");
  return {
    data: ANTHROPIC_MODELS.map((id) => ({ type: "model", id, display_name: id, created_at: created })),
    has_more: false,
    first_id: ANTHROPIC_MODELS[0],
    last_id: ANTHROPIC_MODELS[ANTHROPIC_MODELS.length - 1],
  };
}

export function geminiModelList(): unknown {
  return {
    models: GEMINI_MODELS.map((id) => ({
      name: `models/${id}`,
      version: "001",
      displayName: id,
      description: `${id} (fake upstream)`,
      inputTokenLimit: 1048576,
      outputTokenLimit: 65536,
      supportedGenerationMethods: ["generateContent", "countTokens", "streamGenerateContent"],
      thinking: true,
    })),
  };
}
