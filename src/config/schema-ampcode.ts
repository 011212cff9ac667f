import type { z } from "zod";
import { flag, listOf, section, text, textList, textOr } from "./fields.ts";
import type { ConfigPath } from "./locate.ts";

// `ampcode`: the Amp CLI / Amp IDE integration (see src/amp/). Keys and defaults follow the Go
// original's AmpCode struct; docs/CONFIG.md documents each.

/** An http(s) origin (optionally with a base path), or "" for "no Amp upstream". */
const upstreamUrl = text()
  .refine((v) => v === "" || isHttpUrl(v), {
    error: 'expected an http:// or https:// URL such as "https://ampcode.com", or ""',
  })
  .default("");

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.host !== "";
  } catch {
    return false;
  }
}

/** `from` (exact, case-insensitive; or a regular expression when `regex`) -> `to` (a local model). */
export const ampModelMappingSchema = section({
  from: textOr(""),
  to: textOr(""),
  regex: flag(false),
});

/** Client keys (from the top-level `api-keys`) that use this Amp upstream key instead of the default. */
export const ampUpstreamKeyEntrySchema = section({
  "upstream-api-key": textOr(""),
  "api-keys": textList(),
});

export const ampcodeSchema = section({
  "upstream-url": upstreamUrl,
  "upstream-api-key": textOr(""),
  "upstream-api-keys": listOf(ampUpstreamKeyEntrySchema),
  "restrict-management-to-localhost": flag(false),
  "model-mappings": listOf(ampModelMappingSchema),
  "force-model-mappings": flag(false),
});

export type AmpcodeConfig = z.output<typeof ampcodeSchema>;
export type AmpModelMapping = AmpcodeConfig["model-mappings"][number];
export type AmpUpstreamKeyEntry = AmpcodeConfig["upstream-api-keys"][number];

/**
 * A mapping's `from` as a case-insensitive regular expression, or the reason it is not one.
 * The original compiles `(?i)` + from with Go's RE2; a leading `(?i)` the user wrote is
 * redundant here and JavaScript would reject it, so it is dropped.
 */
export function mappingPattern(from: string): RegExp | string {
  try {
    return new RegExp(from.replace(/^\(\?i\)/, ""), "i");
  } catch (err) {
    return (err as Error).message;
  }
}

type Warn = (path: ConfigPath, message: string) => void;

/**
 * Drops what the original's model mapper and key lookup skip (with a warning here): mappings
 * missing a side or with a broken pattern, upstream key entries without a key. Client keys are
 * de-duplicated across entries, the first entry winning as in the original.
 */
export function cleanAmpcode(ampcode: AmpcodeConfig, warn: Warn): void {
  ampcode["model-mappings"] = ampcode["model-mappings"].filter((m, i) => {
    const at = ["ampcode", "model-mappings", i];
    if (m.from === "" || m.to === "") {
      warn(at, "needs both from and to; ignored");
      return false;
    }
    if (m.regex) {
      const pattern = mappingPattern(m.from);
      if (typeof pattern === "string") {
        warn([...at, "from"], `not a valid regular expression (${pattern}); ignored`);
        return false;
      }
    }
    return true;
  });
  const claimed = new Set<string>();
  ampcode["upstream-api-keys"] = ampcode["upstream-api-keys"].filter((entry, i) => {
    const at = ["ampcode", "upstream-api-keys", i];
    if (entry["upstream-api-key"] === "") {
      warn(at, "entry has no upstream-api-key; ignored");
      return false;
    }
    entry["api-keys"] = entry["api-keys"].filter((key, j) => {
      if (key === "") return false;
      if (claimed.has(key)) {
        warn([...at, "api-keys", j], "client key already mapped by an earlier entry; the first one wins");
        return false;
      }
      claimed.add(key);
      return true;
    });
    return true;
  });
}
