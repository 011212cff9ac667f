/**
 * routing.session-affinity through the real HTTP surface: a proxy in front of the fake upstream
 * with three Claude keys, clients of every inbound format, and which key the upstream saw.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import WebSocket from "ws";
import { type Harness, startHarness, waitFor } from "../helpers/harness.ts";
import { baseConfig, claudeKey, keysUsed, post } from "./helpers/client.ts";

/** Several client model names on one upstream model: each has its own round-robin cursor. */
const ALIASES = [
  "m",
  "m2",
  "m3",
  "grow",
  "f-claude",
  "f-chat",
  "f-resp",
  "f-gemini",
  "f-cli",
  "f-ws",
  "f-scope",
];
const MODELS = ALIASES.map((a) => ["fake-echo", a]) as Array<[string, string]>;

function config(
  url: string,
  dir: string,
  routing: { affinity: boolean; ttl?: string },
  opts: { limitA?: boolean; head?: string } = {},
): string {
  const r = `routing:\n  strategy: "round-robin"\n  session-affinity: ${routing.affinity}\n  session-affinity-ttl: "${routing.ttl ?? "1h"}"\nrequest-retry: 0\n${opts.head ?? ""}`;
  const limited = { "x-fake-scenario": "rate-limit", "x-fake-reset-seconds": "60" };
  return (
    baseConfig(dir, r) +
    "claude-api-key:\n" +
    claudeKey(url, "key-a", { models: MODELS, headers: opts.limitA ? limited : undefined }) +
    claudeKey(url, "key-b", { models: MODELS }) +
    claudeKey(url, "key-c", { models: MODELS })
  );
}

/** An OpenAI chat call; `session` goes in the X-Session-ID header. */
async function chat(h: Harness, model: string, text: string, session?: string, extra: object = {}) {
  const headers: Record<string, string> = session ? { "x-session-id": session } : {};
  const r = await post(
    h.proxy.url,
    "/v1/chat/completions",
    { model, messages: [{ role: "user", content: text }], ...extra },
    headers,
  );
  assert.equal(r.status, 200, r.text);
  return r;
}

