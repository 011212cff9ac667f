/**
 * The upstream side of the translation matrix: one provider of each kind in front of the fake
 * upstream, with an alias per (kind, scenario) so a test names both in one model string.
 */
import "./quiet.ts";
import type { RecordedRequest } from "../../../src/fake-upstream/server.ts";
import type { WireFormat } from "../../../src/protocols/ir.ts";
import { type Harness, startHarness } from "../../helpers/harness.ts";

export type UpstreamKind = "openai" | "anthropic" | "gemini" | "codex";

export const UPSTREAM_KINDS: readonly UpstreamKind[] = ["openai", "anthropic", "gemini", "codex"];

/** The wire format each upstream kind speaks. */
export const UPSTREAM_FORMAT: Record<UpstreamKind, WireFormat> = {
  openai: "openai-chat",
  anthropic: "anthropic",
  gemini: "gemini",
  codex: "openai-responses",
};

/**
 * Scenario keys served for every kind. The fake picks its scenario from a keyword in the
 * upstream model name; the numbered error variants exist because a 500 puts its
 * (credential, model) pair into cooldown, so each 500 check needs a model of its own.
 */
const SCENARIO_KEYS = [
  "echo",
  "tool-call",
  "parallel-tools",
  "reasoning",
  "cut",
  "bad-request",
  "rate-limit",
  "server-error-1",
  "server-error-2",
  "server-error-3",
  "server-error-4",
] as const;

export type ScenarioKey = (typeof SCENARIO_KEYS)[number];

/** Prompt tokens every upstream reports as cached, so usage checks cover cache accounting. */
export const CACHED_TOKENS = 3;

const UPSTREAM_PREFIX: Record<UpstreamKind, string> = {
  openai: "gpt",
  anthropic: "claude",
  gemini: "gemini",
  codex: "codex",
};

/** Client-facing model name for a scenario on one upstream kind, e.g. `anthropic-tool-call`. */
export function model(kind: UpstreamKind, scenario: ScenarioKey): string {
  return `${kind}-${scenario}`;
}

/** The name the upstream receives for that alias, e.g. `claude-fake-tool-call`. */
export function upstreamModel(kind: UpstreamKind, scenario: ScenarioKey): string {
  return `${UPSTREAM_PREFIX[kind]}-fake-${scenario}`;
}

function modelList(kind: UpstreamKind, indent: string): string {
  return SCENARIO_KEYS.map(
    (s) => `${indent}- name: "${upstreamModel(kind, s)}"\n${indent}  alias: "${model(kind, s)}"`,
  ).join("\n");
}

export function matrixConfig(url: string, dir: string): string {
  const headers = `    headers:\n      x-fake-cached-tokens: "${CACHED_TOKENS}"`;
  return `host: "127.0.0.1"
port: 8317
auth-dir: "${dir}/auth"
logging-to-file: false
request-retry: 0
openai-compatibility:
  - name: "fakeopenai"
    base-url: "${url}/v1"
${headers}
    api-key-entries:
      - api-key: "key-openai"
    models:
${modelList("openai", "      ")}
claude-api-key:
  - api-key: "key-anthropic"
    base-url: "${url}"
${headers}
    models:
${modelList("anthropic", "      ")}
gemini-api-key:
  - api-key: "key-gemini"
    base-url: "${url}"
${headers}
    models:
${modelList("gemini", "      ")}
codex-api-key:
  - api-key: "key-codex"
    base-url: "${url}/v1"
${headers}
    models:
${modelList("codex", "      ")}
`;
}

export function startMatrix(): Promise<Harness> {
  return startHarness(matrixConfig);
}

/** The one upstream request a test made (tests reset the recorder first). */
export function onlyRequest(h: Harness): RecordedRequest {
  const generate = h.upstream.requests;
  if (generate.length !== 1) {
    throw new Error(`expected exactly one upstream request, saw ${generate.length}`);
  }
  return generate[0];
}

/** The model the upstream was asked for: Gemini's travels in the path, the others' in the body. */
export function requestedModel(rec: RecordedRequest): string {
  const m = /\/models\/([^/:]+):/.exec(rec.path);
  return m ? decodeURIComponent(m[1]) : rec.body?.model;
}
