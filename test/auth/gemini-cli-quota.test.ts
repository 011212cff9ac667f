import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import { parse } from "yaml";
import { inputTokens } from "../../src/fake-upstream/answer.ts";
import { readGeminiRequest } from "../../src/fake-upstream/gemini.ts";
import { PREVIEW_FALLBACKS } from "../../src/providers/gemini-cli.ts";
import { addAccount, geminiFile, googleEnv, removeAccount } from "./google-helpers.ts";
import { type AuthHarness, management, startAuthHarness, waitFor } from "./helpers.ts";

// quota-exceeded.switch-preview-model / switch-project for Gemini CLI accounts, and countTokens
// on Code Assist, driven through the proxy's HTTP surfaces against the fake upstream, whose
// `quota.exhaust(model, {project})` answers 429 the way Code Assist does for a spent quota.

async function chat(h: AuthHarness, model: string): Promise<Response> {
  return fetch(`${h.proxy.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hello" }] }),
  });
}

/** Code Assist generation calls since the last reset: [project, model, bearer]. */
function generations(h: AuthHarness): Array<[string, string, string]> {
  return h.upstream.requests
    .filter((r) => /\/v1internal:(stream)?[gG]enerateContent$/.test(r.path))
    .map((r) => [r.body.project, r.body.model, String(r.headers.authorization)]);
}

async function configValue(h: AuthHarness, key: string): Promise<unknown> {
  return parse(await readFile(h.configPath, "utf8"))["quota-exceeded"]?.[key];
}

/** Served models in the usage report (the Go shape keys models by the model that served). */
async function servedModels(h: AuthHarness): Promise<string[]> {
  const report = (await management(h, "GET", "usage")).body.usage;
  const names = new Set<string>();
  for (const api of Object.values<any>(report?.apis ?? {})) {
    for (const name of Object.keys(api?.models ?? {})) names.add(name);
  }
  return [...names];
}

describe("quota-exceeded.switch-preview-model (Gemini CLI)", () => {
  let h: AuthHarness;
  const PRO_PREVIEW = "gemini-2.5-pro-preview-fake";
  const LITE_PREVIEW = "gemini-2.5-flash-lite-preview-fake";
  before(async () => {
    h = await startAuthHarness({}, "usage-statistics-enabled: true\n");
    Object.assign(process.env, googleEnv(h.upstream.url));
    // The shipped table is empty (Google retired the previews); the mechanism is what is tested.
    PREVIEW_FALLBACKS.set("gemini-2.5-pro", [PRO_PREVIEW]);
    PREVIEW_FALLBACKS.set("gemini-2.5-flash", ["gemini-2.5-flash-preview-fake"]);
    PREVIEW_FALLBACKS.set("gemini-2.5-flash-lite", [LITE_PREVIEW]);
    await addAccount(
      h,
      "gemini-quota@example.com-pq.json",
      geminiFile({ access: "ya29.quota", project: "pq" }),
    );
  });
  after(async () => {
    PREVIEW_FALLBACKS.clear();
    h.upstream.quota.restore();
    await h.close();
  });

  it("a 429 on gemini-2.5-pro is retried on the preview model of the same account, which serves it", async () => {
    h.upstream.quota.exhaust("gemini-2.5-pro", { resetSeconds: 60 });
    h.upstream.reset();
    const res = await chat(h, "gemini-2.5-pro");
    assert.equal(res.status, 200, await res.clone().text());
    const answer = (await res.json()) as any;
    assert.equal(answer.model, "gemini-2.5-pro", "the client's model name, not the preview's");
    assert.ok(answer.choices[0].message.content.length > 0);
    assert.deepEqual(generations(h), [
      ["pq", "gemini-2.5-pro", "Bearer ya29.quota"],
      ["pq", PRO_PREVIEW, "Bearer ya29.quota"],
    ]);

    // The spent model is remembered: the next call goes to the preview at once, here a Gemini
    // client streaming; the preview's modelVersion does not reach the client.
    h.upstream.reset();
    const stream = await fetch(`${h.proxy.url}/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "again" }] }] }),
    });
    assert.equal(stream.status, 200);
    const text = await stream.text();
    assert.match(text, /"candidates"/);
    assert.ok(!text.includes(PRO_PREVIEW), text);
    assert.deepEqual(generations(h), [["pq", PRO_PREVIEW, "Bearer ya29.quota"]]);

    // A Gemini CLI client passed through: the preview in the body upstream, its own name back.
    h.upstream.reset();
    const cli = await fetch(`${h.proxy.url}/v1internal:generateContent`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "gemini-2.5-pro",
        project: "the-clients-own",
        request: { contents: [{ role: "user", parts: [{ text: "cli" }] }] },
      }),
    });
    assert.equal(cli.status, 200);
    const cliAnswer = (await cli.json()) as any;
    assert.equal(cliAnswer.response.modelVersion, "gemini-2.5-pro");
    assert.deepEqual(generations(h), [["pq", PRO_PREVIEW, "Bearer ya29.quota"]]);

    // Usage says which model served.
    await waitFor(async () => (await servedModels(h)).includes(PRO_PREVIEW));
  });

  it("turned off through management (live, persisted), the 429 is final; turned on again, it falls back", async () => {
    assert.deepEqual((await management(h, "GET", "quota-exceeded/switch-preview-model")).body, {
      "switch-preview-model": true,
    });
    const off = await management(h, "PUT", "quota-exceeded/switch-preview-model", { value: false });
    assert.deepEqual(off, { status: 200, body: { status: "ok" } });
    assert.deepEqual((await management(h, "GET", "quota-exceeded/switch-preview-model")).body, {
      "switch-preview-model": false,
    });
    assert.equal(await configValue(h, "switch-preview-model"), false);

    h.upstream.quota.exhaust("gemini-2.5-flash", { resetSeconds: 60 });
    h.upstream.reset();
    const res = await chat(h, "gemini-2.5-flash");
    assert.equal(res.status, 429, await res.clone().text());
    assert.deepEqual(generations(h), [["pq", "gemini-2.5-flash", "Bearer ya29.quota"]], "no preview tried");

    const on = await management(h, "PATCH", "quota-exceeded/switch-preview-model", { value: true });
    assert.equal(on.status, 200);
    assert.equal(await configValue(h, "switch-preview-model"), true);
    h.upstream.quota.exhaust("gemini-2.5-flash-lite", { resetSeconds: 60 });
    h.upstream.reset();
    const lite = await chat(h, "gemini-2.5-flash-lite");
    assert.equal(lite.status, 200, await lite.clone().text());
    assert.deepEqual(
      generations(h).map((g) => g[1]),
      ["gemini-2.5-flash-lite", LITE_PREVIEW],
    );
  });

  it("a preview that fails otherwise (a retired build) is skipped: the client hears the quota 429", async () => {
    PREVIEW_FALLBACKS.set("gemini-3-pro-preview", ["gemini-3-pro-fake-bad-request"]);
    h.upstream.quota.exhaust("gemini-3-pro-preview", { resetSeconds: 60 });
    h.upstream.reset();
    const res = await chat(h, "gemini-3-pro-preview");
    assert.equal(res.status, 429, await res.clone().text());
    assert.match(((await res.json()) as any).error.message, /exhausted your capacity/);
    assert.deepEqual(
      generations(h).map((g) => g[1]),
      ["gemini-3-pro-preview", "gemini-3-pro-fake-bad-request"],
    );
  });

  it("a bad body is refused in the management envelope", async () => {
    const bad = await management(h, "PUT", "quota-exceeded/switch-preview-model", { value: "yes" });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /expected true or false/);
  });
});

