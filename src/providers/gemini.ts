import { joinUrl } from "./base-url.ts";
import type { Provider } from "./types.ts";

/** Google Generative Language API (AI Studio keys). The model travels in the URL. */
export const geminiProvider: Provider = {
  id: "gemini",
  format: "gemini",
  defaultBaseUrl: "https://generativelanguage.googleapis.com",
  url: (cred, model, stream, action) => {
    const method =
      action === "countTokens" ? "countTokens" : stream ? "streamGenerateContent?alt=sse" : "generateContent";
    return joinUrl(cred.baseUrl, `/v1beta/models/${encodeURIComponent(model)}:${method}`);
  },
  headers: (cred, stream) => ({
    "x-goog-api-key": cred.apiKey,
    "content-type": "application/json",
    accept: stream ? "text/event-stream" : "application/json",
  }),
};
