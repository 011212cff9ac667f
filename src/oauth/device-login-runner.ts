import type { AuthKind } from "../auth/auth-kind.ts";
import { loginTimeoutMs } from "../auth/endpoints.ts";
import { saveNewAuthFile } from "../auth/write-back.ts";
import { openBrowser } from "./browser.ts";
import { pollDeviceToken, startDeviceAuthorization, verificationUrl } from "./device-flow.ts";
import { LoginError } from "./errors.ts";
import type { BrowserLoginOptions } from "./login-runner.ts";

export interface DeviceLoginOptions extends BrowserLoginOptions {
  /** Asks the person at the terminal a question; absent when nobody can answer (no TTY). */
  prompt?: (question: string) => Promise<string>;
}

/**
 * A device login from the command line: get a device code, open (or print) the verification
 * URL with the user code, poll until the login is approved, write the account file to
 * auth-dir (a running server picks it up). Resolves with the file's path; rejects with a
 * LoginError saying what went wrong.
 */
export async function runDeviceLogin(kind: AuthKind, opts: DeviceLoginOptions): Promise<string> {
  const login = kind.deviceLogin;
  if (!login) throw new LoginError(`${kind.title} has no device login`);
  const auth = await startDeviceAuthorization(login, opts.proxyUrl);
  const url = verificationUrl(auth);
  const opened = !opts.noBrowser && (await openBrowser(url));
  opts.print(
    opened
      ? `Opened your browser to log in to ${kind.title}. If it did not open, visit:`
      : `Visit this URL to log in to ${kind.title}:`,
  );
  opts.print(url);
  if (auth.userCode) opts.print(`and confirm the code ${auth.userCode}`);
  opts.print("Waiting for the login to be approved ...");
  const tokens = await pollDeviceToken(login, auth, {
    proxyUrl: opts.proxyUrl,
    timeoutMs: loginTimeoutMs(),
    keepAlive: true,
  });
  const account = login.accountPrompt && opts.prompt ? await opts.prompt(login.accountPrompt) : undefined;
  const file = login.toFile(tokens, account?.trim() || undefined);
  const path = await saveNewAuthFile(opts.authDir, file);
  const email =
    typeof file.content.email === "string" && file.content.email ? ` as ${file.content.email}` : "";
  opts.print(`Logged in to ${kind.title}${email}. Saved ${path}`);
  return path;
}
