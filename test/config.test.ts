import assert from "node:assert/strict";
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { parseDocument } from "yaml";
import {
  type Config,
  ConfigError,
  deleteIn,
  ensureConfigFile,
  expandHome,
  type LoadedConfig,
  loadConfigFile,
  parseConfigText,
  parseGoDuration,
  setIn,
  updateConfigFile,
  watchConfigFile,
  writeFileAtomic,
} from "../src/config/index.ts";

const EXAMPLE_PATH = fileURLToPath(new URL("../config.example.yaml", import.meta.url));

function problemsOf(text: string): { problems: string[]; warnings: string[] } {
  try {
    parseConfigText(text);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
    return { problems: err.problems, warnings: err.warnings };
  }
  assert.fail("expected the config to be rejected");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail("condition not met in time");
    await sleep(10);
  }
}

const DEFAULTS: Config = {
  host: "",
  port: 8317,
  tls: { enable: false, cert: "", key: "" },
  "remote-management": {
    "allow-remote": false,
    "secret-key": "",
    "disable-control-panel": false,
    "disable-auto-update-panel": false,
    "panel-github-repository": "https://github.com/router-for-me/Cli-Proxy-API-Management-Center",
  },
  "auth-dir": join(homedir(), ".cli-proxy-api"),
  "api-keys": [],
  debug: false,
  "commercial-mode": false,
  "logging-to-file": false,
  "logs-max-total-size-mb": 0,
  "error-logs-max-files": 10,
  "usage-statistics-enabled": false,
  "usage-database": "",
  "usage-retention-days": 30,
  "redis-usage-queue-retention-seconds": 60,
  "proxy-url": "",
  "force-model-prefix": false,
  "passthrough-headers": false,
  "request-log": false,
  "request-retry": 0,
  "max-retry-credentials": 0,
  "max-retry-interval": 30,
  "disable-cooling": false,
  "save-cooldown-status": false,
  "transient-error-cooldown-seconds": 0,
  "auth-auto-refresh-workers": 0,
  "quota-exceeded": { "switch-project": true, "switch-preview-model": true, "antigravity-credits": false },
  routing: { strategy: "round-robin", "session-affinity": false, "session-affinity-ttl": "1h" },
  "ws-auth": true,
  "nonstream-keepalive-interval": 0,
  streaming: { "keepalive-seconds": 0, "bootstrap-retries": 0 },
  "disable-image-generation": false,
  "gpt-image-2-base-model": "",
  "video-result-auth-cache-ttl": "3h",
  "disable-claude-cloak-mode": false,
  "claude-code": { "disable-cloaking-model-list": false },
  "claude-header-defaults": {
    "user-agent": "",
    "package-version": "",
    "runtime-version": "",
    os: "",
    arch: "",
    timeout: "",
    timezone: "",
    "stabilize-device-profile": false,
  },
  "codex-header-defaults": { "user-agent": "", "beta-features": "" },
  codex: {
    "identity-confuse": false,
    "disable-codex-cloaking": false,
    "stream-bootstrap-buffering": false,
    "optimize-multi-agent-v2": false,
  },
  xai: { "inject-x-search": false },
  antigravity: { "sensitive-words": [] },
  "antigravity-signature-cache-enabled": true,
  "antigravity-signature-bypass-strict": false,
  "gemini-api-key": [],
  "interactions-api-key": [],
  "vertex-api-key": [],
  "codex-api-key": [],
  "xai-api-key": [],
  "claude-api-key": [],
  "openai-compatibility": [],
  "oauth-excluded-models": {},
  "oauth-model-alias": {},
  "oauth-request-scoped-errors": {},
  payload: { default: [], "default-raw": [], override: [], "override-raw": [], filter: [] },
  ampcode: {
    "upstream-url": "",
    "upstream-api-key": "",
    "upstream-api-keys": [],
    "restrict-management-to-localhost": false,
    "model-mappings": [],
    "force-model-mappings": false,
  },
  "body-limit-mb": 50,
};

describe("config: defaults", () => {
  it("an empty file yields every default", () => {
    assert.deepEqual(parseConfigText(""), { config: DEFAULTS, warnings: [] });
  });

  it("a file of comments and empty sections yields every default", () => {
    const text = "# nothing set\ntls:\nremote-management:\napi-keys:\ngemini-api-key:\n";
    assert.deepEqual(parseConfigText(text), { config: DEFAULTS, warnings: [] });
  });
});

