import type { Hono } from "hono";
import { type CatalogModel, catalogs, type ThinkingSupport } from "../../providers/catalog.ts";
import type { ProviderId } from "../../providers/types.ts";
import { ManagementError } from "../errors.ts";

// `GET /model-definitions/:channel`: the built-in model catalog of one channel (what an account
// of that kind serves without aliases), in the Go original's model-info shape.

/** Who makes the models a provider serves, and their family, as the original labels them. */
const LABELS: Record<ProviderId, { owned_by: string; type: string }> = {
  claude: { owned_by: "anthropic", type: "claude" },
  gemini: { owned_by: "google", type: "gemini" },
  "gemini-cli": { owned_by: "google", type: "gemini" },
  codex: { owned_by: "openai", type: "openai" },
  qwen: { owned_by: "qwen", type: "qwen" },
  iflow: { owned_by: "iflow", type: "iflow" },
  antigravity: { owned_by: "antigravity", type: "antigravity" },
  "openai-compatibility": { owned_by: "openai-compatibility", type: "openai" },
};

export function modelLabels(provider: ProviderId): { owned_by: string; type: string } {
  return LABELS[provider];
}

/** Channels with a built-in catalog: the original's channel names that this build serves. */
const CHANNELS = Object.keys(catalogs) as ProviderId[];

function thinkingInfo(t: ThinkingSupport): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (t.min !== undefined) out.min = t.min;
  if (t.max !== undefined) out.max = t.max;
  if (t.zeroAllowed) out.zero_allowed = true;
  if (t.dynamicAllowed) out.dynamic_allowed = true;
  if (t.levels?.length) out.levels = [...t.levels];
  return out;
}

function modelInfo(provider: ProviderId, m: CatalogModel): Record<string, unknown> {
  const info: Record<string, unknown> = {
    id: m.id,
    object: "model",
    ...LABELS[provider],
    display_name: m.displayName,
    context_length: m.contextLength,
  };
  if (m.maxOutputTokens) info.max_completion_tokens = m.maxOutputTokens;
  // Gemini-family entries also carry Google's own field names, as in the original.
  if (LABELS[provider].type === "gemini") {
    info.name = `models/${m.id}`;
    info.inputTokenLimit = m.contextLength;
    if (m.maxOutputTokens) info.outputTokenLimit = m.maxOutputTokens;
  }
  if (m.thinking) info.thinking = thinkingInfo(m.thinking);
  return info;
}

export function registerModelDefinitions(app: Hono): void {
  app.get("/model-definitions/:channel", (c) => {
    const channel = c.req.param("channel").trim().toLowerCase();
    if (!channel) throw new ManagementError(400, "channel is required");
    const provider = CHANNELS.find((p) => p === channel);
    if (!provider) {
      // 400, not 404, as the original answers; the list says what would work.
      throw new ManagementError(400, "unknown channel", { channel, channels: CHANNELS });
    }
    return c.json({ channel, models: (catalogs[provider] ?? []).map((m) => modelInfo(provider, m)) });
  });
}
