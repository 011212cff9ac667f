import { createHash, randomUUID } from "node:crypto";
import type { Credential } from "../credentials/credential.ts";
import { codeAssistUrl } from "./gemini-cli.ts";
import type { Provider } from "./types.ts";

/**
 * Antigravity accounts (`type: "antigravity"` files): Google's Code Assist API on the daily
 * endpoint as the Antigravity IDE calls it. Same `{model, project, request}` envelope as Gemini
 * CLI, plus what the IDE adds: `userAgent`, `requestType`, a `requestId`, a stable
 * `request.sessionId`, and Antigravity's own names for some models. Claude models served
 * there want validated function calling; Gemini models there take no `maxOutputTokens`.
 */

export const ANTIGRAVITY_BASE_URL = "https://daily-cloudcode-pa.googleapis.com";
const ANTIGRAVITY_USER_AGENT = "antigravity/1.19.6 darwin/arm64";

/** Our (catalog) model name -> Antigravity's internal name, where they differ. */
const UPSTREAM_NAMES: Readonly<Record<string, string>> = {
  "gemini-3-pro-preview": "gemini-3-pro-high",
  "gemini-3-pro-image-preview": "gemini-3-pro-image",
  "gemini-3-flash-preview": "gemini-3-flash",
  "gemini-2.5-computer-use-preview-10-2025": "rev19-uic3-1p",
  "gemini-claude-sonnet-4-5": "claude-sonnet-4-5",
  "gemini-claude-sonnet-4-5-thinking": "claude-sonnet-4-5-thinking",
  "gemini-claude-opus-4-5-thinking": "claude-opus-4-5-thinking",
};

export function antigravityModelName(model: string): string {
  return UPSTREAM_NAMES[model] ?? model;
}

export const antigravityProvider: Provider = {
  id: "antigravity",
  format: "gemini-cli",
  defaultBaseUrl: ANTIGRAVITY_BASE_URL,
  url: (cred, _model, stream, action) => codeAssistUrl(cred.baseUrl, stream, action),
  headers: (cred, stream) => ({
    authorization: `Bearer ${cred.apiKey}`,
    "user-agent": ANTIGRAVITY_USER_AGENT,
    "content-type": "application/json",
    accept: stream ? "text/event-stream" : "application/json",
  }),
  prepareBody: (cred, body) => antigravityBody(cred, body),
};

type Json = Record<string, any>;

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** The Code Assist envelope as the Antigravity IDE sends it. */
export function antigravityBody(cred: Credential, text: string): string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return text; // the upstream will say what is wrong
  }
  if (!isObject(body)) return text;
  const model = antigravityModelName(typeof body.model === "string" ? body.model : "");
  const image = model.includes("image");
  const request: Json = isObject(body.request) ? body.request : {};
  body.model = model;
  body.userAgent = "antigravity";
  body.requestType = image ? "image_gen" : "agent";
  const project = cred.attributes?.project_id;
  if (project) body.project = project;
  body.requestId = image ? `image_gen/${Date.now()}/${randomUUID()}/12` : `agent-${randomUUID()}`;
  if (!image && typeof request.sessionId !== "string") request.sessionId = sessionIdFor(request);
  delete request.safetySettings;
  if (model.includes("claude")) {
    const toolConfig: Json = isObject(request.toolConfig) ? request.toolConfig : {};
    const calling: Json = isObject(toolConfig.functionCallingConfig) ? toolConfig.functionCallingConfig : {};
    request.toolConfig = { ...toolConfig, functionCallingConfig: { ...calling, mode: "VALIDATED" } };
  } else if (isObject(request.generationConfig)) {
    delete request.generationConfig.maxOutputTokens;
  }
  renameSchemaKeys(request.tools);
  body.request = request;
  return JSON.stringify(body);
}

/**
 * The same conversation gets the same session id (the IDE keeps one per conversation), taken
 * from its first user text: a non-negative 63-bit number written with a leading "-".
 */
function sessionIdFor(request: Json): string {
  const contents: unknown[] = Array.isArray(request.contents) ? request.contents : [];
  const first = contents.find((c) => isObject(c) && c.role === "user") as Json | undefined;
  const text = first?.parts?.[0]?.text;
  const seed = typeof text === "string" && text !== "" ? text : randomUUID();
  const n = createHash("sha256").update(seed).digest().readBigUInt64BE(0) & 0x7fffffffffffffffn;
  return `-${n}`;
}

/** Antigravity accepts `parameters`, not `parametersJsonSchema`, in function declarations. */
function renameSchemaKeys(tools: unknown): void {
  if (!Array.isArray(tools)) return;
  for (const tool of tools) {
    const decls = isObject(tool) ? (tool.functionDeclarations ?? tool.function_declarations) : undefined;
    if (!Array.isArray(decls)) continue;
    for (const d of decls) {
      if (isObject(d) && d.parametersJsonSchema !== undefined && d.parameters === undefined) {
        d.parameters = d.parametersJsonSchema;
        delete d.parametersJsonSchema;
      }
    }
  }
}