const EVERY_KEY = `
host: "127.0.0.1"
port: 9000
tls: {enable: true, cert: "/c.pem", key: "/k.pem"}
remote-management:
  allow-remote: true
  secret-key: "s3cret"
  disable-control-panel: true
  disable-auto-update-panel: true
  panel-github-repository: "https://github.com/me/panel"
auth-dir: "/var/lib/cpa"
api-keys: ["k1", "k2"]
debug: true
commercial-mode: true
logging-to-file: true
logs-max-total-size-mb: 100
error-logs-max-files: 3
usage-statistics-enabled: true
usage-database: "/var/lib/cpa/usage.db"
usage-retention-days: 7
redis-usage-queue-retention-seconds: 120
proxy-url: "socks5://127.0.0.1:1080"
force-model-prefix: true
passthrough-headers: true
request-log: true
request-retry: 2
max-retry-credentials: 4
max-retry-interval: 5
disable-cooling: true
save-cooldown-status: true
transient-error-cooldown-seconds: -1
auth-auto-refresh-workers: 8
quota-exceeded: {switch-project: false, switch-preview-model: false, antigravity-credits: true}
routing: {strategy: fill-first, session-affinity: true, session-affinity-ttl: "30m"}
ws-auth: false
nonstream-keepalive-interval: 10
streaming: {keepalive-seconds: 15, bootstrap-retries: 1}
disable-image-generation: chat
gpt-image-2-base-model: "gpt-5.4"
video-result-auth-cache-ttl: "90m"
disable-claude-cloak-mode: true
claude-code: {disable-cloaking-model-list: true}
claude-header-defaults:
  user-agent: "claude-cli/2.0"
  package-version: "0.9"
  runtime-version: "v24"
  os: "Linux"
  arch: "x64"
  timeout: "600"
  timezone: "Europe/Berlin"
  stabilize-device-profile: true
codex-header-defaults: {user-agent: "codex_cli_rs/1", beta-features: "multi_agent"}
codex: {identity-confuse: true, disable-codex-cloaking: true, stream-bootstrap-buffering: true, optimize-multi-agent-v2: true}
xai: {inject-x-search: true}
antigravity: {sensitive-words: ["proxy"]}
antigravity-signature-cache-enabled: false
antigravity-signature-bypass-strict: true
gemini-api-key:
  - api-key: "g1"
    priority: 5
    weight: 3
    prefix: "/team/"
    base-url: "https://g.example"
    proxy-url: "direct"
    headers: {X-A: "1"}
    models:
      - name: "gemini-2.5-pro"
        alias: "gp"
        display-name: "Gemini Pro"
        max-context-length: 1000
        force-mapping: true
        is-compat: true
        thinking: {min: 1, max: 10, zero-allowed: true, dynamic-allowed: false, levels: ["low"]}
    excluded-models: ["Gemini-1*", "gemini-1*"]
    disable-cooling: false
    request-retry: 1
    request-scoped-errors:
      - {status: 400, match: ["too long"], match-regexr: ["^x"], action: STOP}
interactions-api-key:
  - api-key: "i1"
vertex-api-key:
  - api-key: "v1"
    base-url: "https://v.example"
codex-api-key:
  - api-key: "c1"
    websockets: true
    alpha-search: true
xai-api-key:
  - api-key: "x1"
claude-api-key:
  - api-key: "a1"
    rebuild-mid-system-message: true
    cloak: {mode: always, strict-mode: true, sensitive-words: ["w"], cache-user-id: true}
    fingerprint-profile: "claude-code-cli"
    experimental-cch-signing: true
openai-compatibility:
  - name: "openrouter"
    priority: 1
    disabled: true
    prefix: "or"
    base-url: "https://openrouter.ai/api/v1"
    headers: {X-B: "2"}
    api-key-entries:
      - {api-key: "o1", weight: 2, proxy-url: "http://p:1"}
    models:
      - {name: "m", alias: "a", image: true, input-modalities: [text, image], output-modalities: [text]}
    support-prompt-cache-key: true
    disable-cooling: true
    request-retry: 0
oauth-excluded-models: {Claude: ["claude-3*"]}
oauth-model-alias:
  codex: [{name: "gpt-5", alias: "g5", fork: true, display-name: "G5", force-mapping: true}]
oauth-request-scoped-errors:
  codex: [{status: 429, match: ["quota"], action: continue-and-cooldown}]
payload:
  default: [{models: [{name: "gemini-*", protocol: gemini}], params: {"a.b": 1}}]
  default-raw: [{models: [{name: "x"}], params: {"c": "{\\"k\\":1}"}}]
  override:
    - models:
        - name: "gpt-*"
          from-protocol: responses
          headers: {X-Tier: "gold-*"}
          match: [{"metadata.client": "codex"}]
          not-match: [{"metadata.mode": "dev"}]
          exist: ["tools"]
          not-exist: ["metadata.off"]
      params: {"reasoning.effort": "high"}
  override-raw: []
  filter: [{models: [{name: "y"}], params: ["d.e"]}]
ampcode:
  upstream-url: "https://ampcode.com"
  upstream-api-key: "amp-key"
  upstream-api-keys: [{upstream-api-key: "amp-team", api-keys: ["k2"]}]
  restrict-management-to-localhost: true
  model-mappings: [{from: "claude-opus-4-5", to: "g5"}, {from: "^gpt-", to: "g5", regex: true}]
  force-model-mappings: true
body-limit-mb: 10
`;

