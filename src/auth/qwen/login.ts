import { fileNamePart } from "../../oauth/file-name.ts";
import type { DeviceLogin } from "../auth-kind.ts";
import { formatTimestamp } from "../timestamps.ts";
import {
  QWEN_CLIENT_ID,
  QWEN_SCOPE,
  qwenDeviceEndpoint,
  qwenRequestHeaders,
  qwenTokenEndpoint,
  qwenTokenFields,
} from "./tokens.ts";

/**
 * Qwen Code sign-in: the device flow with PKCE on chat.qwen.ai. The token answer does not say
 * who signed in, so the file is named by the email or alias the user types at the terminal,
 * else (no terminal, the web panel) by the login time, as the Go original does.
 */
export const qwenLogin: DeviceLogin = {
  managementName: "qwen",
  deviceAuthorizationUrl: qwenDeviceEndpoint,
  tokenUrl: qwenTokenEndpoint,
  clientId: QWEN_CLIENT_ID,
  scope: QWEN_SCOPE,
  pkce: true,
  headers: qwenRequestHeaders,
  accountPrompt: "Your Qwen account email, or an alias to name this account by (Enter to skip):",
  toFile(tokens, account) {
    const fields = qwenTokenFields(tokens);
    const email = account || String(Date.now());
    // Field order as the Go original writes it.
    const content: Record<string, unknown> = {
      access_token: fields.access_token,
      refresh_token: fields.refresh_token,
      last_refresh: formatTimestamp(Date.now()),
      resource_url: fields.resource_url,
      email,
      type: "qwen",
      expired: fields.expired,
    };
    return { fileName: `qwen-${fileNamePart(email)}.json`, content };
  },
};
