import { z } from "zod";
import { headerMap, listOf, section, text, textList, textOr } from "./fields.ts";

// `payload`: rules that set, override or remove JSON fields of upstream request bodies for
// matching models. Paths use gjson/sjson syntax, as in the Go original.

const conditionList = z
  .array(z.record(z.string(), z.unknown()), { error: "expected a list of {json-path: value} mappings" })
  .default(() => []);

export const payloadModelSchema = section({
  /** Model name or wildcard pattern ("gpt-*", "*-pro"). */
  name: textOr(""),
  /** Upstream format the rule is limited to (openai, gemini, claude, codex, antigravity). */
  protocol: textOr(""),
  /** Client format the rule is limited to (openai, responses, gemini, claude). */
  "from-protocol": textOr(""),
  /** Request headers that must all match; values may use "*" wildcards. */
  headers: headerMap(),
  match: conditionList,
  "not-match": conditionList,
  exist: textList(),
  "not-exist": textList(),
});

const models = listOf(payloadModelSchema);

export const payloadRuleSchema = section({
  models,
  params: z
    .record(z.string(), z.unknown(), { error: "expected a mapping of JSON paths to values" })
    .default(() => ({})),
});

function isJsonText(value: string): boolean {
  if (value.trim() === "") return false;
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}

/** Raw rules take string values verbatim as JSON, so each string must be valid JSON text. */
export const payloadRawRuleSchema = section({
  models,
  params: z
    .record(
      z.string(),
      z
        .unknown()
        .refine((v) => typeof v !== "string" || isJsonText(v), { error: "expected valid JSON text" }),
      { error: "expected a mapping of JSON paths to raw JSON values" },
    )
    .default(() => ({})),
});

export const payloadFilterRuleSchema = section({
  models,
  params: z.array(text(), { error: "expected a list of JSON paths" }).default(() => []),
});

export const payloadSchema = section({
  default: listOf(payloadRuleSchema),
  "default-raw": listOf(payloadRawRuleSchema),
  override: listOf(payloadRuleSchema),
  "override-raw": listOf(payloadRawRuleSchema),
  filter: listOf(payloadFilterRuleSchema),
});
