import { readFile } from "node:fs/promises";
import { LineCounter, parseDocument, type YAMLError } from "yaml";
import type { z } from "zod";
import { ConfigError } from "./errors.ts";
import { IGNORED_KEYS } from "./ignored-keys.ts";
import { issueMessage } from "./issues.ts";
import { type ConfigPath, formatPath, type SourcePosition, YamlLocator } from "./locate.ts";
import { normalizeConfig } from "./normalize.ts";
import { type Config, configSchema } from "./schema.ts";
import { closestKey, knownKeysAt } from "./suggest.ts";

export interface LoadedConfig {
  config: Config;
  /** One line per non-fatal finding: "config.yaml:7:3 tls.foo: unknown key; ignored". */
  warnings: string[];
}

interface Finding {
  pos: SourcePosition;
  path: ConfigPath;
  message: string;
}

/** Reads, validates and normalises a config file. Throws ConfigError when it cannot be used. */
export async function loadConfigFile(path: string): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new ConfigError([`${path}: cannot read the config file: ${(err as Error).message}`]);
  }
  return parseConfigText(text, path);
}

/**
 * Validates config text. Problems and warnings are single lines "source:line:col path: message",
 * sorted by position. An empty text yields every default.
 */
export function parseConfigText(text: string, sourceName = "config.yaml"): LoadedConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, merge: true, prettyErrors: false });
  const problems: Finding[] = [];
  const warnings: Finding[] = [];
  const render = (findings: Finding[]) => findings.sort(byPosition).map((f) => renderFinding(sourceName, f));

  const syntax = (e: YAMLError): Finding => ({
    pos: lines.linePos(e.pos[0]),
    path: [],
    message: firstLine(e.message),
  });
  problems.push(...doc.errors.map(syntax));
  warnings.push(...doc.warnings.map(syntax));
  if (problems.length > 0) throw new ConfigError(render(problems), render(warnings));

  const locator = new YamlLocator(doc, lines);
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 1000 }) ?? {};
  } catch (err) {
    throw new ConfigError(render([{ pos: { line: 1, col: 1 }, path: [], message: (err as Error).message }]));
  }
  if (!isPlainObject(raw)) {
    const found = Array.isArray(raw) ? "a list" : "a single value";
    const message = `the file must be a mapping of settings (key: value), got ${found}`;
    throw new ConfigError(render([{ pos: locator.position([]), path: [], message }]));
  }

  const warnAtKey = (path: ConfigPath, message: string) =>
    warnings.push({ pos: locator.position(path, "key"), path, message });
  dropIgnoredKeys(raw, warnAtKey);
  dropNullValues(raw);

  let parsed = configSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    const unknownKeys: ConfigPath[] = [];
    for (const issue of parsed.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) unknownKeys.push([...issue.path, key]);
      } else {
        problems.push({ pos: locator.position(issue.path), path: issue.path, message: issueMessage(issue) });
      }
    }
    for (const path of unknownKeys) warnAtKey(path, unknownKeyMessage(path));
    if (problems.length > 0) throw new ConfigError(render(problems), render(warnings));
    for (const path of unknownKeys) deleteAt(raw, path);
    parsed = configSchema.safeParse(raw, { reportInput: true });
    if (!parsed.success) {
      const again = parsed.error.issues.map((issue) => ({
        pos: locator.position(issue.path),
        path: issue.path,
        message: issueMessage(issue),
      }));
      throw new ConfigError(render(again), render(warnings));
    }
  }

  const config = normalizeConfig(parsed.data, (path, message) =>
    warnings.push({ pos: locator.position(path), path, message }),
  );
  return { config, warnings: render(warnings) };
}

function unknownKeyMessage(path: ConfigPath): string {
  const key = String(path[path.length - 1]);
  const suggestion = closestKey(key, knownKeysAt(configSchema as z.ZodType, path.slice(0, -1)));
  return suggestion ? `unknown key; ignored (did you mean "${suggestion}"?)` : "unknown key; ignored";
}

/** Removes keys of the original that we knowingly do not support, warning once for each. */
function dropIgnoredKeys(
  raw: Record<string, unknown>,
  warn: (path: ConfigPath, message: string) => void,
): void {
  for (const [dotted, message] of IGNORED_KEYS) {
    const path = dotted.split(".");
    const parent = valueAt(raw, path.slice(0, -1));
    const key = path[path.length - 1];
    if (isPlainObject(parent) && Object.hasOwn(parent, key)) {
      warn(path, message);
      delete parent[key];
    }
  }
}

/** A key with an empty value (`key:`) means "not set", as with Go's YAML decoder. */
function dropNullValues(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) dropNullValues(item);
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (item === null) delete value[key];
      else dropNullValues(item);
    }
  }
}

function valueAt(root: unknown, path: ConfigPath): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function deleteAt(root: unknown, path: ConfigPath): void {
  const parent = valueAt(root, path.slice(0, -1));
  if (isPlainObject(parent)) delete parent[path[path.length - 1] as string];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function firstLine(message: string): string {
  return message.split("\n", 1)[0].replace(/ at line \d+, column \d+:?$/, "");
}

function byPosition(a: Finding, b: Finding): number {
  return a.pos.line - b.pos.line || a.pos.col - b.pos.col;
}

function renderFinding(source: string, f: Finding): string {
  const where = `${source}:${f.pos.line}:${f.pos.col}`;
  return f.path.length > 0 ? `${where} ${formatPath(f.path)}: ${f.message}` : `${where} ${f.message}`;
}
