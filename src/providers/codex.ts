import { joinUrl } from "./base-url.ts";
import type { Provider } from "./types.ts";

/** OpenAI Responses API with an API key (`codex-api-key`); `base-url` includes the version. */
export const codexProvider: Provider = {
  id: "codex",
  format: "openai-responses",
  defaultBaseUrl: "https://api.openai.com/v1",
  url: (cred) => joinUrl(cred.baseUrl, "/responses"),
  headers: (cred, stream) => ({
    authorization: `Bearer ${cred.apiKey}`,
    "content-type": "application/json",
    accept: stream ? "text/event-stream" : "application/json",
  }),
};
