import type { ListedModel } from "../routing/registry.ts";

/** Model listings in each client family's own shape. */

export function openaiModelList(models: ListedModel[]): unknown {
  return {
    object: "list",
    data: models.map((m) => ({ id: m.id, object: "model", created: m.created, owned_by: m.ownedBy })),
  };
}

export function anthropicModelList(models: ListedModel[]): unknown {
  const data = models.map((m) => ({
    type: "model",
    id: m.id,
    display_name: m.displayName,
    created_at: new Date(m.created * 1000).toISOString(),
  }));
  return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}

export function geminiModel(m: ListedModel): unknown {
  return {
    name: `models/${m.id}`,
    baseModelId: m.id,
    version: "001",
    displayName: m.displayName,
    description: `${m.displayName} via ${m.ownedBy}`,
    inputTokenLimit: m.contextLength ?? 128_000,
    outputTokenLimit: 65_536,
    supportedGenerationMethods: ["generateContent", "streamGenerateContent", "countTokens"],
  };
}

export function geminiModelList(models: ListedModel[]): unknown {
  return { models: models.map(geminiModel) };
}
