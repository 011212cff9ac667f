/**
 * Model names of the bench. Clients ask for the `client` name; the proxy (config alias) and the
 * floor (--model-map) both rename it to the `upstream` name, so both pay for a model swap.
 * Upstream names pick the fake upstream's scenario: `long` streams 200 text deltas.
 */
export const MODELS = {
  chat: { client: "bench-model", upstream: "up-bench-model" },
  chatStream: { client: "bench-long", upstream: "up-bench-long" },
  /** Served by a provider entry whose config headers ask the fake upstream for 1,000 events. */
  chatStream1000: { client: "bench-long-1000", upstream: "up-bench-long" },
  claude: { client: "claude-bench", upstream: "up-claude-bench" },
  claudeStream: { client: "claude-bench-long", upstream: "up-claude-long" },
} as const;

export const STREAM_EVENTS = 200;
export const LONG_STREAM_EVENTS = 1000;

/** The floor's --model-map: every client name to its upstream name. */
export function floorModelMap(): string {
  return Object.values(MODELS)
    .map((m) => `${m.client}=${m.upstream}`)
    .join(",");
}