describe("config: every key", () => {
  it("parses every key of the schema", () => {
    const { config, warnings } = parseConfigText(EVERY_KEY);
    assert.deepEqual(warnings, []);
    const keyDefaults = {
      priority: 0,
      prefix: "",
      "base-url": "",
      "proxy-url": "",
      headers: {},
      models: [],
      "excluded-models": [],
      "request-scoped-errors": [],
    };
    const modelDefaults = { alias: "", "display-name": "", "force-mapping": false, "is-compat": false };
    assert.deepEqual(config, {
      host: "127.0.0.1",
      port: 9000,
      tls: { enable: true, cert: "/c.pem", key: "/k.pem" },
      "remote-management": {
        "allow-remote": true,
        "secret-key": "s3cret",
        "disable-control-panel": true,
        "disable-auto-update-panel": true,
        "panel-github-repository": "https://github.com/me/panel",
      },
      "auth-dir": "/var/lib/cpa",
      "api-keys": ["k1", "k2"],
      debug: true,
      "commercial-mode": true,
      "logging-to-file": true,
      "logs-max-total-size-mb": 100,
      "error-logs-max-files": 3,
      "usage-statistics-enabled": true,
      "usage-database": "/var/lib/cpa/usage.db",
      "usage-retention-days": 7,
      "redis-usage-queue-retention-seconds": 120,
      "proxy-url": "socks5://127.0.0.1:1080",
      "force-model-prefix": true,
      "passthrough-headers": true,
      "request-log": true,
      "request-retry": 2,
      "max-retry-credentials": 4,
      "max-retry-interval": 5,
      "disable-cooling": true,
      "save-cooldown-status": true,
      "transient-error-cooldown-seconds": -1,
      "auth-auto-refresh-workers": 8,
      "quota-exceeded": {
        "switch-project": false,
        "switch-preview-model": false,
        "antigravity-credits": true,
      },
      routing: { strategy: "fill-first", "session-affinity": true, "session-affinity-ttl": "30m" },
      "ws-auth": false,
      "nonstream-keepalive-interval": 10,
      streaming: { "keepalive-seconds": 15, "bootstrap-retries": 1 },
      "disable-image-generation": "chat",
      "gpt-image-2-base-model": "gpt-5.4",
      "video-result-auth-cache-ttl": "90m",
      "disable-claude-cloak-mode": true,
      "claude-code": { "disable-cloaking-model-list": true },
      "claude-header-defaults": {
        "user-agent": "claude-cli/2.0",
        "package-version": "0.9",
        "runtime-version": "v24",
        os: "Linux",
        arch: "x64",
        timeout: "600",
        timezone: "Europe/Berlin",
        "stabilize-device-profile": true,
      },
      "codex-header-defaults": { "user-agent": "codex_cli_rs/1", "beta-features": "multi_agent" },
      codex: {
        "identity-confuse": true,
        "disable-codex-cloaking": true,
        "stream-bootstrap-buffering": true,
        "optimize-multi-agent-v2": true,
      },
      xai: { "inject-x-search": true },
      antigravity: { "sensitive-words": ["proxy"] },
      "antigravity-signature-cache-enabled": false,
      "antigravity-signature-bypass-strict": true,
      "gemini-api-key": [
        {
          "api-key": "g1",
          priority: 5,
          weight: 3,
          prefix: "team",
          "base-url": "https://g.example",
          "proxy-url": "direct",
          headers: { "X-A": "1" },
          models: [
            {
              name: "gemini-2.5-pro",
              alias: "gp",
              "display-name": "Gemini Pro",
              "max-context-length": 1000,
              "force-mapping": true,
              "is-compat": true,
              thinking: { min: 1, max: 10, "zero-allowed": true, "dynamic-allowed": false, levels: ["low"] },
            },
          ],
          "excluded-models": ["gemini-1*"],
          "disable-cooling": false,
          "request-retry": 1,
          "request-scoped-errors": [
            { status: 400, match: ["too long"], "match-regexr": ["^x"], action: "stop" },
          ],
        },
      ],
      "interactions-api-key": [{ "api-key": "i1", ...keyDefaults }],
      "vertex-api-key": [{ "api-key": "v1", ...keyDefaults, "base-url": "https://v.example" }],
      "codex-api-key": [{ "api-key": "c1", ...keyDefaults, websockets: true, "alpha-search": true }],
      "xai-api-key": [{ "api-key": "x1", ...keyDefaults, websockets: false, "alpha-search": false }],
      "claude-api-key": [
        {
          "api-key": "a1",
          ...keyDefaults,
          "rebuild-mid-system-message": true,
          cloak: { mode: "always", "strict-mode": true, "sensitive-words": ["w"], "cache-user-id": true },
          "fingerprint-profile": "claude-code-cli",
          "experimental-cch-signing": true,
        },
      ],
      "openai-compatibility": [
        {
          name: "openrouter",
          priority: 1,
          disabled: true,
          prefix: "or",
          "base-url": "https://openrouter.ai/api/v1",
          headers: { "X-B": "2" },
          "api-key-entries": [{ "api-key": "o1", weight: 2, "proxy-url": "http://p:1" }],
          models: [
            {
              name: "m",
              ...modelDefaults,
              alias: "a",
              image: true,
              "input-modalities": ["text", "image"],
              "output-modalities": ["text"],
            },
          ],
          "support-prompt-cache-key": true,
          "disable-cooling": true,
          "request-retry": 0,
          "request-scoped-errors": [],
        },
      ],
      "oauth-excluded-models": { claude: ["claude-3*"] },
      "oauth-model-alias": {
        codex: [{ name: "gpt-5", alias: "g5", fork: true, "display-name": "G5", "force-mapping": true }],
      },
      "oauth-request-scoped-errors": {
        codex: [{ status: 429, match: ["quota"], "match-regexr": [], action: "continue-and-cooldown" }],
      },
      payload: {
        default: [
          {
            models: [
              {
                name: "gemini-*",
                protocol: "gemini",
                "from-protocol": "",
                headers: {},
                match: [],
                "not-match": [],
                exist: [],
                "not-exist": [],
              },
            ],
            params: { "a.b": 1 },
          },
        ],
        "default-raw": [
          {
            models: [
              {
                name: "x",
                protocol: "",
                "from-protocol": "",
                headers: {},
                match: [],
                "not-match": [],
                exist: [],
                "not-exist": [],
              },
            ],
            params: { c: '{"k":1}' },
          },
        ],
        override: [
          {
            models: [
              {
                name: "gpt-*",
                protocol: "",
                "from-protocol": "responses",
                headers: { "X-Tier": "gold-*" },
                match: [{ "metadata.client": "codex" }],
                "not-match": [{ "metadata.mode": "dev" }],
                exist: ["tools"],
                "not-exist": ["metadata.off"],
              },
            ],
            params: { "reasoning.effort": "high" },
          },
        ],
        "override-raw": [],
        filter: [
          {
            models: [
              {
                name: "y",
                protocol: "",
                "from-protocol": "",
                headers: {},
                match: [],
                "not-match": [],
                exist: [],
                "not-exist": [],
              },
            ],
            params: ["d.e"],
          },
        ],
      },
      ampcode: {
        "upstream-url": "https://ampcode.com",
        "upstream-api-key": "amp-key",
        "upstream-api-keys": [{ "upstream-api-key": "amp-team", "api-keys": ["k2"] }],
        "restrict-management-to-localhost": true,
        "model-mappings": [
          { from: "claude-opus-4-5", to: "g5", regex: false },
          { from: "^gpt-", to: "g5", regex: true },
        ],
        "force-model-mappings": true,
      },
      "body-limit-mb": 10,
    });
  });

  it("accepts the spellings the Go original accepts", () => {
    const { config } = parseConfigText(
      [
        "debug: yes",
        "request-log: On",
        "routing: {strategy: WRR}",
        "disable-image-generation: 'off'",
        "api-keys: [12345, true]",
        "logs-max-total-size-mb: -5",
        "error-logs-max-files: -1",
        "redis-usage-queue-retention-seconds: 99999",
        "max-retry-credentials: -2",
      ].join("\n"),
    );
    assert.equal(config.debug, true);
    assert.equal(config["request-log"], true);
    assert.equal(config.routing.strategy, "weighted-round-robin");
    assert.equal(config["disable-image-generation"], false);
    assert.deepEqual(config["api-keys"], ["12345", "true"]);
    assert.equal(config["logs-max-total-size-mb"], 0);
    assert.equal(config["error-logs-max-files"], 10);
    assert.equal(config["redis-usage-queue-retention-seconds"], 3600);
    assert.equal(config["max-retry-credentials"], 0);
    assert.equal(parseConfigText("disable-image-generation: true").config["disable-image-generation"], true);
  });

  it("supports YAML anchors and merge keys", () => {
    const text = [
      "x-common: &common",
      "  base-url: https://shared",
      "  proxy-url: socks5://p:1",
      "claude-api-key:",
      "  - <<: *common",
      "    api-key: a",
      "  - <<: *common",
      "    api-key: b",
    ].join("\n");
    const { config, warnings } = parseConfigText(text);
    assert.deepEqual(warnings, ["config.yaml:1:1 x-common: unknown key; ignored"]);
    assert.deepEqual(
      config["claude-api-key"].map((k) => [k["api-key"], k["base-url"], k["proxy-url"]]),
      [
        ["a", "https://shared", "socks5://p:1"],
        ["b", "https://shared", "socks5://p:1"],
      ],
    );
  });
});