/** Runs `calls` one after another and returns the key each upstream request carried. */
async function served(h: Harness, calls: Array<() => Promise<unknown>>): Promise<string[]> {
  h.upstream.reset();
  for (const call of calls) await call();
  return keysUsed(h.upstream);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("session affinity through HTTP", () => {
  let on: Harness;
  let short: Harness;
  let cool: Harness;
  let toggled: Harness;
  let scoped: Harness;

  before(async () => {
    [on, short, cool, toggled, scoped] = await Promise.all([
      startHarness((url, dir) => config(url, dir, { affinity: true })),
      startHarness((url, dir) => config(url, dir, { affinity: true, ttl: "1s" })),
      startHarness((url, dir) => config(url, dir, { affinity: true })),
      startHarness((url, dir) => config(url, dir, { affinity: false })),
      startHarness((url, dir) =>
        config(url, dir, { affinity: true }, { head: 'api-keys:\n  - "client-1"\n  - "client-2"\n' }),
      ),
    ]);
  });
  after(() => Promise.all([on, short, cool, toggled, scoped].map((h) => h?.close())));

  it("each session keeps its key while new sessions take the next one in turn", async () => {
    const sessions = ["s1", "s1", "s2", "s1", "s3", "s2", "s2", "s1", "s4"];
    const used = await served(
      on,
      sessions.map((s, i) => () => chat(on, "m", `message ${i} of ${s}`, s)),
    );
    // Plain round-robin would give a, b, c, a, b, c, a, b, c.
    const expected = ["key-a", "key-a", "key-b", "key-a", "key-c", "key-b", "key-b", "key-a"];
    // s4 is new: the rotation goes on where s1..s3 left it (uses of a binding do not move it).
    assert.deepEqual(used, [...expected, "key-a"]);
  });

  it("one session has a binding per model; thinking variants share their model's", async () => {
    const used = await served(on, [
      () => chat(on, "m3", "someone else", "warm-up"), // moves m3's cursor on
      () => chat(on, "m2", "a", "multi"),
      () => chat(on, "m3", "b", "multi"),
      () => chat(on, "m2", "c", "multi"),
      () => chat(on, "m3(high)", "d", "multi"),
      () => chat(on, "m3", "e", "multi"),
      () => chat(on, "m2(low)", "f", "multi"),
    ]);
    assert.deepEqual(used, ["key-a", "key-a", "key-b", "key-a", "key-b", "key-b", "key-a"]);
  });

  it("without a session id, the conversation's root identifies it as it grows", async () => {
    const turn1 = [
      { role: "system", content: "You plan trips." },
      { role: "user", content: "Lisbon?" },
    ];
    const turn2 = [...turn1, { role: "assistant", content: "Sure." }, { role: "user", content: "3 days" }];
    const turn3 = [...turn2, { role: "assistant", content: "Day 1..." }, { role: "user", content: "more" }];
    const other = [
      { role: "system", content: "You plan trips." },
      { role: "user", content: "Porto?" },
    ];
    const send = (messages: object[]) => () =>
      post(on.proxy.url, "/v1/chat/completions", { model: "grow", messages });
    const used = await served(on, [send(turn1), send(other), send(turn2), send(turn3), send(other)]);
    assert.deepEqual(used, ["key-a", "key-b", "key-a", "key-a", "key-b"]);
  });

  it("a binding slides with use and ends once unused for the TTL", async () => {
    const call = (i: number) => () => chat(short, "m", `turn ${i}`, "ttl-session");
    const before = await served(short, [call(0), call(1)]);
    assert.deepEqual(before, ["key-a", "key-a"]);
    // Each use renews the binding: 4 x 300 ms spans more than the 1 s TTL.
    for (let i = 0; i < 4; i++) {
      await sleep(300);
      assert.deepEqual(await served(short, [call(2 + i)]), ["key-a"], `use ${i} after a pause`);
    }
    await sleep(1500);
    const afterExpiry = await served(short, [call(10), call(11), call(12)]);
    assert.deepEqual(afterExpiry, ["key-b", "key-b", "key-b"], "rebound to the next key in turn, then kept");
  });

  it("a bound key that starts failing (429) hands the session to the next key, which keeps it", async () => {
    const bind = await served(cool, [
      () => chat(cool, "m", "hello", "c1"),
      () => chat(cool, "m", "hello", "c2"),
      () => chat(cool, "m", "hello", "c3"),
      () => chat(cool, "m", "hello", "c4"),
    ]);
    assert.deepEqual(bind, ["key-a", "key-b", "key-c", "key-a"]);

    // key-a begins answering 429; bindings survive a reload that leaves routing alone.
    await cool.writeConfig(config(cool.upstream.url, cool.dir, { affinity: true }, { limitA: true }));
    await waitFor(
      () =>
        cool.proxy.runtime.registry.resolve("m")?.candidates[0].cred.headers["x-fake-scenario"] ===
        "rate-limit",
    );
    assert.deepEqual(await served(cool, [() => chat(cool, "m", "again", "c1")]), ["key-a", "key-b"]);
    assert.deepEqual(await served(cool, [() => chat(cool, "m", "and again", "c1")]), ["key-b"]);
    // c4 was bound to key-a too: key-a cools, so c4 is placed afresh (never on key-a) and stays.
    const c4 = await served(cool, [() => chat(cool, "m", "x", "c4"), () => chat(cool, "m", "y", "c4")]);
    assert.deepEqual(c4, ["key-b", "key-b"]);
    assert.deepEqual(
      await served(cool, [() => chat(cool, "m", "z", "c2"), () => chat(cool, "m", "z", "c3")]),
      ["key-b", "key-c"],
    );
  });

  it("off: plain round-robin; switching it on and off at run time takes effect", async () => {
    const three = (tag: string) => [0, 1, 2].map((i) => () => chat(toggled, "m", `${tag} ${i}`, "t1"));
    assert.deepEqual(await served(toggled, three("off")), ["key-a", "key-b", "key-c"]);

    await toggled.writeConfig(config(toggled.upstream.url, toggled.dir, { affinity: true }));
    await waitFor(() => toggled.proxy.runtime.affinity.enabled);
    assert.deepEqual(await served(toggled, three("on")), ["key-a", "key-a", "key-a"]);

    await toggled.writeConfig(config(toggled.upstream.url, toggled.dir, { affinity: false }));
    await waitFor(() => !toggled.proxy.runtime.affinity.enabled);
    assert.deepEqual(await served(toggled, three("off again")), ["key-b", "key-c", "key-a"]);
    assert.equal(toggled.proxy.runtime.affinity.size, 0, "turning it off forgets the bindings");
  });

  describe("session ids of each inbound format", () => {
    it("Anthropic messages: Claude Code's metadata.user_id session, and its session header", async () => {
      const session = "0b3f6a2e-8c1d-4e5f-9a7b-123456789abc";
      const jsonUserId = JSON.stringify({ device_id: "dev", account_uuid: "acc", session_id: session });
      const msg =
        (text: string, metadata?: object, headers: Record<string, string> = {}) =>
        () =>
          post(
            on.proxy.url,
            "/v1/messages",
            { model: "f-claude", max_tokens: 16, messages: [{ role: "user", content: text }], metadata },
            headers,
          );
      const used = await served(on, [
        msg("first", { user_id: jsonUserId }),
        msg("a subagent's own prompt", { user_id: jsonUserId }),
        msg("legacy client", { user_id: "user_ab12_account_cd34_session_deadbeef-0000-1111" }),
        msg("third", undefined, { "x-claude-code-session-id": session }),
        msg("legacy again", { user_id: "user_ab12_account_cd34_session_deadbeef-0000-1111" }),
      ]);
      assert.deepEqual(used, ["key-a", "key-a", "key-b", "key-a", "key-b"]);
    });

    it("OpenAI chat: Codex's session_id header and prompt_cache_key", async () => {
      const used = await served(on, [
        () => post(on.proxy.url, "/v1/chat/completions", body("one"), { session_id: "codex-1" }),
        () => chat(on, "f-chat", "two", undefined, { prompt_cache_key: "pck-1" }),
        () => post(on.proxy.url, "/v1/chat/completions", body("three"), { session_id: "codex-1" }),
        () => chat(on, "f-chat", "four", undefined, { prompt_cache_key: "pck-1" }),
      ]);
      assert.deepEqual(used, ["key-a", "key-b", "key-a", "key-b"]);
      function body(text: string) {
        return { model: "f-chat", messages: [{ role: "user", content: text }] };
      }
    });

    it("Responses: prompt_cache_key with its conversation as an alias", async () => {
      const resp = (input: string, extra: object) => () =>
        post(on.proxy.url, "/v1/responses", { model: "f-resp", input, ...extra });
      const used = await served(on, [
        resp("hello", { prompt_cache_key: "cache-1", conversation: { id: "conv_1" } }),
        resp("unrelated", { prompt_cache_key: "cache-2" }),
        resp("later", { conversation: "conv_1" }), // only the conversation now: same binding
        resp("later still", { prompt_cache_key: "cache-1" }),
      ]);
      assert.deepEqual(used, ["key-a", "key-b", "key-a", "key-a"]);
    });

    it("Gemini: the conversation root (system instruction + first user turn)", async () => {
      const system = { parts: [{ text: "Be brief." }] };
      const first = { role: "user", parts: [{ text: "Name a color" }] };
      const gen = (contents: object[]) => () =>
        post(on.proxy.url, "/v1beta/models/f-gemini:generateContent", {
          systemInstruction: system,
          contents,
        });
      const used = await served(on, [
        gen([first]),
        gen([{ role: "user", parts: [{ text: "Name a fruit" }] }]),
        gen([
          first,
          { role: "model", parts: [{ text: "Blue" }] },
          { role: "user", parts: [{ text: "Another" }] },
        ]),
      ]);
      assert.deepEqual(used, ["key-a", "key-b", "key-a"]);
    });

    it("Gemini CLI (/v1internal): the request's session_id", async () => {
      const cli = (text: string, session: string) => () =>
        post(on.proxy.url, "/v1internal:generateContent", {
          model: "f-cli",
          project: "p",
          user_prompt_id: `prompt-${text}`,
          request: { contents: [{ role: "user", parts: [{ text }] }], session_id: session },
        });
      const used = await served(on, [cli("a", "g-1"), cli("b", "g-2"), cli("c", "g-1"), cli("d", "g-2")]);
      assert.deepEqual(used, ["key-a", "key-b", "key-a", "key-b"]);
    });

    it("Responses WebSocket: one connection is one session", async () => {
      scoped.upstream.reset();
      const url = scoped.proxy.url.replace("http://", "ws://") + "/v1/responses";
      const turn = async (ws: WebSocket, text: string) => {
        const done = new Promise<void>((resolve, reject) => {
          const onMessage = (data: WebSocket.RawData) => {
            const event = JSON.parse(String(data));
            if (event.type === "response.completed") {
              ws.off("message", onMessage);
              resolve();
            } else if (event.type === "error" || event.type === "response.failed")
              reject(new Error(String(data)));
          };
          ws.on("message", onMessage);
        });
        ws.send(JSON.stringify({ type: "response.create", model: "f-ws", store: false, input: text }));
        await done;
      };
      const open = async () => {
        const ws = new WebSocket(url, { headers: { authorization: "Bearer client-1" } });
        await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
        return ws;
      };
      const one = await open();
      const two = await open();
      await turn(one, "first");
      await turn(two, "first"); // same input, other connection: another session
      await turn(one, "second");
      await turn(one, "third");
      await turn(two, "second");
      one.close();
      two.close();
      assert.deepEqual(keysUsed(scoped.upstream), ["key-a", "key-b", "key-a", "key-a", "key-b"]);
    });
  });

  it("derived identities are kept apart per client key", async () => {
    const as = (client: string) => () =>
      post(
        scoped.proxy.url,
        "/v1/chat/completions",
        { model: "f-scope", messages: [{ role: "user", content: "same words" }] },
        { authorization: `Bearer ${client}` },
      );
    const used = await served(scoped, [as("client-1"), as("client-2"), as("client-1"), as("client-2")]);
    assert.deepEqual(used, ["key-a", "key-b", "key-a", "key-b"]);
  });
});
