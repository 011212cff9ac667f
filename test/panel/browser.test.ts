import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { appLogs } from "../../src/management/log-ring.ts";
import { VERSION } from "../../src/server/version.ts";
import { startHarness } from "../helpers/harness.ts";
import { call, type Harness, managedConfig, SECRET } from "../management/helpers.ts";

// The control panel driven in Debian's Chromium, against a real proxy and fake upstream.
// A real OAuth login needs the provider, and usage numbers depend on traffic, so those answers
// are supplied by the test (page.route) where exact content is checked.

const CHROMIUM = "/usr/bin/chromium";
const skip = existsSync(CHROMIUM)
  ? false
  : `Debian's chromium is not installed at ${CHROMIUM} (apt-get install chromium; .ci/run installs it)`;

const GEMINI_KEY = "AIzaPanelTestKey0001";
const CLIENT_KEY = "sk-panel-test-client-key";

const providers = (upstreamUrl: string) => `
gemini-api-key:
  - api-key: "${GEMINI_KEY}"
openai-compatibility:
  - name: "fake"
    base-url: "${upstreamUrl}/v1"
    api-key-entries:
      - api-key: "upstream-key-1"
    models:
      - name: "fake-echo"
        alias: "echo-model"
`;

const USAGE_FIXTURE = {
  usage: {
    total_requests: 1234,
    success_count: 1200,
    failure_count: 34,
    total_tokens: 98765,
    requests_by_day: { "2025-03-01": 1000, "2025-03-03": 234 },
    requests_by_hour: { "09": 700, "17": 534 },
    tokens_by_day: { "2025-03-01": 90000, "2025-03-03": 8765 },
    tokens_by_hour: { "09": 50000, "17": 48765 },
    apis: {
      "sk-a…1111": {
        total_requests: 1000,
        total_tokens: 90000,
        models: {
          "model-alpha": { total_requests: 900, total_tokens: 80000, details: [] },
          "model-beta": { total_requests: 100, total_tokens: 10000, details: [] },
        },
      },
      "sk-b…2222": {
        total_requests: 234,
        total_tokens: 8765,
        models: { "model-alpha": { total_requests: 234, total_tokens: 8765, details: [] } },
      },
    },
  },
  failed_requests: 34,
};

