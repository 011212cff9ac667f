import type { ReasoningEffort } from "../protocols/ir.ts";
import type { ProviderId } from "./types.ts";

/**
 * Built-in model catalogs for API-key providers that have no `models` list configured.
 * Data only; the model registry decides what is served.
 */

/**
 * What reasoning control a model accepts (the shape of the config's `models[].thinking`).
 * Budget models have `min`/`max`; level models have `levels`; Gemini 3 has both.
 */
export interface ThinkingSupport {
  /** Smallest positive thinking budget in tokens. */
  min?: number;
  /** Largest thinking budget in tokens. */
  max?: number;
  /** A budget of 0 turns thinking off (otherwise `none` clamps to the lowest setting). */
  zeroAllowed?: boolean;
  /** A budget of -1 lets the model decide. */
  dynamicAllowed?: boolean;
  /** Effort levels the model accepts, lowest first. */
  levels?: readonly ReasoningEffort[];
}

export interface CatalogModel {
  id: string;
  displayName: string;
  contextLength: number;
  /** Largest `max_tokens` the model accepts, when known. */
  maxOutputTokens?: number;
  /** Reasoning control, or undefined when the model takes none. */
  thinking?: ThinkingSupport;
}

// Ranges from each provider's documentation: Anthropic budgets start at 1024 and must stay
// below max_tokens; Gemini 2.5 Pro cannot turn thinking off; Gemini 3 takes levels (budgets
// are still accepted as a legacy control); OpenAI reasoning models take efforts only.
const claude = (maxOutputTokens: number): ThinkingSupport => ({
  min: 1024,
  max: maxOutputTokens,
  zeroAllowed: true,
});
const GEMINI_PRO: ThinkingSupport = { min: 128, max: 32768, dynamicAllowed: true };
const GEMINI_FLASH: ThinkingSupport = { min: 1, max: 24576, zeroAllowed: true, dynamicAllowed: true };
const GEMINI_FLASH_LITE: ThinkingSupport = { min: 512, max: 24576, zeroAllowed: true, dynamicAllowed: true };
const GEMINI_3_PRO: ThinkingSupport = { ...GEMINI_PRO, levels: ["low", "high"] };
const GEMINI_3_FLASH: ThinkingSupport = { ...GEMINI_FLASH, levels: ["minimal", "low", "medium", "high"] };
// Claude thinking through a Gemini-format upstream (Antigravity): a budget, never off.
const CLAUDE_VIA_GEMINI: ThinkingSupport = { min: 1024, max: 200_000, dynamicAllowed: true };
const GPT_5: ThinkingSupport = { levels: ["minimal", "low", "medium", "high"] };
const GPT_5_1: ThinkingSupport = { levels: ["none", "low", "medium", "high"] };
const CODEX: ThinkingSupport = { levels: ["low", "medium", "high"] };

function m(
  id: string,
  displayName: string,
  contextLength: number,
  maxOutputTokens: number,
  thinking?: ThinkingSupport,
): CatalogModel {
  return { id, displayName, contextLength, maxOutputTokens, thinking };
}

