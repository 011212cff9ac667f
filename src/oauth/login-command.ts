import { existsSync } from "node:fs";
import { authKindFor } from "../auth/registry.ts";
import { type Config, ConfigError, loadConfigFile, parseConfigText } from "../config/index.ts";
import { closeAllDispatchers } from "../upstream/dispatchers.ts";
import { runDeviceLogin } from "./device-login-runner.ts";
import { LoginError } from "./errors.ts";
import { runBrowserLogin } from "./login-runner.ts";
import { terminalPrompt } from "./terminal-prompt.ts";

export interface LoginCommandOptions {
  configPath: string;
  noBrowser: boolean;
  projectId?: string;
}

/**
 * `--codex-login`, `--claude-login`, ...: logs in and saves the account in the config's
 * auth-dir (defaults when there is no config file yet). Returns the process exit code:
 * 0 saved, 1 failed (the reason is on stderr).
 */
export async function runLoginCommand(type: string, opts: LoginCommandOptions): Promise<number> {
  const kind = authKindFor(type);
  if (!kind?.login && !kind?.deviceLogin) {
    process.stderr.write(`Login for "${type}" is not available in this version yet.\n`);
    return 2;
  }
  let config: Config;
  try {
    config = existsSync(opts.configPath)
      ? (await loadConfigFile(opts.configPath)).config
      : parseConfigText("", "defaults").config;
  } catch (err) {
    const lines = err instanceof ConfigError ? err.problems : [String(err)];
    process.stderr.write(`Invalid configuration, cannot log in:\n${lines.map((l) => `  ${l}`).join("\n")}\n`);
    return 1;
  }
  try {
    const run = {
      authDir: config["auth-dir"],
      proxyUrl: config["proxy-url"] ?? "",
      noBrowser: opts.noBrowser,
      projectId: opts.projectId,
      print: (line: string) => process.stdout.write(`${line}\n`),
    };
    if (kind.deviceLogin) await runDeviceLogin(kind, { ...run, prompt: terminalPrompt() });
    else await runBrowserLogin(kind, run);
    return 0;
  } catch (err) {
    if (!(err instanceof LoginError)) throw err;
    process.stderr.write(`${kind.title} login failed: ${err.message}\n`);
    return 1;
  } finally {
    await closeAllDispatchers();
  }
}
