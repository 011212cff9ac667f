import type { Credential } from "../credentials/credential.ts";
import { joinUrl } from "./base-url.ts";
import type { Provider } from "./types.ts";

/**
 * Gemini CLI accounts (`type: "gemini"` files in auth-dir): Google's Code Assist API
 * (`/v1internal:*`) with the account's OAuth bearer token. The wire format is the Code Assist
 * envelope `{model, project, request}`; the project is the account's own (its `project_id`),
 * written into every request here since it belongs to the credential, not to the client.
 */

export const CODE_ASSIST_BASE_URL = "https://cloudcode-pa.googleapis.com";

// What Gemini CLI identifies itself with (a Node program: Node's platform and arch names).
const GEMINI_CLI_VERSION = "0.31.0";
const GEMINI_CLI_USER_AGENT = `GeminiCLI/${GEMINI_CLI_VERSION} (${process.platform}; ${process.arch})`;
const GEMINI_CLI_API_CLIENT = "google-genai-sdk/1.41.0 gl-node/v22.19.0";

/** Gemini CLI's client headers, for generation and for the login's setup calls alike. */
export function geminiCliClientHeaders(): Record<string, string> {
  return { "user-agent": GEMINI_CLI_USER_AGENT, "x-goog-api-client": GEMINI_CLI_API_CLIENT };
}

/** `{base}/v1internal:{method}`; streams ask for SSE. */
export function codeAssistUrl(
  base: string,
  stream: boolean,
  action: "generate" | "countTokens" | undefined,
): string {
  const method =
    action === "countTokens" ? "countTokens" : stream ? "streamGenerateContent?alt=sse" : "generateContent";
  return joinUrl(base, `/v1internal:${method}`);
}

export const geminiCliProvider: Provider = {
  id: "gemini-cli",
  format: "gemini-cli",
  defaultBaseUrl: CODE_ASSIST_BASE_URL,
  url: (cred, _model, stream, action) => codeAssistUrl(cred.baseUrl, stream, action),
  headers: (cred, stream) => ({
    ...geminiCliClientHeaders(),
    authorization: `Bearer ${cred.apiKey}`,
    "content-type": "application/json",
    accept: stream ? "text/event-stream" : "application/json",
  }),
  prepareBody: (cred, body) => withProject(body, cred.attributes?.project_id ?? ""),
};

/**
 * The envelope with `project` set to `project`. Translated bodies carry no project at all:
 * then it is spliced in front without parsing the (possibly large) body. A body that
 * mentions a project (a Gemini CLI client's own, passed through) is parsed and replaced.
 */
export function withProject(body: string, project: string): string {
  if (!project) return body;
  if (body.indexOf('"project"') === -1) {
    if (body.charCodeAt(0) !== 0x7b /* { */) return body; // not ours to fix
    const rest = body.slice(1).trimStart();
    return `{"project":${JSON.stringify(project)}${rest.startsWith("}") ? "" : ","}${rest}`;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body; // the upstream will say what is wrong
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return body;
  (parsed as Record<string, unknown>).project = project;
  return JSON.stringify(parsed);
}

/**
 * `quota-exceeded.switch-preview-model`: preview builds of a model to try, in order, on the
 * same account when its quota for the model is used up (a 429). Data, one line per model.
 *
 * Empty on purpose. The Go original's table (gemini-2.5-pro -> gemini-2.5-pro-preview-05-06,
 * gemini-2.5-pro-preview-06-05; gemini-2.5-flash -> gemini-2.5-flash-preview-04-17,
 * gemini-2.5-flash-preview-05-20; gemini-2.5-flash-lite -> gemini-2.5-flash-lite-preview-06-17)
 * was emptied entry by entry in Nov/Dec 2025 because Google retired those builds: Code Assist
 * answers 404 for them (CLIProxyAPI issue #414). No model served today has a preview sibling;
 * when one appears, add its line here.
 */
export const PREVIEW_FALLBACKS = new Map<string, readonly string[]>();

export function previewFallbacks(model: string): readonly string[] {
  return PREVIEW_FALLBACKS.get(model) ?? [];
}

/**
 * Every Cloud project of the account, the one it serves first at the head. Go writes several as
 * "a,b,c" into `project_id` (a login for several or ALL projects); the reader keeps them in
 * the `projects` attribute. `quota-exceeded.switch-project` moves through them on a 429.
 */
export function accountProjects(cred: Credential): string[] {
  const first = cred.attributes?.project_id ?? "";
  const all = (cred.attributes?.projects ?? "").split(",").filter((p) => p !== "");
  return all.length > 0 ? all : first ? [first] : [];
}

/**
 * The `v1internal:countTokens` body for an encoded Code Assist request `{model, request}`:
 * `{request: {model: "models/<id>", contents}}` as Gemini CLI sends it, plus the system
 * instruction and tools (the Go original sends those too) so they are counted. No project:
 * counting is not billed to one.
 */
export function countTokensBody(encoded: Record<string, any>, model: string): Record<string, unknown> {
  const inner = (encoded.request ?? {}) as Record<string, unknown>;
  const request: Record<string, unknown> = { model: `models/${model}`, contents: inner.contents ?? [] };
  if (inner.systemInstruction !== undefined) request.systemInstruction = inner.systemInstruction;
  if (inner.tools !== undefined) request.tools = inner.tools;
  return { request };
}