describe("config: problems carry path and line:column", () => {
  it("reports a wrong type with the exact position of the value", () => {
    assert.deepEqual(problemsOf("host: ''\nport: abc\n").problems, [
      'config.yaml:2:7 port: expected an integer between 1 and 65535, got "abc"',
    ]);
  });

  it("reports every problem, one line each, in file order", () => {
    const text = [
      "port: 70000", // 1
      "tls:", // 2
      "  enable: maybe", // 3
      "gemini-api-key:", // 4
      "  - api-key: k", // 5
      "    weight: 2000000", // 6
      "    models:", // 7
      "      - name: m", // 8
      "        thinking: {levels: low}", // 9
      "routing:", // 10
      "  strategy: random", // 11
      "  session-affinity-ttl: soon", // 12
      "openai-compatibility: 12", // 13
      "payload:", // 14
      "  override-raw:", // 15
      "    - params: {a: '{broken'}", // 16
      "oauth-request-scoped-errors:", // 17
      "  codex:", // 18
      "    - match: [x]", // 19
      "      action: explode", // 20
    ].join("\n");
    assert.deepEqual(problemsOf(text).problems, [
      "config.yaml:1:7 port: expected an integer between 1 and 65535, got 70000",
      'config.yaml:3:11 tls.enable: expected true or false, got "maybe"',
      "config.yaml:6:13 gemini-api-key[0].weight: expected an integer <= 1000000, got 2000000",
      'config.yaml:9:28 gemini-api-key[0].models[0].thinking.levels: expected a list of text values, got "low"',
      'config.yaml:11:13 routing.strategy: expected one of "round-robin", "fill-first", "weighted-round-robin", got "random"',
      'config.yaml:12:25 routing.session-affinity-ttl: expected a duration such as "30s", "15m" or "1h", got "soon"',
      "config.yaml:13:23 openai-compatibility: expected a list, got 12",
      'config.yaml:16:19 payload.override-raw[0].params.a: expected valid JSON text, got "{broken"',
      "config.yaml:19:7 oauth-request-scoped-errors.codex[0].status: is required",
      'config.yaml:20:15 oauth-request-scoped-errors.codex[0].action: expected one of "stop", "stop-and-cooldown", "continue", "continue-and-cooldown", got "explode"',
    ]);
  });

  it("uses the source name given", () => {
    assert.match(problemsOf("port: x").problems[0], /^config\.yaml:1:7 /);
    assert.throws(
      () => parseConfigText("port: x", "/etc/cpa/config.yaml"),
      (err: ConfigError) => err.problems[0].startsWith("/etc/cpa/config.yaml:1:7 port:"),
    );
  });

  it("reports YAML syntax errors with their line", () => {
    const { problems } = problemsOf("port: 8317\napi-keys: [a, b\ndebug: true\n");
    assert.equal(problems.length, 1);
    assert.match(problems[0], /^config\.yaml:3:1 /);
  });

  it("rejects duplicate keys like the original's YAML decoder", () => {
    const { problems } = problemsOf("port: 1\nhost: ''\nport: 2\n");
    assert.match(problems[0], /^config\.yaml:3:1 .*unique/i);
  });

  it("rejects a file that is not a mapping", () => {
    assert.deepEqual(problemsOf("- a\n- b\n").problems, [
      "config.yaml:1:1 the file must be a mapping of settings (key: value), got a list",
    ]);
  });

  it("keeps the warnings found before the failure", () => {
    const { warnings } = problemsOf("colour: red\nport: x\n");
    assert.deepEqual(warnings, ["config.yaml:1:1 colour: unknown key; ignored"]);
  });

  it("loadConfigFile turns a missing file into a ConfigError", async () => {
    await assert.rejects(loadConfigFile("/nonexistent/dir/config.yaml"), (err: ConfigError) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.problems[0], /^\/nonexistent\/dir\/config\.yaml: cannot read the config file: /);
      return true;
    });
  });
});

