import { log } from "../../logging/logger.ts";
import { fileNamePart } from "../../oauth/file-name.ts";
import { CODE_ASSIST_BASE_URL } from "../../providers/gemini-cli.ts";
import type { BrowserLogin, NewAuthFile } from "../auth-kind.ts";
import { apiBase } from "../endpoints.ts";
import { setupCodeAssist } from "../gemini-cli/code-assist-setup.ts";
import { exchangeGoogleCode, fetchGoogleEmail, googleAuthorizeUrl } from "../gemini-cli/google-oauth.ts";
import { ANTIGRAVITY_OAUTH, tokenFields } from "./tokens.ts";

const IDE_VERSION = "1.19.6";

/**
 * Google sign-in as the Antigravity IDE does it (registered callback:
 * localhost:51121/oauth-callback), then the account's Code Assist project: the one
 * loadCodeAssist names, or the one onboarding creates. As in the original, a failed project
 * lookup does not fail the login; the account is saved without `project_id`.
 */
export const antigravityLogin: BrowserLogin = {
  managementName: "antigravity",
  aliases: [],
  publicCallback: "antigravity",
  callbackPort: 51121,
  callbackPath: "/oauth-callback",
  authorizeUrl: (p) => googleAuthorizeUrl(ANTIGRAVITY_OAUTH, p),
  exchange: async (p): Promise<NewAuthFile> => {
    const tokens = await exchangeGoogleCode(ANTIGRAVITY_OAUTH, p);
    const accessToken = String(tokens.access_token);
    const email = await fetchGoogleEmail(ANTIGRAVITY_OAUTH.kind, accessToken, p.proxyUrl);
    let projectId = "";
    try {
      ({ projectId } = await setupCodeAssist(
        {
          baseUrl: apiBase(ANTIGRAVITY_OAUTH.kind, CODE_ASSIST_BASE_URL),
          accessToken,
          proxyUrl: p.proxyUrl,
          headers: { "user-agent": `antigravity/${IDE_VERSION}` },
        },
        {
          loadBody: { metadata: { ideType: "ANTIGRAVITY" } },
          onboardBody: (tierId) => ({
            tier_id: tierId,
            metadata: { ide_type: "ANTIGRAVITY", ide_version: IDE_VERSION, ide_name: "antigravity" },
          }),
        },
      ));
    } catch (err) {
      log.warn({ reason: (err as Error).message }, "antigravity login: no Code Assist project found");
    }
    const content: Record<string, unknown> = { type: "antigravity", ...tokenFields(tokens), email };
    if (projectId) content.project_id = projectId;
    return { fileName: `antigravity-${fileNamePart(email)}.json`, content };
  },
};