async function chat(h: Harness, key: string): Promise<number> {
  const res = await fetch(`${h.proxy.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "echo-model", messages: [{ role: "user", content: "hi" }] }),
  });
  await res.arrayBuffer();
  return res.status;
}

describe("control panel in Chromium", { skip }, () => {
  let h: Harness;
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  const requestedUrls: string[] = [];

  before(async () => {
    h = await startHarness((url, dir) => managedConfig(dir, providers(url)));
    await mkdir(join(h.dir, "auth"), { recursive: true });
    await writeFile(
      join(h.dir, "auth", "codex-user.json"),
      JSON.stringify({ type: "codex", email: "user@example.com", access_token: "secret-token" }),
    );
    profile = await mkdtemp(join(tmpdir(), "cpa-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      locale: "en-US",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = await context.newPage();
    page.setDefaultTimeout(8000);
    page.on("pageerror", (err) => pageErrors.push(err.message));
    page.on("request", (req) => requestedUrls.push(req.url()));
    await page.goto(`${h.proxy.url}/management.html`);
  });

  after(async () => {
    await context?.close();
    await h?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it("refuses a wrong key and says so", async () => {
    await page.getByLabel("Management key").fill("not-the-key");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("alert").filter({ hasText: "Wrong management key." }).waitFor();
    assert.equal(await page.locator("#panel").isHidden(), true);
  });

  it("logs in from the keyboard and shows status, credentials and masked provider keys", async () => {
    await page.getByLabel("Management key").fill(SECRET);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Server status" }).waitFor();
    await page.locator("#status-list").getByText(VERSION, { exact: true }).waitFor();
    assert.equal(await page.evaluate("sessionStorage.length"), 1);

    const row = page.getByRole("row", { name: /codex-user\.json/ });
    await row.waitFor();
    assert.match((await row.textContent()) ?? "", /codex[\s\S]*user@example\.com[\s\S]*active/);
    const enabled = page.getByRole("checkbox", { name: "codex-user.json enabled" });
    assert.equal(await enabled.isChecked(), true);
    await enabled.uncheck();
    await page.getByText("codex-user.json disabled.").waitFor();
    const files = await call(h, "GET", "auth-files");
    assert.equal(files.body.files[0].disabled, true);

    await page.getByText("AIza…0001").waitFor();
    await page.getByRole("row", { name: /fake/ }).getByText("upst…ey-1").waitFor();
    const text = (await page.locator("body").textContent()) ?? "";
    assert.ok(!text.includes(GEMINI_KEY) && !text.includes("upstream-key-1"), "provider keys are masked");
  });

  it("adds a client API key that is persisted and authorises requests", async () => {
    assert.equal(await chat(h, CLIENT_KEY), 401);
    await page.getByLabel("New client key").fill(CLIENT_KEY);
    await page.getByRole("button", { name: "Add key" }).click();
    await page.getByText("Key added.").waitFor();
    await page.getByRole("listitem").filter({ hasText: "Key 3:" }).waitFor();

    const keys = await call(h, "GET", "api-keys");
    assert.deepEqual(keys.body["api-keys"], ["client-key-1", "client-key-2", CLIENT_KEY]);
    assert.match(await readFile(h.configPath, "utf8"), new RegExp(CLIENT_KEY));
    assert.equal(await chat(h, CLIENT_KEY), 200);
  });

  it("switches the routing strategy", async () => {
    await page.getByLabel("How credentials are chosen").selectOption("fill-first");
    await page.getByRole("button", { name: "Save strategy" }).click();
    await page.getByText("Routing strategy is now fill-first.").waitFor();
    const strategy = await call(h, "GET", "routing/strategy");
    assert.equal(strategy.body.strategy, "fill-first");
  });

  it("shows a bad config edit's problem with its line, and writes nothing", async () => {
    const editor = page.getByLabel("Configuration file");
    const loaded = await editor.inputValue();
    assert.match(loaded, /request-retry: 0/);
    const line = loaded.split("\n").findIndex((l) => l.startsWith("request-retry:")) + 1;
    await editor.fill(loaded.replace("request-retry: 0", "request-retry: lots"));
    const save = page.getByRole("button", { name: "Save config" });

    // The file changed on the server since the editor loaded it (the key and strategy above).
    await save.click();
    await page.getByText(/changed on the server since it was loaded/).waitFor();
    await save.click();
    const problem = page.locator("#config-problems li").first();
    await problem.waitFor();
    assert.match(
      (await problem.textContent()) ?? "",
      new RegExp(`^Line ${line}, column \\d+: request-retry: expected an integer`),
    );
    assert.doesNotMatch(await readFile(h.configPath, "utf8"), /lots/);

    await problem.getByRole("button").click();
    // The page's own types are not in this (Node) program: describe the textarea's fields.
    type Area = { value: string; selectionStart: number; selectionEnd: number };
    const [caretLine, selected] = await editor.evaluate((el: Area) => [
      el.value.slice(0, el.selectionStart).split("\n").length,
      el.value.slice(el.selectionStart, el.selectionEnd),
    ]);
    assert.equal(caretLine, line);
    // From the reported column to the end of that line: the bad value.
    assert.equal(selected, "lots");
    assert.equal(await page.evaluate("document.activeElement?.id"), "config-text");
  });

  it("shows new log lines as they are logged, and clears them", async () => {
    appLogs.push(JSON.stringify({ level: 40, time: Date.now(), msg: "panel-test-marker", detail: 7 }));
    const line = page.getByRole("log").getByText(/panel-test-marker/);
    await line.waitFor({ timeout: 10_000 });
    assert.match((await line.textContent()) ?? "", /WARN panel-test-marker \{"detail":7\}/);
    await page.getByRole("button", { name: "Clear logs" }).click();
    await page.getByText(/^Cleared \d+ line/).waitFor();
    assert.equal(await page.getByRole("log").locator("li").count(), 0);
  });

  it("renders the usage section from the server, then charts a known snapshot", async () => {
    await page.locator("#usage-totals").getByText("Requests", { exact: true }).waitFor();
    await page.getByText("Requests per day").waitFor();

    await page.route("**/v0/management/usage", (route) => route.fulfill({ json: USAGE_FIXTURE }));
    await page.getByRole("button", { name: "Refresh usage" }).click();
    await page.locator("#usage-totals").getByText("1,234").waitFor();
    const perDay = page.getByRole("figure", { name: "Requests per day" });
    // 1 to 3 March: the missing 2nd is drawn as zero.
    assert.equal(await perDay.locator("rect.bar").count(), 3);
    assert.match(
      (await perDay.getByRole("img").getAttribute("aria-label")) ?? "",
      /total 1,234, highest 1,000 at 03-01/,
    );
    assert.equal(
      await page.getByRole("figure", { name: "Requests by hour of day" }).locator("rect.bar").count(),
      24,
    );
    const perModel = page.getByRole("figure", { name: "Requests per model" });
    assert.match(
      (await perModel.getByRole("img").getAttribute("aria-label")) ?? "",
      /highest 1,134 at model-alpha/,
    );
    const perKey = page.getByRole("figure", { name: "Tokens per client key" });
    assert.equal(await perKey.locator("rect.bar").count(), 2);
    await page.unroute("**/v0/management/usage");
  });

  it("runs an OAuth login to completion, and says when a provider is not available", async () => {
    let polls = 0;
    let callbackBody: unknown;
    await page.route("**/v0/management/codex-auth-url?*", (route) =>
      route.fulfill({ json: { status: "ok", url: "https://auth.example.invalid/start", state: "st-1" } }),
    );
    await page.route("**/v0/management/oauth-callback", (route) => {
      callbackBody = route.request().postDataJSON();
      return route.fulfill({ json: { status: "ok" } });
    });
    await page.route("**/v0/management/get-auth-status?*", (route) => {
      assert.equal(new URL(route.request().url()).searchParams.get("state"), "st-1");
      polls++;
      return route.fulfill({ json: callbackBody && polls > 1 ? { status: "ok" } : { status: "wait" } });
    });
    await page.getByRole("button", { name: "Sign in with OpenAI Codex" }).click();
    const link = page.getByRole("link", { name: "Open the OpenAI Codex sign-in page" });
    assert.equal(await link.getAttribute("href"), "https://auth.example.invalid/start");
    // The provider's redirect could not reach this server: paste where the browser ended up.
    const redirect = "http://localhost:1455/auth/callback?code=c-1&state=st-1";
    await page.getByLabel(/paste the address it ended on/).fill(redirect);
    await page.getByRole("button", { name: "Finish sign-in" }).click();
    await page.getByText("Signed in to OpenAI Codex; the credential was saved.").waitFor();
    assert.deepEqual(callbackBody, { provider: "codex", redirect_url: redirect });
    assert.ok(polls >= 2);

    // A server without the provider's route answers the API's plain 404.
    await page.route("**/v0/management/iflow-auth-url?*", (route) =>
      route.fulfill({ status: 404, json: { error: "not found" } }),
    );
    await page.getByRole("button", { name: "Sign in with iFlow" }).click();
    await page.getByText("Not available in this version.").waitFor();
    await page.unrouteAll();
  });

  it("fits a narrow window and never puts the key in a URL", async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    const overflow = (await page.evaluate(
      "document.documentElement.scrollWidth - window.innerWidth",
    )) as number;
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the window`);
    assert.ok(requestedUrls.length > 10);
    for (const url of requestedUrls) assert.ok(!url.includes(SECRET), url);
    assert.deepEqual(pageErrors, []);
  });

  it("logs out and forgets the key", async () => {
    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByLabel("Management key").waitFor();
    assert.equal(await page.evaluate("sessionStorage.length"), 0);
    assert.equal(await page.getByLabel("Configuration file").inputValue(), "");
  });
});