describe("config: unknown and unsupported keys are warnings", () => {
  it("warns for unknown keys anywhere, with line and a suggestion", () => {
    const text = [
      "ws_auth: true", // 1
      "tls:", // 2
      "  enable: false", // 3
      "  colour: blue", // 4
      "claude-api-key:", // 5
      "  - api-key: k", // 6
      "    base_url: https://x", // 7
      "oauth-model-alias:", // 8
      "  claude:", // 9
      "    - {name: a, alias: b, extra: 1}", // 10
    ].join("\n");
    const { config, warnings } = parseConfigText(text);
    assert.deepEqual(warnings, [
      'config.yaml:1:1 ws_auth: unknown key; ignored (did you mean "ws-auth"?)',
      "config.yaml:4:3 tls.colour: unknown key; ignored",
      'config.yaml:7:5 claude-api-key[0].base_url: unknown key; ignored (did you mean "base-url"?)',
      "config.yaml:10:27 oauth-model-alias.claude[0].extra: unknown key; ignored",
    ]);
    assert.equal(config["ws-auth"], true);
    assert.equal(config["claude-api-key"][0]["base-url"], "");
    assert.deepEqual(config["oauth-model-alias"].claude, [
      { name: "a", alias: "b", fork: false, "display-name": "", "force-mapping": false },
    ]);
  });

  it("names the Go-only and removed keys of the original", () => {
    const text = [
      "pprof: {enable: true}",
      "amp-upstream-url: https://ampcode.com",
      "oauth-model-mappings: {}",
      "codex:",
      "  identity-confuse: true",
      "  live-media-relay: {enabled: true}",
    ].join("\n");
    const { config, warnings } = parseConfigText(text);
    assert.deepEqual(warnings, [
      "config.yaml:1:1 pprof: a setting of the Go original that this implementation does not support; ignored (Go pprof debug server)",
      "config.yaml:2:1 amp-upstream-url: legacy Amp key; ignored: move it to ampcode.upstream-url",
      "config.yaml:3:1 oauth-model-mappings: renamed to oauth-model-alias; ignored",
      "config.yaml:6:3 codex.live-media-relay: a setting of the Go original that this implementation does not support; ignored (Codex Live WebRTC relay)",
    ]);
    assert.equal(config.codex["identity-confuse"], true);
  });
});

