import { createHmac, randomUUID } from "node:crypto";
import { joinUrl } from "./base-url.ts";
import type { Provider } from "./types.ts";

/**
 * iFlow accounts (OAuth files of type "iflow"): OpenAI Chat Completions on apis.iflow.cn with
 * the account's API key (fetched at login and on every token refresh) as the bearer, plus what
 * the iFlow CLI sends: its user agent, a session id, and an HMAC-SHA256 signature of
 * `user-agent:session-id:timestamp` keyed with the API key.
 */

export const IFLOW_API_BASE_URL = "https://apis.iflow.cn/v1";
const IFLOW_CLI_USER_AGENT = "iFlow-Cli";

export const iflowProvider: Provider = {
  id: "iflow",
  format: "openai-chat",
  defaultBaseUrl: IFLOW_API_BASE_URL,
  url: (cred) => joinUrl(cred.baseUrl, "/chat/completions"),
  headers: (cred, stream) => {
    const sessionId = `session-${randomUUID()}`;
    const timestamp = String(Date.now());
    return {
      authorization: `Bearer ${cred.apiKey}`,
      "content-type": "application/json",
      accept: stream ? "text/event-stream" : "application/json",
      "user-agent": IFLOW_CLI_USER_AGENT,
      "session-id": sessionId,
      "x-iflow-timestamp": timestamp,
      "x-iflow-signature": iflowSignature(cred.apiKey, sessionId, timestamp),
    };
  },
};

export function iflowSignature(apiKey: string, sessionId: string, timestamp: string): string {
  return createHmac("sha256", apiKey)
    .update(`${IFLOW_CLI_USER_AGENT}:${sessionId}:${timestamp}`)
    .digest("hex");
}
