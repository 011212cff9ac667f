/**
 * `npm run demo`: the proxy in front of the built-in fake upstream, so every endpoint answers
 * without any real account. Prints curl lines that work as printed.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { startFakeUpstream } from "../src/fake-upstream/server.ts";
import { startProxy } from "../src/start.ts";

const port = Number(process.env.PORT ?? 8317);
const upstreamPort = Number(process.env.FAKE_UPSTREAM_PORT ?? 0);
const dir = resolve(".demo");
mkdirSync(dir, { recursive: true });

const upstream = await startFakeUpstream({ host: "127.0.0.1", port: upstreamPort });
const configPath = join(dir, "config.yaml");
writeFileSync(
  configPath,
  `# Demo config written by npm run demo: every provider points at the fake upstream.
host: "127.0.0.1"
port: ${port}
auth-dir: "${join(dir, "auth")}"
api-keys:
  - "demo-key"
logging-to-file: false
openai-compatibility:
  - name: "fake"
    base-url: "${upstream.url}/v1"
    api-key-entries:
      - api-key: "fake-key-1"
      - api-key: "fake-key-2"
    models:
      - name: "fake-echo"
        alias: "demo-gpt"
      - name: "fake-tool-call"
        alias: "demo-tools"
      - name: "fake-reasoning"
        alias: "demo-reasoning"
claude-api-key:
  - api-key: "fake-claude-key"
    base-url: "${upstream.url}"
    models:
      - name: "claude-fake-echo"
        alias: "demo-claude"
gemini-api-key:
  - api-key: "fake-gemini-key"
    base-url: "${upstream.url}"
    models:
      - name: "gemini-fake-echo"
        alias: "demo-gemini"
codex-api-key:
  - api-key: "fake-codex-key"
    base-url: "${upstream.url}/v1"
    models:
      - name: "gpt-fake-echo"
        alias: "demo-codex"
`,
);

const proxy = await startProxy({ configPath });
const u = proxy.url;
const auth = `-H "Authorization: Bearer demo-key" -H "Content-Type: application/json"`;
process.stdout.write(`
CLI Proxy API demo is running at ${u} (fake upstream at ${upstream.url}).
Config: ${configPath}   Client API key: demo-key   Stop with Ctrl-C.

  curl ${u}/v1/models -H "Authorization: Bearer demo-key"

  curl ${u}/v1/chat/completions ${auth} \\
    -d '{"model":"demo-gpt","messages":[{"role":"user","content":"Hello!"}]}'

  curl -N ${u}/v1/chat/completions ${auth} \\
    -d '{"model":"demo-gpt","stream":true,"messages":[{"role":"user","content":"Stream please"}]}'

  curl ${u}/v1/messages ${auth} -H "anthropic-version: 2023-06-01" \\
    -d '{"model":"demo-claude","max_tokens":256,"messages":[{"role":"user","content":"Hello Claude"}]}'

  curl ${u}/v1/chat/completions ${auth} \\
    -d '{"model":"demo-claude","messages":[{"role":"user","content":"OpenAI client, Anthropic upstream"}]}'

  curl "${u}/v1beta/models/demo-gemini:generateContent?key=demo-key" -H "Content-Type: application/json" \\
    -d '{"contents":[{"role":"user","parts":[{"text":"Hello Gemini"}]}]}'

  curl -N "${u}/v1beta/models/demo-gpt:streamGenerateContent?alt=sse&key=demo-key" -H "Content-Type: application/json" \\
    -d '{"contents":[{"role":"user","parts":[{"text":"Gemini client, OpenAI upstream"}]}]}'

  curl ${u}/v1/responses ${auth} -d '{"model":"demo-codex","input":"Hello Responses"}'

  curl ${u}/api/chat ${auth} -d '{"model":"demo-gpt","stream":false,"messages":[{"role":"user","content":"Hello Ollama"}]}'

`);

const stop = async () => {
  await proxy.close(2000);
  await upstream.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
