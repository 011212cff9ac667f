import { LoginError } from "../../oauth/errors.ts";
import { fileNamePart } from "../../oauth/file-name.ts";
import { CODE_ASSIST_BASE_URL, geminiCliClientHeaders } from "../../providers/gemini-cli.ts";
import type { BrowserLogin, NewAuthFile } from "../auth-kind.ts";
import { apiBase } from "../endpoints.ts";
import { setupCodeAssist } from "./code-assist-setup.ts";
import { exchangeGoogleCode, fetchGoogleEmail, googleAuthorizeUrl } from "./google-oauth.ts";
import { GEMINI_CLI_OAUTH, newTokenObject } from "./tokens.ts";

/** Gemini CLI's own client metadata for Code Assist setup calls. */
const CLIENT_METADATA = {
  ideType: "IDE_UNSPECIFIED",
  platform: "PLATFORM_UNSPECIFIED",
  pluginType: "GEMINI",
};

/**
 * Google sign-in as Gemini CLI does it (registered callback: localhost:8085/oauth2callback),
 * then the Code Assist setup: with `--project_id` that project is activated; without, the
 * account's project is discovered (loadCodeAssist) or created by onboarding (onboardUser).
 */
export const geminiCliLogin: BrowserLogin = {
  managementName: "gemini-cli",
  aliases: ["gemini", "google"],
  publicCallback: "google",
  callbackPort: 8085,
  callbackPath: "/oauth2callback",
  authorizeUrl: (p) => googleAuthorizeUrl(GEMINI_CLI_OAUTH, p),
  exchange: async (p): Promise<NewAuthFile> => {
    const tokens = await exchangeGoogleCode(GEMINI_CLI_OAUTH, p);
    const accessToken = String(tokens.access_token);
    const email = await fetchGoogleEmail(GEMINI_CLI_OAUTH.kind, accessToken, p.proxyUrl);
    const requested = p.projectId?.trim() ?? "";
    // A named project travels as `cloudaicompanionProject` and as `duetProject` in the metadata.
    const metadata = withField(CLIENT_METADATA, "duetProject", requested);
    const naming = (body: Record<string, unknown>) => withField(body, "cloudaicompanionProject", requested);
    const { projectId } = await setupCodeAssist(
      {
        baseUrl: apiBase(GEMINI_CLI_OAUTH.kind, CODE_ASSIST_BASE_URL),
        accessToken,
        proxyUrl: p.proxyUrl,
        headers: geminiCliClientHeaders(),
      },
      {
        project: requested || undefined,
        loadBody: naming({ metadata }),
        // The free tier provisions a managed project; other tiers onboard the named one.
        onboardBody: (tierId) =>
          tierId === "free-tier" ? { tierId, metadata: CLIENT_METADATA } : naming({ tierId, metadata }),
      },
    );
    if (!projectId) {
      throw new LoginError(
        "this Google account has no Code Assist project; log in again with --project_id <your Google Cloud project>",
      );
    }
    // Field order as the Go original writes it.
    const content: Record<string, unknown> = {
      token: newTokenObject(tokens),
      project_id: projectId,
      email,
      // `auto`: the project was chosen by the server, not named by the user.
      auto: !requested,
      // `checked`: the Go original's "Cloud AI Companion API enabled" probe, not run here.
      checked: false,
      type: "gemini",
    };
    return { fileName: `gemini-${fileNamePart(email)}-${fileNamePart(projectId)}.json`, content };
  },
};

/** `obj` with `key: value` added when `value` is not empty. */
function withField(obj: Record<string, unknown>, key: string, value: string): Record<string, unknown> {
  return value ? { ...obj, [key]: value } : obj;
}