export const catalogs: Partial<Record<ProviderId, CatalogModel[]>> = {
  claude: [
    m("claude-opus-4-5-20251101", "Claude Opus 4.5", 200_000, 64_000, claude(64_000)),
    m("claude-sonnet-4-5-20250929", "Claude Sonnet 4.5", 200_000, 64_000, claude(64_000)),
    m("claude-haiku-4-5-20251001", "Claude Haiku 4.5", 200_000, 64_000, claude(64_000)),
    m("claude-opus-4-1-20250805", "Claude Opus 4.1", 200_000, 32_000, claude(32_000)),
    m("claude-opus-4-20250514", "Claude Opus 4", 200_000, 32_000, claude(32_000)),
    m("claude-sonnet-4-20250514", "Claude Sonnet 4", 200_000, 64_000, claude(64_000)),
    m("claude-3-7-sonnet-20250219", "Claude Sonnet 3.7", 200_000, 64_000, claude(64_000)),
    m("claude-3-5-haiku-20241022", "Claude Haiku 3.5", 200_000, 8_192),
  ],
  gemini: [
    m("gemini-3-pro-preview", "Gemini 3 Pro Preview", 1_048_576, 65_536, GEMINI_3_PRO),
    m("gemini-2.5-pro", "Gemini 2.5 Pro", 1_048_576, 65_536, GEMINI_PRO),
    m("gemini-2.5-flash", "Gemini 2.5 Flash", 1_048_576, 65_536, GEMINI_FLASH),
    m("gemini-2.5-flash-lite", "Gemini 2.5 Flash-Lite", 1_048_576, 65_536, GEMINI_FLASH_LITE),
    m("gemini-2.5-flash-image", "Gemini 2.5 Flash Image", 32_768, 32_768),
    m("gemini-flash-latest", "Gemini Flash Latest", 1_048_576, 65_536, GEMINI_FLASH),
    m("gemini-pro-latest", "Gemini Pro Latest", 1_048_576, 65_536, GEMINI_PRO),
  ],
  codex: [
    m("gpt-5.1", "GPT-5.1", 400_000, 128_000, GPT_5_1),
    m("gpt-5.1-codex", "GPT-5.1 Codex", 400_000, 128_000, CODEX),
    m("gpt-5.1-codex-mini", "GPT-5.1 Codex Mini", 400_000, 128_000, CODEX),
    m("gpt-5", "GPT-5", 400_000, 128_000, GPT_5),
    m("gpt-5-codex", "GPT-5 Codex", 400_000, 128_000, CODEX),
    m("gpt-5-mini", "GPT-5 mini", 400_000, 128_000, GPT_5),
  ],
  // Qwen Code accounts (portal.qwen.ai); `vision-model` is Qwen Code's name for its VL model.
  qwen: [
    m("qwen3-coder-plus", "Qwen3 Coder Plus", 1_048_576, 65_536),
    m("qwen3-coder-flash", "Qwen3 Coder Flash", 1_048_576, 65_536),
    m("qwen3-max", "Qwen3 Max", 262_144, 65_536),
    m("qwen3-vl-plus", "Qwen3 VL Plus", 262_144, 32_768),
    m("vision-model", "Qwen3 Vision Model", 32_768, 2_048),
  ],
  // iFlow accounts (apis.iflow.cn).
  iflow: [
    m("tstars2.0", "TStars-2.0", 128_000, 64_000),
    m("qwen3-coder-plus", "Qwen3-Coder-Plus", 1_048_576, 65_536),
    m("qwen3-max", "Qwen3-Max", 262_144, 65_536),
    m("qwen3-vl-plus", "Qwen3-VL-Plus", 262_144, 32_768),
    m("qwen3-max-preview", "Qwen3-Max-Preview", 262_144, 65_536),
    m("qwen3-32b", "Qwen3-32B", 131_072, 32_768),
    m("qwen3-235b-a22b-instruct", "Qwen3-235B-A22B-Instruct", 262_144, 65_536),
    m("qwen3-235b", "Qwen3-235B-A22B", 131_072, 32_768),
    m("kimi-k2", "Kimi-K2", 131_072, 64_000),
    m("kimi-k2-0905", "Kimi-K2-Instruct-0905", 262_144, 64_000),
    m("glm-4.6", "GLM-4.6", 200_000, 128_000),
    m("deepseek-v3.2", "DeepSeek-V3.2", 128_000, 64_000),
    m("deepseek-v3.1", "DeepSeek-V3.1", 128_000, 64_000),
    m("deepseek-v3", "DeepSeek-V3", 128_000, 32_768),
    m("deepseek-r1", "DeepSeek-R1", 128_000, 32_768),
  ],
  // Gemini CLI accounts (Code Assist).
  "gemini-cli": [
    m("gemini-2.5-pro", "Gemini 2.5 Pro", 1_048_576, 65_536, GEMINI_PRO),
    m("gemini-2.5-flash", "Gemini 2.5 Flash", 1_048_576, 65_536, GEMINI_FLASH),
    m("gemini-2.5-flash-lite", "Gemini 2.5 Flash-Lite", 1_048_576, 65_536, GEMINI_FLASH_LITE),
    m("gemini-3-pro-preview", "Gemini 3 Pro Preview", 1_048_576, 65_536, GEMINI_3_PRO),
    m("gemini-3-flash-preview", "Gemini 3 Flash Preview", 1_048_576, 65_536, GEMINI_3_FLASH),
  ],
  // Antigravity accounts, under the names the original serves them by (the provider maps
  // them to Antigravity's internal names); Claude models run there too.
  antigravity: [
    m("gemini-2.5-flash", "Gemini 2.5 Flash", 1_048_576, 65_536, GEMINI_FLASH),
    m("gemini-2.5-flash-lite", "Gemini 2.5 Flash-Lite", 1_048_576, 65_536, GEMINI_FLASH_LITE),
    m("gemini-3-pro-preview", "Gemini 3 Pro Preview", 1_048_576, 65_536, GEMINI_3_PRO),
    m("gemini-3-pro-image-preview", "Gemini 3 Pro Image Preview", 65_536, 32_768, GEMINI_3_PRO),
    m("gemini-3-flash-preview", "Gemini 3 Flash Preview", 1_048_576, 65_536, GEMINI_3_FLASH),
    m("gemini-2.5-computer-use-preview-10-2025", "Gemini 2.5 Computer Use Preview", 128_000, 64_000),
    m("gemini-claude-sonnet-4-5", "Claude Sonnet 4.5 (Antigravity)", 200_000, 64_000),
    m(
      "gemini-claude-sonnet-4-5-thinking",
      "Claude Sonnet 4.5 Thinking (Antigravity)",
      200_000,
      64_000,
      CLAUDE_VIA_GEMINI,
    ),
    m(
      "gemini-claude-opus-4-5-thinking",
      "Claude Opus 4.5 Thinking (Antigravity)",
      200_000,
      64_000,
      CLAUDE_VIA_GEMINI,
    ),
  ],
};

/** A catalog entry by upstream model id: the given provider's catalog first, then any. */
export function findCatalogModel(id: string, provider?: ProviderId): CatalogModel | undefined {
  if (provider) {
    const own = catalogs[provider]?.find((c) => c.id === id);
    if (own) return own;
  }
  for (const list of Object.values(catalogs)) {
    const hit = list?.find((c) => c.id === id);
    if (hit) return hit;
  }
  return undefined;
}
