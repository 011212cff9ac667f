import type { ProviderId } from "./types.ts";

/**
 * Built-in model catalogs for API-key providers that have no `models` list configured.
 * Data only; the model registry decides what is served.
 */
export interface CatalogModel {
  id: string;
  displayName: string;
  contextLength: number;
  /** Whether the model accepts a thinking/reasoning control. */
  thinking: boolean;
}

const m = (id: string, displayName: string, contextLength: number, thinking: boolean): CatalogModel => ({
  id,
  displayName,
  contextLength,
  thinking,
});

export const catalogs: Partial<Record<ProviderId, CatalogModel[]>> = {
  claude: [
    m("claude-opus-4-5-20251101", "Claude Opus 4.5", 200_000, true),
    m("claude-sonnet-4-5-20250929", "Claude Sonnet 4.5", 200_000, true),
    m("claude-haiku-4-5-20251001", "Claude Haiku 4.5", 200_000, true),
    m("claude-opus-4-1-20250805", "Claude Opus 4.1", 200_000, true),
    m("claude-opus-4-20250514", "Claude Opus 4", 200_000, true),
    m("claude-sonnet-4-20250514", "Claude Sonnet 4", 200_000, true),
    m("claude-3-7-sonnet-20250219", "Claude Sonnet 3.7", 200_000, true),
    m("claude-3-5-haiku-20241022", "Claude Haiku 3.5", 200_000, false),
  ],
  gemini: [
    m("gemini-3-pro-preview", "Gemini 3 Pro Preview", 1_048_576, true),
    m("gemini-2.5-pro", "Gemini 2.5 Pro", 1_048_576, true),
    m("gemini-2.5-flash", "Gemini 2.5 Flash", 1_048_576, true),
    m("gemini-2.5-flash-lite", "Gemini 2.5 Flash-Lite", 1_048_576, true),
    m("gemini-2.5-flash-image", "Gemini 2.5 Flash Image", 32_768, false),
    m("gemini-flash-latest", "Gemini Flash Latest", 1_048_576, true),
    m("gemini-pro-latest", "Gemini Pro Latest", 1_048_576, true),
  ],
  codex: [
    m("gpt-5.1", "GPT-5.1", 400_000, true),
    m("gpt-5.1-codex", "GPT-5.1 Codex", 400_000, true),
    m("gpt-5.1-codex-mini", "GPT-5.1 Codex Mini", 400_000, true),
    m("gpt-5", "GPT-5", 400_000, true),
    m("gpt-5-codex", "GPT-5 Codex", 400_000, true),
    m("gpt-5-mini", "GPT-5 mini", 400_000, true),
  ],
};
