import type { AuthKind } from "../auth/auth-kind.ts";
import { callbackPort, loginTimeoutMs } from "../auth/endpoints.ts";
import { saveNewAuthFile } from "../auth/write-back.ts";
import { openBrowser } from "./browser.ts";
import { startCallbackServer } from "./callback-server.ts";
import { LoginError } from "./errors.ts";
import { createPkce } from "./pkce.ts";
import { createState } from "./state.ts";
import { TokenEndpointError } from "./token-request.ts";

export interface BrowserLoginOptions {
  authDir: string;
  /** Proxy for the token endpoint ('' = direct). */
  proxyUrl: string;
  /** Print the URL only; never start a browser. */
  noBrowser: boolean;
  projectId?: string;
  /** Where progress lines go (stdout for the CLI). */
  print: (line: string) => void;
}

/**
 * A browser login from the command line: PKCE + state, the local callback on the kind's
 * registered port, the URL opened (or printed), the code exchanged, the new account file
 * written to auth-dir (a running server picks it up through its watcher). Resolves with the
 * file's path; rejects with a LoginError saying what went wrong.
 */
export async function runBrowserLogin(kind: AuthKind, opts: BrowserLoginOptions): Promise<string> {
  const login = kind.login;
  if (!login) throw new LoginError(`${kind.title} has no browser login`);
  const pkce = createPkce();
  const state = createState();
  const server = await startCallbackServer({
    port: callbackPort(kind.type, login.callbackPort),
    path: login.callbackPath,
    state,
  });
  try {
    const url = login.authorizeUrl({ redirectUri: server.redirectUri, state, codeChallenge: pkce.challenge });
    const opened = !opts.noBrowser && (await openBrowser(url));
    opts.print(
      opened
        ? `Opened your browser to log in to ${kind.title}. If it did not open, visit:`
        : `Visit this URL to log in to ${kind.title}:`,
    );
    opts.print(url);
    opts.print(`Waiting for the browser to come back to ${server.redirectUri} ...`);
    const code = await server.waitForCode(loginTimeoutMs());
    let file: Awaited<ReturnType<typeof login.exchange>>;
    try {
      file = await login.exchange({
        code,
        state,
        codeVerifier: pkce.verifier,
        redirectUri: server.redirectUri,
        proxyUrl: opts.proxyUrl,
        projectId: opts.projectId,
      });
    } catch (err) {
      if (err instanceof TokenEndpointError) throw new LoginError(`could not get tokens: ${err.message}`);
      throw err;
    }
    const path = await saveNewAuthFile(opts.authDir, file);
    const email =
      typeof file.content.email === "string" && file.content.email ? ` as ${file.content.email}` : "";
    opts.print(`Logged in to ${kind.title}${email}. Saved ${path}`);
    return path;
  } finally {
    await server.close();
  }
}