describe("quota-exceeded.switch-project (Gemini CLI)", () => {
  let h: AuthHarness;
  before(async () => {
    h = await startAuthHarness();
    Object.assign(process.env, googleEnv(h.upstream.url));
  });
  after(async () => {
    h.upstream.quota.restore();
    await h.close();
  });

  it("an account with several projects moves to its next project when the first is out of quota", async () => {
    const name = "gemini-multi@example.com-all.json";
    await addAccount(h, name, geminiFile({ access: "ya29.multi", project: "p-one, p-two" }));
    try {
      h.upstream.quota.exhaust("gemini-2.5-pro", { project: "p-one", resetSeconds: 60 });
      h.upstream.reset();
      const res = await chat(h, "gemini-2.5-pro");
      assert.equal(res.status, 200, await res.clone().text());
      assert.deepEqual(generations(h), [
        ["p-one", "gemini-2.5-pro", "Bearer ya29.multi"],
        ["p-two", "gemini-2.5-pro", "Bearer ya29.multi"],
      ]);
      h.upstream.reset();
      assert.equal((await chat(h, "gemini-2.5-pro")).status, 200);
      assert.deepEqual(generations(h), [["p-two", "gemini-2.5-pro", "Bearer ya29.multi"]], "remembered");

      // reset-quota forgets the spent project too: the next call asks p-one again.
      const reset = await management(h, "POST", "reset-quota", { auth_index: name });
      assert.equal(reset.status, 200);
      assert.ok(reset.body.models.includes("gemini-2.5-pro@p-one"), JSON.stringify(reset.body));
      h.upstream.reset();
      assert.equal((await chat(h, "gemini-2.5-pro")).status, 200);
      assert.deepEqual(
        generations(h).map((g) => g[0]),
        ["p-one", "p-two"],
      );

      // switch-project false: the account keeps to its first project.
      assert.equal(
        (await management(h, "PUT", "quota-exceeded/switch-project", { value: false })).status,
        200,
      );
      h.upstream.quota.exhaust("gemini-3-pro-preview", { project: "p-one", resetSeconds: 60 });
      h.upstream.reset();
      assert.equal((await chat(h, "gemini-3-pro-preview")).status, 429);
      assert.deepEqual(generations(h), [["p-one", "gemini-3-pro-preview", "Bearer ya29.multi"]]);
      assert.equal(
        (await management(h, "PUT", "quota-exceeded/switch-project", { value: true })).status,
        200,
      );
    } finally {
      await removeAccount(h, name);
    }
  });

  it("false: the 429 reaches the client and the account cools; true: the request moves on at once", async () => {
    const first = "gemini-first@example.com-pa.json";
    const second = "gemini-second@example.com-pb.json";
    await addAccount(h, first, geminiFile({ access: "ya29.first", project: "pa", extra: { priority: 1 } }));
    await addAccount(h, second, geminiFile({ access: "ya29.second", project: "pb" }));
    try {
      const off = await management(h, "PATCH", "quota-exceeded/switch-project", { value: false });
      assert.deepEqual(off, { status: 200, body: { status: "ok" } });
      assert.deepEqual((await management(h, "GET", "quota-exceeded/switch-project")).body, {
        "switch-project": false,
      });
      assert.equal(await configValue(h, "switch-project"), false);

      h.upstream.quota.exhaust("gemini-2.5-flash", { project: "pa", resetSeconds: 40 });
      h.upstream.reset();
      const res = await chat(h, "gemini-2.5-flash");
      assert.equal(res.status, 429);
      const retryAfter = Number(res.headers.get("retry-after"));
      assert.ok(retryAfter > 30 && retryAfter <= 40, `retry-after ${retryAfter}`);
      assert.match(((await res.json()) as any).error.message, /exhausted your capacity/);
      assert.deepEqual(generations(h), [["pa", "gemini-2.5-flash", "Bearer ya29.first"]], "not moved on");

      // The spent account cools for the model: the next request goes to the other one.
      h.upstream.reset();
      assert.equal((await chat(h, "gemini-2.5-flash")).status, 200);
      assert.deepEqual(generations(h), [["pb", "gemini-2.5-flash", "Bearer ya29.second"]]);

      const on = await management(h, "PUT", "quota-exceeded/switch-project", { value: true });
      assert.equal(on.status, 200);
      assert.equal(await configValue(h, "switch-project"), true);
      h.upstream.quota.exhaust("gemini-2.5-flash-lite", { project: "pa", resetSeconds: 40 });
      h.upstream.reset();
      assert.equal((await chat(h, "gemini-2.5-flash-lite")).status, 200);
      assert.deepEqual(generations(h), [
        ["pa", "gemini-2.5-flash-lite", "Bearer ya29.first"],
        ["pb", "gemini-2.5-flash-lite", "Bearer ya29.second"],
      ]);
    } finally {
      await removeAccount(h, first);
      await removeAccount(h, second);
    }
  });
});

