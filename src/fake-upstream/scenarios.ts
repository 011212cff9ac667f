/**
 * Scenario selection: what the fake model does for one request, picked by header
 * `x-fake-scenario` (wins) or by a keyword inside the requested model name.
 */
import type { IncomingHttpHeaders } from "node:http";

export const SCENARIOS = [
  "echo",
  "tool-call",
  "parallel-tools",
  "reasoning",
  "long",
  "rate-limit",
  "server-error",
  "bad-request",
  "unauthorized",
  "overloaded",
  "slow",
  "cut",
  "image",
] as const;

export type Scenario = (typeof SCENARIOS)[number];

/** Scenarios answered with an error status instead of a model turn. */
export type ErrorScenario = "rate-limit" | "server-error" | "bad-request" | "unauthorized" | "overloaded";

export function isErrorScenario(s: Scenario): s is ErrorScenario {
  return (
    s === "rate-limit" ||
    s === "server-error" ||
    s === "bad-request" ||
    s === "unauthorized" ||
    s === "overloaded"
  );
}

/** Everything the surfaces need to know about one call besides the conversation itself. */
export interface FakeCall {
  scenario: Scenario;
  model: string;
  stream: boolean;
  /** Gemini only: `alt=sse` framing instead of a streamed JSON array. */
  sse: boolean;
  /** OpenAI chat only: `stream_options.include_usage`. */
  includeUsage: boolean;
  /** `x-fake-cached-tokens`: prompt tokens reported as served from cache. */
  cachedTokens: number;
  /** Text delta events of the `long` scenario (`x-fake-events`, default 200). */
  events: number;
  /** `x-fake-reset-seconds`: reset hint of the `rate-limit` scenario (default 3). */
  resetSeconds: number;
  /** Delay before the first byte: `x-fake-delay-ms`, or 1500 ms for `slow`. */
  delayMs: number;
  /** `x-fake-interval-ms`: pause between stream events (default none). */
  intervalMs: number;
  /** Process-wide call counter, used to build distinct but predictable ids. */
  serial: number;
  /** Unix seconds at which the call was received. */
  created: number;
}

const DEFAULT_EVENTS = 200;
const DEFAULT_RESET_SECONDS = 3;
const SLOW_DEFAULT_DELAY_MS = 1500;
/** Keyword boundaries inside a model name: `claude-fake-tool-call`, `models/fake-long`. */
const BOUNDARY = /[-_/:.]/;

/** Finds the scenario keyword in a model name, e.g. `gpt-fake-reasoning` -> `reasoning`. */
export function scenarioFromModel(model: string): Scenario | undefined {
  const name = model.toLowerCase();
  for (const keyword of SCENARIOS) {
    let at = name.indexOf(keyword);
    while (at !== -1) {
      const end = at + keyword.length;
      const before = at === 0 || BOUNDARY.test(name[at - 1]);
      const after = end === name.length || BOUNDARY.test(name[end]);
      if (before && after) return keyword;
      at = name.indexOf(keyword, at + 1);
    }
  }
  return undefined;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function numberHeader(headers: IncomingHttpHeaders, name: string, fallback: number): number {
  const raw = headerValue(headers, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

/** Result of reading the scenario: an unknown `x-fake-scenario` value is reported, not guessed. */
export type ScenarioChoice = { ok: true; scenario: Scenario } | { ok: false; requested: string };

export function chooseScenario(headers: IncomingHttpHeaders, model: string): ScenarioChoice {
  const requested = headerValue(headers, "x-fake-scenario");
  if (requested !== undefined) {
    const name = requested.trim().toLowerCase();
    return (SCENARIOS as readonly string[]).includes(name)
      ? { ok: true, scenario: name as Scenario }
      : { ok: false, requested };
  }
  const fromModel = scenarioFromModel(model);
  if (fromModel) return { ok: true, scenario: fromModel };
  // An event count alone asks for the streaming benchmark scenario.
  return { ok: true, scenario: headers["x-fake-events"] === undefined ? "echo" : "long" };
}

let serialCounter = 0;

export function makeCall(
  scenario: Scenario,
  model: string,
  headers: IncomingHttpHeaders,
  stream: boolean,
  sse: boolean,
  includeUsage: boolean,
): FakeCall {
  serialCounter++;
  return {
    scenario,
    model,
    stream,
    sse,
    includeUsage,
    cachedTokens: Math.floor(numberHeader(headers, "x-fake-cached-tokens", 0)),
    events: Math.max(1, Math.floor(numberHeader(headers, "x-fake-events", DEFAULT_EVENTS))),
    resetSeconds: numberHeader(headers, "x-fake-reset-seconds", DEFAULT_RESET_SECONDS),
    delayMs: numberHeader(headers, "x-fake-delay-ms", scenario === "slow" ? SLOW_DEFAULT_DELAY_MS : 0),
    intervalMs: numberHeader(headers, "x-fake-interval-ms", 0),
    serial: serialCounter,
    created: Math.floor(Date.now() / 1000),
  };
}
