import { joinUrl } from "./base-url.ts";
import type { Provider } from "./types.ts";

/** Any OpenAI-compatible Chat Completions endpoint; `base-url` includes the version (e.g. .../v1). */
export const openaiCompatibilityProvider: Provider = {
  id: "openai-compatibility",
  format: "openai-chat",
  defaultBaseUrl: "https://api.openai.com/v1",
  url: (cred) => joinUrl(cred.baseUrl, "/chat/completions"),
  headers: (cred, stream) => ({
    authorization: `Bearer ${cred.apiKey}`,
    "content-type": "application/json",
    accept: stream ? "text/event-stream" : "application/json",
  }),
};