describe("countTokens with Gemini CLI accounts", () => {
  let h: AuthHarness;
  let anthropic: Anthropic;
  let genai: GoogleGenAI;
  before(async () => {
    h = await startAuthHarness(
      {},
      `oauth-model-alias:
  gemini:
    - name: "gemini-fake-bad-request"
      alias: "refused-count"
`,
    );
    Object.assign(process.env, googleEnv(h.upstream.url));
    await addAccount(
      h,
      "gemini-count@example.com-pc.json",
      geminiFile({ access: "ya29.count", project: "pc" }),
    );
    anthropic = new Anthropic({ baseURL: h.proxy.url, apiKey: "x", maxRetries: 0 });
    genai = new GoogleGenAI({ apiKey: "x", httpOptions: { baseUrl: h.proxy.url } });
  });
  after(async () => {
    h.upstream.quota.restore();
    await h.close();
  });

  const counts = () => h.upstream.requests.filter((r) => r.path.endsWith("/v1internal:countTokens"));
  /** What the fake upstream answers for a recorded countTokens body. */
  const upstreamCount = (body: any) => inputTokens(readGeminiRequest(body.request).inputChars);
  const long = "count every one of these words please ".repeat(40);

  it("Anthropic count_tokens asks Code Assist: {request: {model, contents, systemInstruction}}, no project", async () => {
    h.upstream.reset();
    const res = await anthropic.messages.countTokens({
      model: "gemini-2.5-pro",
      system: "be brief",
      messages: [{ role: "user", content: long }],
    });
    const [sent] = counts();
    assert.ok(sent, "the upstream was asked");
    assert.equal(sent.headers.authorization, "Bearer ya29.count");
    assert.equal(sent.body.project, undefined);
    assert.equal(sent.body.model, undefined);
    assert.equal(sent.body.request.model, "models/gemini-2.5-pro");
    assert.equal(sent.body.request.contents[0].parts[0].text, long);
    assert.equal(sent.body.request.systemInstruction.parts[0].text, "be brief");
    assert.equal(res.input_tokens, upstreamCount(sent.body));
  });

  it("Gemini countTokens and a Gemini CLI client's v1internal:countTokens are answered by Code Assist", async () => {
    h.upstream.reset();
    const res = await genai.models.countTokens({ model: "gemini-2.5-flash", contents: long });
    const cli = await fetch(`${h.proxy.url}/v1internal:countTokens`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        request: { model: "models/gemini-2.5-flash", contents: [{ role: "user", parts: [{ text: long }] }] },
      }),
    });
    assert.equal(cli.status, 200);
    const sent = counts();
    assert.equal(sent.length, 2);
    assert.equal(res.totalTokens, upstreamCount(sent[0].body));
    assert.deepEqual(await cli.json(), { totalTokens: upstreamCount(sent[1].body) });
    assert.equal(sent[1].body.request.model, "models/gemini-2.5-flash");
  });

  it("falls back to the local estimate when Code Assist cannot count (429); relays a refusal (400)", async () => {
    h.upstream.quota.exhaust("gemini-3-flash-preview");
    h.upstream.reset();
    const res = await anthropic.messages.countTokens({
      model: "gemini-3-flash-preview",
      messages: [{ role: "user", content: long }],
    });
    const [sent] = counts();
    assert.ok(sent, "the upstream was asked first");
    assert.ok(res.input_tokens > 0);
    assert.notEqual(res.input_tokens, upstreamCount(sent.body), "not the upstream's number: estimated");

    await assert.rejects(
      anthropic.messages.countTokens({ model: "refused-count", messages: [{ role: "user", content: "x" }] }),
      (e: any) => e.status === 400 && /Invalid request/.test(e.message),
    );
  });
});
