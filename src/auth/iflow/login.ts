import { LoginError } from "../../oauth/errors.ts";
import { fileNamePart } from "../../oauth/file-name.ts";
import type { BrowserLogin } from "../auth-kind.ts";
import { formatTimestamp } from "../timestamps.ts";
import { exchangeIflowCode, IFLOW_CLIENT_ID, IflowAccountError, iflowAuthorizeEndpoint } from "./tokens.ts";

/**
 * iFlow sign-in as the iFlow CLI does it: the iflow.cn login page (phone login) redirects to
 * the registered callback localhost:11451/oauth2callback; the code buys tokens, the tokens
 * the account's API key. iFlow's page takes `redirect` (not `redirect_uri`) and no PKCE.
 */
export const iflowLogin: BrowserLogin = {
  managementName: "iflow",
  aliases: [],
  publicCallback: "iflow",
  callbackPort: 11451,
  callbackPath: "/oauth2callback",
  authorizeUrl: ({ redirectUri, state }) => {
    const q = new URLSearchParams({
      loginMethod: "phone",
      type: "phone",
      redirect: redirectUri,
      state,
      client_id: IFLOW_CLIENT_ID,
    });
    return `${iflowAuthorizeEndpoint()}?${q}`;
  },
  exchange: async (p) => {
    let tokens: Record<string, unknown>;
    try {
      tokens = await exchangeIflowCode(p);
    } catch (err) {
      if (err instanceof IflowAccountError) throw new LoginError(err.message);
      throw err;
    }
    const account = typeof tokens.email === "string" ? tokens.email : "";
    if (!account) throw new LoginError("iFlow named no email or phone for this account");
    // Field order as the Go original writes it.
    const content: Record<string, unknown> = {
      access_token: tokens.access_token,
      refresh_token: tokens.refresh_token,
      last_refresh: formatTimestamp(Date.now()),
      expired: tokens.expired,
      api_key: tokens.api_key,
      email: account,
      token_type: tokens.token_type ?? "",
      scope: tokens.scope ?? "",
      cookie: "",
      type: "iflow",
    };
    const seconds = Math.floor(Date.now() / 1000);
    return { fileName: `iflow-${fileNamePart(account)}-${seconds}.json`, content };
  },
};