describe("config: normalisation", () => {
  it("expands ~ in auth-dir", () => {
    assert.equal(parseConfigText("auth-dir: ~/creds").config["auth-dir"], join(homedir(), "creds"));
    assert.equal(parseConfigText("auth-dir: '~'").config["auth-dir"], homedir());
    assert.equal(parseConfigText("auth-dir: ./rel/~x").config["auth-dir"], "./rel/~x");
    assert.equal(expandHome("~\\win"), join(homedir(), "win"));
    assert.equal(expandHome("/abs/~"), "/abs/~");
  });

  it("folds legacy openai-compatibility api-keys into api-key-entries", () => {
    const text = [
      "openai-compatibility:",
      "  - name: p",
      "    base-url: https://p",
      "    api-key-entries:",
      "      - api-key: a",
      "        proxy-url: socks5://x:1",
      "    api-keys: [a, b, '', c]",
    ].join("\n");
    const provider = parseConfigText(text).config["openai-compatibility"][0];
    assert.deepEqual(provider["api-key-entries"], [
      { "api-key": "a", "proxy-url": "socks5://x:1" },
      { "api-key": "b", weight: undefined, "proxy-url": "" },
      { "api-key": "c", weight: undefined, "proxy-url": "" },
    ]);
    assert.equal("api-keys" in provider, false);
  });

  it("drops unusable entries with a warning and trims values", () => {
    const text = [
      "api-keys: ['  k1 ', '', k1]", // 1
      "gemini-api-key:", // 2
      "  - api-key: ''", // 3
      "  - api-key: ' g1 '", // 4
      "    prefix: a/b", // 5
      "    headers: {' X-A ': ' v ', X-Empty: ''}", // 6
      "  - api-key: g1", // 7
      "    headers: {X-A: v}", // 8
      "  -", // 9
      "openai-compatibility:", // 10
      "  - name: nourl", // 11
      "  - base-url: https://x", // 12
      "  - name: ok", // 13
      "    base-url: https://ok", // 14
      "    api-key-entries: [{api-key: ''}, {api-key: z}]", // 15
      "    models: [{alias: nameless}, {name: real}]", // 16
      "oauth-model-alias:", // 17
      "  Codex:", // 18
      "    - {name: a, alias: A}", // 19
      "    - {name: b, alias: x}", // 20
      "    - {name: c, alias: X}", // 21
      "    - {name: d}", // 22
    ].join("\n");
    const { config, warnings } = parseConfigText(text);
    assert.deepEqual(warnings, [
      "config.yaml:1:21 api-keys[1]: empty key; ignored",
      "config.yaml:3:5 gemini-api-key[0]: entry has no api-key; ignored",
      'config.yaml:5:13 gemini-api-key[1].prefix: prefix "a/b" must not contain "/"; ignored',
      "config.yaml:7:5 gemini-api-key[2]: duplicate of gemini-api-key[1]; ignored",
      "config.yaml:9:4 gemini-api-key[3]: entry has no api-key; ignored",
      'config.yaml:11:5 openai-compatibility[0]: provider "nourl" has no base-url; ignored',
      "config.yaml:12:5 openai-compatibility[1]: provider has no name; ignored",
      "config.yaml:15:23 openai-compatibility[2].api-key-entries[0]: entry has no api-key; ignored",
      "config.yaml:16:14 openai-compatibility[2].models[0]: model has no name; ignored",
      "config.yaml:19:7 oauth-model-alias.codex[0]: alias equals name; ignored",
      'config.yaml:21:7 oauth-model-alias.codex[2]: alias "X" is already defined for this channel; ignored',
      "config.yaml:22:7 oauth-model-alias.codex[3]: needs both name and alias; ignored",
    ]);
    assert.deepEqual(config["api-keys"], ["k1"]);
    assert.equal(config["gemini-api-key"].length, 1);
    assert.equal(config["gemini-api-key"][0]["api-key"], "g1");
    assert.equal(config["gemini-api-key"][0].prefix, "");
    assert.deepEqual(config["gemini-api-key"][0].headers, { "X-A": "v" });
    assert.deepEqual(
      config["openai-compatibility"].map((p) => [p.name, p["api-key-entries"].length, p.models.length]),
      [["ok", 1, 1]],
    );
    assert.deepEqual(
      config["oauth-model-alias"].codex.map((a) => a.name),
      ["b"],
    );
  });

  it("parses Go durations", () => {
    assert.equal(parseGoDuration("1h30m"), 5_400_000);
    assert.equal(parseGoDuration("250ms"), 250);
    assert.equal(parseGoDuration("1.5s"), 1500);
    assert.equal(parseGoDuration("0"), 0);
    assert.equal(parseGoDuration("-2m"), -120_000);
    assert.equal(parseGoDuration("10"), undefined);
    assert.equal(parseGoDuration("1h 30m"), undefined);
    assert.equal(parseGoDuration(""), undefined);
  });
});

describe("config.example.yaml", () => {
  let exampleText: string;
  before(async () => {
    exampleText = await readFile(EXAMPLE_PATH, "utf8");
  });

  it("loads with no problems and no warnings", async () => {
    const { config, warnings } = await loadConfigFile(EXAMPLE_PATH);
    assert.deepEqual(warnings, []);
    assert.equal(config.port, 8317);
    assert.equal(config.host, "");
    assert.deepEqual(config["api-keys"], ["your-api-key-1", "your-api-key-2", "your-api-key-3"]);
  });

  it("documents every top-level key of the schema", () => {
    for (const key of Object.keys(DEFAULTS)) {
      assert.match(
        exampleText,
        new RegExp(`^(# )?${key}:`, "m"),
        `config.example.yaml does not mention ${key}`,
      );
    }
  });

  it("its commented-out samples are valid when uncommented", () => {
    const lines = exampleText.split("\n");
    const out: string[] = [];
    let inSample = false;
    for (const line of lines) {
      const start = /^# ([a-z0-9-]+):\s*(#.*)?$/.exec(line);
      if (start && start[1] in DEFAULTS) {
        inSample = true;
        out.push(line.slice(2));
      } else if (inSample && line.startsWith("#   ")) {
        out.push(line.slice(2));
      } else {
        inSample = false;
        out.push(line);
      }
    }
    const uncommented = out.join("\n");
    assert.notEqual(uncommented, exampleText);
    const { config, warnings } = parseConfigText(uncommented, "uncommented.yaml");
    assert.deepEqual(warnings, []);
    assert.ok(config["gemini-api-key"].length > 0);
    assert.ok(config["openai-compatibility"].length > 0);
    assert.ok(config.payload.override.length > 0);
    assert.ok(Object.keys(config["oauth-model-alias"]).length > 0);
  });

  it("survives a YAML document round trip byte for byte", () => {
    const doc = parseDocument(exampleText);
    assert.equal(doc.toString({ lineWidth: 0, flowCollectionPadding: false }), exampleText);
  });
});

