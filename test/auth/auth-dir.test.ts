import assert from "node:assert/strict";
import { readFile, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { authFileStatuses } from "../../src/auth/index.ts";
import { appLogs } from "../../src/management/log-ring.ts";
import {
  type AuthHarness,
  claudeCall,
  claudeFile,
  codexCall,
  codexFile,
  lastRequest,
  oauthCredentials,
  startAuthHarness,
  waitFor,
} from "./helpers.ts";

// An existing auth-dir written by the Go original is served unchanged, and the directory is
// followed live: files added, changed, removed, broken.

describe("auth-dir accounts", () => {
  let h: AuthHarness;
  before(async () => {
    process.env.LOG_LEVEL = "warn"; // the skipped-file line is a warning
    h = await startAuthHarness({
      "codex-go@example.com-plus.json": codexFile({ access: "go-codex-at", accountId: "acct-go-1" }),
      "claude-claude@example.com.json": claudeFile({ access: "go-claude-at" }),
    });
  });
  after(() => h.close());

  it("serves a Go-style Codex file on the ChatGPT backend with bearer and account id", async () => {
    const res = await codexCall(h, "ping");
    assert.equal(res.status, 200);
    assert.match(await res.text(), /response\.completed/);
    const seen = lastRequest(h, "/backend-api/codex/responses");
    assert.equal(seen.headers.authorization, "Bearer go-codex-at");
    assert.equal(seen.headers["chatgpt-account-id"], "acct-go-1");
    assert.equal(seen.headers.originator, "codex_cli_rs");
    assert.equal(seen.headers.accept, "text/event-stream");
    assert.equal(seen.body.model, "gpt-5");
  });

  it("serves a Go-style Claude file with the bearer and the OAuth beta", async () => {
    const res = await claudeCall(h);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as any).content[0].text, "echo: hi");
    const seen = lastRequest(h, "/v1/messages");
    assert.equal(seen.headers.authorization, "Bearer go-claude-at");
    assert.equal(seen.headers["x-api-key"], undefined);
    assert.ok(String(seen.headers["anthropic-beta"]).split(",").includes("oauth-2025-04-20"));
    assert.equal(seen.headers["anthropic-version"], "2023-06-01");
    assert.equal(seen.query.beta, "true");
  });

  it("sends the ChatGPT backend's body rules and collects its stream for a non-stream client", async () => {
    const res = await codexCall(h, "unary", false);
    assert.equal(res.status, 200);
    const body = (await res.json()) as any;
    assert.equal(body.object, "response");
    assert.equal(body.output[0].content[0].text, "echo: unary");
    const seen = lastRequest(h, "/backend-api/codex/responses");
    assert.equal(seen.body.stream, true);
    assert.equal(seen.body.store, false);
    assert.equal(seen.body.instructions, "");
  });

  it("puts the Claude Code identity first in the system prompt and keeps the client's betas", async () => {
    const res = await claudeCall(h, { "anthropic-beta": "context-1m-2025-08-07" });
    assert.equal(res.status, 200);
    const seen = lastRequest(h, "/v1/messages");
    assert.equal(seen.body.system[0].text, "You are Claude Code, Anthropic's official CLI for Claude.");
    assert.equal(seen.body.system[1].text, "Be brief.");
    const betas = String(seen.headers["anthropic-beta"]).split(",");
    assert.ok(betas.includes("oauth-2025-04-20") && betas.includes("context-1m-2025-08-07"));
  });

  it("picks up a copied file and forgets a removed one without a restart", async () => {
    const name = "codex-new@example.com.json";
    await h.writeAuth(
      name,
      codexFile({ access: "hot-added-at", email: "new@example.com", accountId: "acct-hot" }),
    );
    await waitFor(() => oauthCredentials(h).has(name));
    // Two Codex accounts now rotate; both get used.
    const used = new Set<string>();
    for (let i = 0; i < 4; i++) {
      assert.equal((await codexCall(h)).status, 200);
      used.add(String(lastRequest(h, "/backend-api/codex/responses").headers.authorization));
    }
    assert.deepEqual([...used].sort(), ["Bearer go-codex-at", "Bearer hot-added-at"]);

    await unlink(join(h.authDir, name));
    await waitFor(() => !oauthCredentials(h).has(name));
    for (let i = 0; i < 2; i++) await codexCall(h);
    assert.equal(lastRequest(h, "/backend-api/codex/responses").headers.authorization, "Bearer go-codex-at");
  });

  it("follows an edited file, and ignores a rewrite with identical content", async () => {
    const name = "claude-claude@example.com.json";
    await h.writeAuth(
      name,
      claudeFile({ access: "edited-claude-at", extra: { priority: 3, prefix: "team" } }),
    );
    await waitFor(() => oauthCredentials(h).get(name)?.apiKey === "edited-claude-at");
    const cred = oauthCredentials(h).get(name)!;
    assert.equal(cred.priority, 3);
    assert.equal(cred.prefix, "team");
    assert.ok(h.proxy.runtime.registry.resolve("team/claude-sonnet-4-5-20250929"));

    // The same bytes again: the store must not reload the file (a config reload elsewhere may
    // still rebuild the registry, so the store's own log is what tells).
    const before = appLogs.lastSeq;
    await h.writeAuth(
      name,
      claudeFile({ access: "edited-claude-at", extra: { priority: 3, prefix: "team" } }),
    );
    await new Promise((r) => setTimeout(r, 400));
    const reloads = appLogs.read({ afterSeq: before }).filter((e) => e.line.includes(name));
    assert.deepEqual(
      reloads.map((e) => e.line),
      [],
      "same content must not reload the file",
    );
  });

  it("a file caught between truncate and write (a non-atomic save) is read once it settles", async () => {
    const name = "claude-claude@example.com.json";
    const content = await readFile(join(h.authDir, name), "utf8");
    const before = appLogs.lastSeq;
    await writeFile(join(h.authDir, name), "");
    await new Promise((r) => setTimeout(r, 60));
    await writeFile(join(h.authDir, name), content);
    await new Promise((r) => setTimeout(r, 400));
    const lines = appLogs.read({ afterSeq: before }).filter((e) => e.line.includes(name));
    // Neither "skipped" (the empty read) nor "loaded" (the same content read as new).
    assert.deepEqual(
      lines.map((e) => e.line),
      [],
    );
  });

  it("skips a malformed file with one log line, and keeps serving the others", async () => {
    const before = appLogs.lastSeq;
    await writeFile(join(h.authDir, "broken.json"), '{"type": "codex", "access_token": ');
    await waitFor(() => authFileStatuses(h.proxy.runtime).some((s) => s.name === "broken.json"));
    const status = authFileStatuses(h.proxy.runtime).find((s) => s.name === "broken.json")!;
    assert.equal(status.status, "error");
    assert.match(status.status_message ?? "", /not valid JSON/);
    await new Promise((r) => setTimeout(r, 300)); // the watcher's re-check must stay silent
    const lines = appLogs.read({ afterSeq: before }).filter((e) => e.line.includes("broken.json"));
    assert.equal(lines.length, 1);
    assert.match(lines[0].line, /auth file skipped/);
    assert.equal((await codexCall(h)).status, 200);
  });

  it("applies oauth-excluded-models and oauth-model-alias per channel, live on config change", async () => {
    const config = await readFile(h.configPath, "utf8");
    await writeFile(
      h.configPath,
      `${config}
oauth-excluded-models:
  codex: ["gpt-5-mini"]
oauth-model-alias:
  claude:
    - name: "claude-sonnet-4-5-20250929"
      alias: "sonnet"
`,
    );
    await waitFor(() => h.proxy.runtime.registry.resolve("sonnet") !== undefined);
    const registry = h.proxy.runtime.registry;
    assert.equal(registry.resolve("sonnet")!.candidates[0].cred.kind, "oauth");
    assert.equal(registry.resolve("sonnet")!.candidates[0].upstreamModel, "claude-sonnet-4-5-20250929");
    assert.equal(registry.resolve("claude-sonnet-4-5-20250929"), undefined, "renamed, not forked");
    assert.ok(registry.resolve("claude-opus-4-1-20250805"), "the rest of the catalog stays");
    assert.equal(registry.resolve("gpt-5-mini"), undefined);
    assert.ok(registry.resolve("gpt-5"));
    await writeFile(h.configPath, config);
    await waitFor(() => h.proxy.runtime.registry.resolve("gpt-5-mini") !== undefined);
  });

  it("skips files without a token or of an unknown type, and honours disabled", async () => {
    await h.writeAuth("codex-empty.json", { type: "codex", email: "x@example.com" });
    await h.writeAuth("future-kind.json", { type: "no-such-kind", access_token: "x" });
    await h.writeAuth("codex-off.json", codexFile({ access: "off-at", extra: { disabled: true } }));
    await waitFor(
      () => authFileStatuses(h.proxy.runtime).filter((s) => /empty|future|off/.test(s.name)).length === 3,
    );
    const byName = new Map(authFileStatuses(h.proxy.runtime).map((s) => [s.name, s]));
    assert.match(byName.get("codex-empty.json")!.status_message!, /access_token/);
    assert.match(byName.get("future-kind.json")!.status_message!, /not supported/);
    assert.equal(byName.get("codex-off.json")!.status, "disabled");
    assert.ok(![...oauthCredentials(h).keys()].some((n) => /empty|future|off/.test(n)));
  });
});
