// Keys the Go original accepts (or once accepted) that this implementation deliberately does
// not act on. They load with a specific warning instead of a generic "unknown key", so a
// config carried over from the original explains itself. Paths are dot-separated from the root.

const GO_ONLY = "a setting of the Go original that this implementation does not support; ignored";
const REMOVED = "no longer used (removed from the Go original); ignored";
const LEGACY_AMP = "legacy Amp key; ignored: move it to";

export const IGNORED_KEYS: ReadonlyMap<string, string> = new Map([
  ["plugins", `${GO_ONLY} (Go dynamic-library plugins)`],
  ["pprof", `${GO_ONLY} (Go pprof debug server)`],
  ["credential-concurrency", `${GO_ONLY} (CLIProxyAPI Home mode)`],
  ["credential-in-flight", `${GO_ONLY} (CLIProxyAPI Home mode)`],
  ["home", `${GO_ONLY} (CLIProxyAPI Home mode)`],
  ["codex.live-media-relay", `${GO_ONLY} (Codex Live WebRTC relay)`],
  // The original stopped migrating its pre-`ampcode` top-level keys; so do we.
  ["amp-upstream-url", `${LEGACY_AMP} ampcode.upstream-url`],
  ["amp-upstream-api-key", `${LEGACY_AMP} ampcode.upstream-api-key`],
  ["amp-restrict-management-to-localhost", `${LEGACY_AMP} ampcode.restrict-management-to-localhost`],
  ["amp-model-mappings", `${LEGACY_AMP} ampcode.model-mappings`],
  ["oauth-model-mappings", "renamed to oauth-model-alias; ignored"],
  ["oauth-model-blacklist", "renamed to oauth-excluded-models; ignored"],
  ["nonstream-keepalive", "renamed to nonstream-keepalive-interval; ignored"],
  ["generative-language-api-key", "legacy list; move these keys to gemini-api-key entries; ignored"],
  ["enable-gemini-cli-endpoint", REMOVED],
  ["gemini-web", REMOVED],
  ["codex-instructions-enabled", REMOVED],
  ["force-gpt-5-codex", REMOVED],
  ["gpt-5-codex", REMOVED],
  ["model-name-mappings", REMOVED],
  ["auth", REMOVED],
]);
