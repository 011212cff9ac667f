import { joinUrl } from "./base-url.ts";
import type { Provider } from "./types.ts";

/**
 * Qwen Code accounts (OAuth files of type "qwen"): OpenAI Chat Completions at the account's
 * `resource_url` (the file gives the host; calls go to `https://{resource_url}/v1`), with the
 * bearer token and the headers Qwen Code sends, which mark the call as Qwen OAuth traffic.
 */

/** Where an account whose file names no `resource_url` is served. */
export const QWEN_PORTAL_BASE_URL = "https://portal.qwen.ai/v1";

// What Qwen Code identifies itself with (its OpenAI SDK's stainless headers included).
const QWEN_CODE_USER_AGENT = "QwenCode/0.10.3 (linux; x64)";

export const qwenProvider: Provider = {
  id: "qwen",
  format: "openai-chat",
  defaultBaseUrl: QWEN_PORTAL_BASE_URL,
  url: (cred) => joinUrl(cred.baseUrl, "/chat/completions"),
  headers: (cred, stream) => ({
    authorization: `Bearer ${cred.apiKey}`,
    "content-type": "application/json",
    accept: stream ? "text/event-stream" : "application/json",
    "user-agent": QWEN_CODE_USER_AGENT,
    "x-dashscope-useragent": QWEN_CODE_USER_AGENT,
    "x-dashscope-authtype": "qwen-oauth",
    "x-dashscope-cachecontrol": "enable",
    "x-stainless-lang": "js",
    "x-stainless-runtime": "node",
    "x-stainless-retry-count": "0",
  }),
};