describe("config: write-back", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "cpa-config-write-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function freshCopy(name: string): Promise<{ path: string; original: string }> {
    const path = join(dir, name);
    const original = await readFile(EXAMPLE_PATH, "utf8");
    await writeFile(path, original);
    return { path, original };
  }

  it("changes only the edited value and keeps every comment", async () => {
    const { path, original } = await freshCopy("edit.yaml");
    const result = await updateConfigFile(path, (doc) => {
      setIn(doc, ["port"], 9999);
      setIn(doc, ["remote-management", "allow-remote"], true);
    });
    assert.equal(result.config.port, 9999);
    const expected = original
      .replace("\nport: 8317\n", "\nport: 9999\n")
      .replace("  allow-remote: false\n", "  allow-remote: true\n");
    assert.equal(await readFile(path, "utf8"), expected);
  });

  it("adds new structures and can delete keys", async () => {
    const { path } = await freshCopy("add.yaml");
    await updateConfigFile(path, (doc) => {
      setIn(doc, ["claude-api-key"], [{ "api-key": "sk-new", "base-url": "https://c.example" }]);
      setIn(doc, ["routing", "strategy"], "fill-first");
      assert.equal(deleteIn(doc, ["debug"]), true);
      assert.equal(deleteIn(doc, ["no", "such", "key"]), false);
    });
    const text = await readFile(path, "utf8");
    assert.match(text, /claude-api-key:\n {2}- api-key: sk-new\n {4}base-url: https:\/\/c\.example\n/);
    assert.match(text, /# Turn off Claude request cloaking/);
    assert.doesNotMatch(text, /^debug:/m);
    const { config } = await loadConfigFile(path);
    assert.equal(config.routing.strategy, "fill-first");
    assert.equal(config["claude-api-key"][0]["api-key"], "sk-new");
  });

  it("rejects an invalid edit and leaves the file untouched", async () => {
    const { path, original } = await freshCopy("invalid.yaml");
    const before = await stat(path);
    await assert.rejects(
      updateConfigFile(path, (doc) => setIn(doc, ["port"], "not-a-port")),
      (err: ConfigError) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.problems[0], /invalid\.yaml:\d+:7 port: expected an integer between 1 and 65535/);
        return true;
      },
    );
    assert.equal(await readFile(path, "utf8"), original);
    assert.equal((await stat(path)).ino, before.ino);
    assert.deepEqual(
      (await readdir(dir)).filter((f) => f.endsWith(".tmp")),
      [],
    );
  });

  it("refuses to edit a file that is not valid YAML", async () => {
    const path = join(dir, "broken.yaml");
    await writeFile(path, "port: [1\n");
    await assert.rejects(
      updateConfigFile(path, (doc) => setIn(doc, ["debug"], true)),
      ConfigError,
    );
    assert.equal(await readFile(path, "utf8"), "port: [1\n");
  });

  it("replaces the file atomically, keeping its mode and symlinks", async () => {
    const { path } = await freshCopy("target.yaml");
    await chmod(path, 0o640);
    const link = join(dir, "link.yaml");
    await symlink(path, link);
    const inodeBefore = (await stat(path)).ino;
    await updateConfigFile(link, (doc) => setIn(doc, ["debug"], true));
    const after = await stat(path);
    assert.notEqual(after.ino, inodeBefore, "a new file was renamed into place");
    assert.equal(after.mode & 0o777, 0o640);
    assert.ok((await lstat(link)).isSymbolicLink(), "the symlink is kept");
    assert.equal((await loadConfigFile(path)).config.debug, true);
    assert.deepEqual(
      (await readdir(dir)).filter((f) => f.endsWith(".tmp")),
      [],
    );
  });

  it("waits out a non-atomic save caught between truncate and write instead of editing an empty file", async () => {
    const { path, original } = await freshCopy("mid-save.yaml");
    await writeFile(path, ""); // the writer has truncated...
    const later = setTimeout(() => writeFile(path, original), 60); // ...and writes a moment later
    try {
      const result = await updateConfigFile(path, (doc) => setIn(doc, ["debug"], true));
      assert.equal(result.config.debug, true);
      const text = await readFile(path, "utf8");
      assert.equal(text, original.replace(/^debug: false$/m, "debug: true"));
    } finally {
      clearTimeout(later);
    }
  });

  it("redoes the edit when the file was saved by someone else while the edit was computed", async () => {
    const { path, original } = await freshCopy("raced.yaml");
    let calls = 0;
    await updateConfigFile(path, async (doc) => {
      calls++;
      // An editor saves a change of its own while ours is being computed (first attempt only).
      if (calls === 1) await writeFile(path, original.replace(/^port: 8317$/m, "port: 9001"));
      setIn(doc, ["debug"], true);
    });
    assert.equal(calls, 2);
    const { config } = await loadConfigFile(path);
    assert.equal(config.port, 9001, "the editor's change is kept");
    assert.equal(config.debug, true, "and ours is applied on top");
  });

  it("still edits a file that really is empty", async () => {
    const path = join(dir, "empty.yaml");
    await writeFile(path, "");
    await updateConfigFile(path, (doc) => setIn(doc, ["debug"], true));
    assert.equal(await readFile(path, "utf8"), "debug: true\n");
  });

  it("serialises concurrent edits of the same file", async () => {
    const { path } = await freshCopy("concurrent.yaml");
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        updateConfigFile(path, (doc) => {
          const keys = (doc.getIn(["api-keys"]) as { toJSON(): string[] }).toJSON();
          setIn(doc, ["api-keys"], [...keys, `added-${i}`]);
        }),
      ),
    );
    const { config } = await loadConfigFile(path);
    assert.deepEqual(config["api-keys"].filter((k) => k.startsWith("added-")).sort(), [
      "added-0",
      "added-1",
      "added-2",
      "added-3",
      "added-4",
    ]);
  });

  it("writeFileAtomic cleans up its temporary file when the rename fails", async () => {
    const target = join(dir, "a-directory");
    await mkdir(join(target, "child"), { recursive: true });
    await assert.rejects(writeFileAtomic(target, "data"));
    assert.deepEqual(
      (await readdir(dir)).filter((f) => f.endsWith(".tmp")),
      [],
    );
  });

  it("writeFileAtomic creates new files private to the owner", async () => {
    const path = join(dir, "new-secret.yaml");
    await writeFileAtomic(path, "port: 1\n");
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal(await readFile(path, "utf8"), "port: 1\n");
  });
});

