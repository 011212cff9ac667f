import { parseArgs } from "node:util";

/** Command-line flags, named as the Go original names them (single or double dash). */
export interface CliArgs {
  config: string;
  login: boolean;
  codexLogin: boolean;
  claudeLogin: boolean;
  qwenLogin: boolean;
  iflowLogin: boolean;
  antigravityLogin: boolean;
  noBrowser: boolean;
  projectId: string;
  help: boolean;
  version: boolean;
}

export const USAGE = `Usage: cli-proxy-api [flags]

  --config PATH          config file (default ./config.yaml; created from config.example.yaml if missing)
  --login                log in to Gemini CLI (Google OAuth, callback port 8085)
  --project_id ID        Google Cloud project for --login (default: discover or onboard one)
  --codex-login          log in to Codex (ChatGPT OAuth, callback port 1455)
  --claude-login         log in to Claude Code (Anthropic OAuth, callback port 54545)
  --qwen-login           log in to Qwen Code (device flow: approve a code in any browser)
  --iflow-login          log in to iFlow (OAuth, callback port 11451)
  --antigravity-login    log in to Antigravity (Google OAuth, callback port 51121)
  --no-browser           print login URLs instead of opening a browser
  --version              print the version
  -h, --help             this help
`;

export function parseCliArgs(argv: string[]): CliArgs {
  // Go's flag package accepts -flag as well as --flag.
  const normalised = argv.map((a) => (/^-[a-z_][a-z_-]+/.test(a) ? `-${a}` : a));
  const { values } = parseArgs({
    args: normalised,
    strict: true,
    options: {
      config: { type: "string", default: "config.yaml" },
      login: { type: "boolean", default: false },
      "codex-login": { type: "boolean", default: false },
      "claude-login": { type: "boolean", default: false },
      "qwen-login": { type: "boolean", default: false },
      "iflow-login": { type: "boolean", default: false },
      "antigravity-login": { type: "boolean", default: false },
      "no-browser": { type: "boolean", default: false },
      project_id: { type: "string", default: "" },
      version: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  return {
    config: values.config,
    login: values.login,
    codexLogin: values["codex-login"],
    claudeLogin: values["claude-login"],
    qwenLogin: values["qwen-login"],
    iflowLogin: values["iflow-login"],
    antigravityLogin: values["antigravity-login"],
    noBrowser: values["no-browser"],
    projectId: values.project_id,
    help: values.help,
    version: values.version,
  };
}
