import { z } from "zod";
import {
  flag,
  headerMap,
  integer,
  listOf,
  modelPatternList,
  oneOf,
  optionalFlag,
  section,
  textList,
  textOr,
} from "./fields.ts";

// Schemas of the upstream credential lists (`*-api-key`, `openai-compatibility`) and the
// per-channel OAuth maps. Field names and semantics follow the Go original's config.

/** Largest credential weight the original accepts. */
export const MAX_CREDENTIAL_WEIGHT = 1_000_000;

/** Exact thinking capability of a configured model. */
export const thinkingSchema = section({
  min: integer().optional(),
  max: integer().optional(),
  "zero-allowed": optionalFlag(),
  "dynamic-allowed": optionalFlag(),
  levels: textList(),
});

const modelShape = {
  /** Upstream model name. */
  name: textOr(""),
  /** Client-visible name; empty means the upstream name. */
  alias: textOr(""),
  "display-name": textOr(""),
  "max-context-length": integer(0).optional(),
  "force-mapping": flag(false),
  "is-compat": flag(false),
  thinking: thinkingSchema.optional(),
};

export const modelAliasSchema = section(modelShape);

export const compatModelSchema = section({
  ...modelShape,
  image: flag(false),
  "input-modalities": textList(),
  "output-modalities": textList(),
});

export const REQUEST_SCOPED_ACTIONS = [
  "stop",
  "stop-and-cooldown",
  "continue",
  "continue-and-cooldown",
] as const;

/** Classifies an upstream error by status and body text and says what to do with it. */
export const requestScopedErrorRuleSchema = section({
  status: integer(100, 599),
  match: textList(),
  "match-regexr": textList(),
  action: oneOf(REQUEST_SCOPED_ACTIONS),
});

/** Fields every API-key credential entry shares. */
const keyEntryShape = {
  "api-key": textOr(""),
  /** Higher is preferred when several credentials can serve a model. */
  priority: integer().default(0),
  /** Share under weighted-round-robin; omitted = 1, <= 0 excludes the credential. */
  weight: integer(undefined, MAX_CREDENTIAL_WEIGHT).optional(),
  prefix: textOr(""),
  "base-url": textOr(""),
  "proxy-url": textOr(""),
  headers: headerMap(),
  models: listOf(modelAliasSchema),
  "excluded-models": modelPatternList(),
  /** Overrides the global `disable-cooling` when set. */
  "disable-cooling": optionalFlag(),
  /** Overrides the global `request-retry` when set to >= 0. */
  "request-retry": integer().optional(),
  "request-scoped-errors": listOf(requestScopedErrorRuleSchema),
};

export const geminiKeySchema = section(keyEntryShape);

export const vertexKeySchema = section(keyEntryShape);

export const codexKeySchema = section({
  ...keyEntryShape,
  websockets: flag(false),
  "alpha-search": flag(false),
});

export const CLOAK_MODES = ["auto", "always", "never"] as const;

export const cloakSchema = section({
  mode: oneOf(CLOAK_MODES).default("auto"),
  "strict-mode": flag(false),
  "sensitive-words": textList(),
  "cache-user-id": flag(false),
});

export const claudeKeySchema = section({
  ...keyEntryShape,
  "rebuild-mid-system-message": flag(false),
  cloak: cloakSchema.optional(),
  "fingerprint-profile": textOr(""),
  "experimental-cch-signing": flag(false),
});

export const compatKeyEntrySchema = section({
  "api-key": textOr(""),
  weight: integer(undefined, MAX_CREDENTIAL_WEIGHT).optional(),
  "proxy-url": textOr(""),
});

export const openAICompatibilitySchema = section({
  /** Provider id: used in `name://model` routing, logs and the User-Agent. */
  name: textOr(""),
  priority: integer().default(0),
  disabled: flag(false),
  prefix: textOr(""),
  "base-url": textOr(""),
  headers: headerMap(),
  "api-key-entries": listOf(compatKeyEntrySchema),
  /** Legacy list of bare keys; the loader folds it into `api-key-entries`. */
  "api-keys": textList(),
  models: listOf(compatModelSchema),
  "support-prompt-cache-key": flag(false),
  "disable-cooling": optionalFlag(),
  "request-retry": integer().optional(),
  "request-scoped-errors": listOf(requestScopedErrorRuleSchema),
});

export const oauthModelAliasSchema = section({
  name: textOr(""),
  alias: textOr(""),
  /** Keep the upstream name listed as well as the alias. */
  fork: flag(false),
  "display-name": textOr(""),
  "force-mapping": flag(false),
});

/** A mapping whose keys are channel/provider names; keys are lower-cased. */
export function channelMap<T extends z.ZodType>(value: T) {
  return z
    .record(z.string(), value, { error: "expected a mapping of channel names" })
    .default(() => ({}))
    .transform((map) => {
      const out: Record<string, z.output<T>> = {};
      for (const [channel, entry] of Object.entries(map)) {
        const key = channel.trim().toLowerCase();
        if (key) out[key] = entry as z.output<T>;
      }
      return out;
    });
}

export const oauthExcludedModelsSchema = channelMap(modelPatternList());
export const oauthModelAliasMapSchema = channelMap(listOf(oauthModelAliasSchema));
export const oauthRequestScopedErrorsSchema = channelMap(listOf(requestScopedErrorRuleSchema));