describe("config: watcher", () => {
  const DEBOUNCE_MS = 40;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "cpa-config-watch-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function startWatching(name: string, initial: string, debounceMs = DEBOUNCE_MS) {
    const path = join(dir, name);
    await writeFile(path, initial);
    const changes: LoadedConfig[] = [];
    const invalid: Error[] = [];
    const watcher = watchConfigFile(
      path,
      (r) => changes.push(r),
      (e) => invalid.push(e),
      { debounceMs },
    );
    await watcher.ready;
    return { path, changes, invalid, watcher };
  }

  it("fires once for a burst of writes, with the final content", async () => {
    const burstDebounceMs = 200; // wide enough that a loaded machine cannot split the burst
    const w = await startWatching("burst.yaml", "port: 8000\n", burstDebounceMs);
    try {
      for (let i = 1; i <= 5; i++) await writeFile(w.path, `port: ${8000 + i}\n`);
      await waitFor(() => w.changes.length > 0);
      await sleep(burstDebounceMs * 2);
      assert.equal(w.changes.length, 1);
      assert.equal(w.changes[0].config.port, 8005);
      assert.deepEqual(w.invalid, []);
    } finally {
      await w.watcher.close();
    }
  });

  it("reports an invalid edit and recovers on the next valid one", async () => {
    const w = await startWatching("invalid.yaml", "port: 8000\n");
    try {
      await writeFile(w.path, "port: 8000\ndebug: perhaps\n");
      await waitFor(() => w.invalid.length > 0);
      const err = w.invalid[0] as ConfigError;
      assert.ok(err instanceof ConfigError);
      assert.deepEqual(err.problems, [`${w.path}:2:8 debug: expected true or false, got "perhaps"`]);
      assert.equal(w.changes.length, 0);
      await writeFile(w.path, "port: 8000\ndebug: true\n");
      await waitFor(() => w.changes.length > 0);
      assert.equal(w.changes[0].config.debug, true);
    } finally {
      await w.watcher.close();
    }
  });

  it("survives editors that replace the file by renaming a temporary file over it", async () => {
    const w = await startWatching("renamed.yaml", "port: 8000\n");
    try {
      for (const port of [8101, 8102]) {
        const temp = join(dir, `.renamed.yaml.${port}.swp`);
        await writeFile(temp, `port: ${port}\n`);
        await rename(temp, w.path);
        await waitFor(() => w.changes.some((c) => c.config.port === port));
      }
      await writeFile(w.path, "port: 8103\n");
      await waitFor(() => w.changes.some((c) => c.config.port === 8103));
      assert.deepEqual(
        w.changes.map((c) => c.config.port),
        [8101, 8102, 8103],
      );
    } finally {
      await w.watcher.close();
    }
  });

  it("ignores a rewrite with identical content and writes to other files", async () => {
    const w = await startWatching("same.yaml", "port: 8000\n");
    try {
      await writeFile(w.path, "port: 8000\n");
      await writeFile(join(dir, "neighbour.yaml"), "port: x\n");
      await sleep(DEBOUNCE_MS * 6);
      assert.deepEqual(w.changes, []);
      assert.deepEqual(w.invalid, []);
    } finally {
      await w.watcher.close();
    }
  });

  it("fires for its own write-back through updateConfigFile", async () => {
    const w = await startWatching("self.yaml", "port: 8000\n");
    try {
      await updateConfigFile(w.path, (doc) => setIn(doc, ["port"], 8200));
      await waitFor(() => w.changes.length > 0);
      assert.equal(w.changes[0].config.port, 8200);
    } finally {
      await w.watcher.close();
    }
  });

  it("reports a removed file and stops after close", async () => {
    const w = await startWatching("removed.yaml", "port: 8000\n");
    await rm(w.path);
    await waitFor(() => w.invalid.length > 0);
    assert.match(w.invalid[0].message, /the config file was removed/);
    await w.watcher.close();
    await writeFile(w.path, "port: 8300\n");
    await sleep(DEBOUNCE_MS * 4);
    assert.deepEqual(w.changes, []);
  });
});

describe("config: bootstrap", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "cpa-config-boot-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("copies the example when the config is missing, creating directories", async () => {
    const path = join(dir, "nested", "deeper", "config.yaml");
    assert.deepEqual(await ensureConfigFile(path, EXAMPLE_PATH), { created: true });
    assert.equal(await readFile(path, "utf8"), await readFile(EXAMPLE_PATH, "utf8"));
  });

  it("never overwrites an existing config", async () => {
    const path = join(dir, "existing.yaml");
    await writeFile(path, "port: 1234\n");
    assert.deepEqual(await ensureConfigFile(path, EXAMPLE_PATH), { created: false });
    assert.equal(await readFile(path, "utf8"), "port: 1234\n");
  });
});
