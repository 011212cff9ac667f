import { type ChildProcess, spawn } from "node:child_process";
import { type AuthHarness, oauthEnv, waitFor } from "./helpers.ts";

/**
 * Points Qwen's and iFlow's OAuth servers and APIs at the fake upstream (the test-only
 * overrides): Qwen's resource hosts live under `/qwen-resource/<host>`, iFlow's API under
 * `/iflow-api/v1`. The proxy reads them when it loads a file, so set them before writing one.
 */
export function qwenIflowEnv(upstreamUrl: string): Record<string, string> {
  return {
    CLI_PROXY_OAUTH_BASE_QWEN: `${upstreamUrl}/qwen`,
    CLI_PROXY_API_BASE_QWEN: `${upstreamUrl}/qwen-resource`,
    CLI_PROXY_OAUTH_BASE_IFLOW: `${upstreamUrl}/iflow`,
    CLI_PROXY_OAUTH_BASE_IFLOW_PLATFORM: `${upstreamUrl}/iflow-platform`,
    CLI_PROXY_API_BASE_IFLOW: `${upstreamUrl}/iflow-api/v1`,
  };
}

const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;

export interface LoginProcess {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

/** `cli-proxy-api <flag> --no-browser` as a user runs it, against the fake upstream. */
export function startLoginProcess(
  h: AuthHarness,
  flag: string,
  env: Record<string, string> = {},
): LoginProcess {
  const child = spawn(process.execPath, [MAIN, flag, "--no-browser", "--config", h.configPath], {
    env: {
      ...process.env,
      ...oauthEnv(h.upstream.url),
      ...qwenIflowEnv(h.upstream.url),
      CLI_PROXY_OAUTH_PORT_IFLOW: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => {
    out += d;
  });
  child.stderr!.on("data", (d) => {
    out += d;
  });
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => out, exit };
}

/** The first line of the login's output matching `pattern` (its first group), once printed. */
export async function printed(login: LoginProcess, pattern: RegExp): Promise<string> {
  await waitFor(() => pattern.test(login.output()) || login.child.exitCode !== null, 10_000);
  const m = pattern.exec(login.output());
  if (!m) throw new Error(`expected ${pattern} in the login output:\n${login.output()}`);
  return m[1];
}

/** A chat completion through the proxy. */
export function chatCall(h: AuthHarness, model: string, stream = false): Promise<Response> {
  return fetch(`${h.proxy.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, stream, messages: [{ role: "user", content: "hi" }] }),
  });
}
