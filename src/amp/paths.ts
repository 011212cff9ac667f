import { type GenerateRoute, matchGenerateRoute } from "../server/generate-routes.ts";

// The paths Amp CLI and the Amp IDE extensions call, as the original registers them:
//   /api/provider/{provider}/...   provider aliases onto our own OpenAI/Anthropic/Gemini routes
//   /api/{user,auth,threads,...}   Amp's control plane, proxied to the Amp upstream (API key required)
//   /auth, /threads, /docs, /settings (GET), /threads.rss, /news.rss   its web pages, proxied too

export type AmpMatch =
  /** A generation through an alias (the provider segment only matters for model listings). */
  | { kind: "generate"; route: GenerateRoute }
  /** A model listing in the shape of the named provider. */
  | { kind: "models"; shape: "openai" | "anthropic" | "gemini" }
  | { kind: "gemini-model"; model: string }
  /**
   * Proxied to the Amp upstream. `auth`: the client must present an API key. `gemini`: Amp's
   * Vertex-style Gemini call (/api/provider/google/v1beta1/.../models/{model}:{action}), served
   * locally when the model is.
   */
  | { kind: "upstream"; auth: boolean; gemini?: GenerateRoute };

const PROVIDER_PREFIX = "/api/provider/";

/** /api/<name> and /api/<name>/... */
const API_TREES = new Set(["internal", "user", "auth", "meta", "telemetry", "threads", "otel", "tab"]);
/** /api/<name> only. */
const API_LEAVES = new Set(["ads", "thread-actors"]);
/** GET /<name> and /<name>/...: web pages the browser opens, so no API key is asked for. */
const PAGE_TREES = new Set(["threads", "docs", "settings"]);
const FEEDS = new Set(["/threads.rss", "/news.rss"]);

const UPSTREAM_AUTH: AmpMatch = { kind: "upstream", auth: true };
const UPSTREAM_OPEN: AmpMatch = { kind: "upstream", auth: false };

/** `/head/...` or `/head` -> "head"; the rest (from its slash, or "") goes to `tail`. */
function firstSegment(path: string, from: number): [head: string, tail: string] {
  const slash = path.indexOf("/", from);
  return slash < 0 ? [path.slice(from), ""] : [path.slice(from, slash), path.slice(slash)];
}

export function matchAmpRoute(method: string, path: string): AmpMatch | undefined {
  if (path.startsWith("/api/")) {
    if (path.startsWith(PROVIDER_PREFIX)) return matchProvider(method, path);
    const [name, tail] = firstSegment(path, 5);
    if (API_TREES.has(name)) return UPSTREAM_AUTH;
    if (tail === "" && API_LEAVES.has(name)) return UPSTREAM_AUTH;
    return undefined;
  }
  const [name] = firstSegment(path, 1);
  if (name === "auth") return UPSTREAM_OPEN;
  if (method !== "GET") return undefined;
  if (PAGE_TREES.has(name)) return UPSTREAM_OPEN;
  if (FEEDS.has(path)) return UPSTREAM_AUTH;
  return undefined;
}

const ROOT_GENERATE = new Set(["/chat/completions", "/completions", "/responses"]);
const V1_GENERATE = new Set([
  "/v1/chat/completions",
  "/v1/completions",
  "/v1/responses",
  "/v1/messages",
  "/v1/messages/count_tokens",
]);

function matchProvider(method: string, path: string): AmpMatch | undefined {
  const [provider, rest] = firstSegment(path, PROVIDER_PREFIX.length);
  if (provider === "" || rest === "") return undefined;
  const name = provider.toLowerCase();

  if (name === "google" && rest.startsWith("/v1beta1/")) {
    const at = rest.indexOf("/models/");
    if (method === "POST" && at >= 0) {
      const gemini = generateRoute(`/v1beta/models/${rest.slice(at + 8)}`);
      if (gemini) return { kind: "upstream", auth: true, gemini };
    }
    return UPSTREAM_AUTH;
  }

  if (method === "GET") {
    if (rest === "/models" || rest === "/v1/models") {
      return {
        kind: "models",
        shape: name === "anthropic" ? "anthropic" : name === "google" ? "gemini" : "openai",
      };
    }
    if (rest === "/v1beta/models") return { kind: "models", shape: "gemini" };
    if (rest.startsWith("/v1beta/models/") && rest.length > 15 && !rest.includes("/", 15)) {
      try {
        return { kind: "gemini-model", model: decodeURIComponent(rest.slice(15)) };
      } catch {
        return undefined;
      }
    }
    return undefined;
  }
  if (method !== "POST") return undefined;
  const target = ROOT_GENERATE.has(rest) ? `/v1${rest}` : rest;
  if (!V1_GENERATE.has(target) && !target.startsWith("/v1beta/models/")) return undefined;
  const route = generateRoute(target);
  return route && { kind: "generate", route };
}

/** The generate route for `path`; a malformed %-escape in a Gemini model name is no route. */
function generateRoute(path: string): GenerateRoute | undefined {
  try {
    return matchGenerateRoute("POST", path);
  } catch {
    return undefined;
  }
}
