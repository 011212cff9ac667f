import { joinUrl } from "./base-url.ts";
import type { Provider } from "./types.ts";

/** Anthropic Messages API with an API key. */
export const claudeProvider: Provider = {
  id: "claude",
  format: "anthropic",
  defaultBaseUrl: "https://api.anthropic.com",
  url: (cred, _model, _stream, action) =>
    joinUrl(cred.baseUrl, action === "countTokens" ? "/v1/messages/count_tokens" : "/v1/messages"),
  headers: (cred, stream) => ({
    "x-api-key": cred.apiKey,
    "anthropic-version": "2023-06-01",
    "content-type": "application/json",
    accept: stream ? "text/event-stream" : "application/json",
  }),
};
