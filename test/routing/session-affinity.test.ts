/**
 * The session binding map and session-id extraction, directly: bounds, expiry, alias groups,
 * reload semantics, and the order of session signals (the HTTP behaviour is in
 * session-affinity-http.test.ts).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type AffinitySettings,
  DEFAULT_SESSION_TTL_MS,
  SessionAffinity,
} from "../../src/credentials/session-affinity.ts";
import { type SessionSource, sessionIds } from "../../src/credentials/session-id.ts";

const on = (ttl = "1h", strategy = "round-robin"): AffinitySettings => ({
  strategy,
  "session-affinity": true,
  "session-affinity-ttl": ttl,
});

function store(maxKeys?: number, ttl?: string): SessionAffinity {
  const s = new SessionAffinity(maxKeys);
  s.configure(on(ttl));
  return s;
}

describe("session binding map", () => {
  it("is bounded: past the cap the least recently used keys go", () => {
    const s = store(3);
    const t = 1_000;
    for (const id of ["a", "b", "c"]) s.bind(`cred-${id}`, [id], t);
    assert.equal(s.refresh("a", t + 1), "cred-a"); // a is now the most recent
    s.bind("cred-d", ["d"], t + 2);
    s.bind("cred-e", ["e"], t + 3);
    assert.equal(s.size, 3);
    assert.equal(s.peek("b", t + 4), undefined);
    assert.equal(s.peek("c", t + 4), undefined);
    assert.equal(s.peek("a", t + 4), "cred-a");
    assert.equal(s.peek("e", t + 4), "cred-e");
  });

  it("forgets a binding once unused for the TTL, and sweeps expired keys as it goes", () => {
    const s = store(undefined, "10s");
    s.bind("cred-1", ["old"], 0);
    assert.equal(s.refresh("old", 9_000), "cred-1"); // renewed until 19 s
    assert.equal(s.peek("old", 18_999), "cred-1");
    assert.equal(s.peek("old", 19_000), undefined);
    s.bind("cred-2", ["x"], 0);
    s.bind("cred-3", ["y"], 30_000); // x expired at 10 s: swept off the front
    assert.equal(s.size, 1);
  });

  it("release drops a key only while it is bound to that credential", () => {
    const s = store();
    s.bind("cred-1", ["k"], 0);
    s.release("k", "cred-2");
    assert.equal(s.peek("k", 1), "cred-1");
    s.release("k", "cred-1");
    assert.equal(s.peek("k", 1), undefined);
  });

  it("aliases share one binding; a new prompt cache key replaces the old one", () => {
    const s = store();
    for (let i = 0; i < 16; i++) s.bind("cred-1", [`pck:cache-${i}::m`, "conv:c::m"], i);
    assert.equal(s.size, 2);
    assert.equal(s.peek("pck:cache-15::m", 20), "cred-1");
    assert.equal(s.peek("pck:cache-0::m", 20), undefined);
    s.bind("cred-2", ["conv:c::m"], 21); // the group moves as a whole
    assert.equal(s.peek("pck:cache-15::m", 22), "cred-2");
  });

  it("caps the other aliases of one binding at 64, keeping the newest", () => {
    const s = store();
    for (let i = 0; i < 100; i++) s.bind("cred-1", ["pck:shared::m", `conv:${i}::m`], i);
    assert.equal(s.size, 65);
    assert.equal(s.peek("conv:99::m", 200), "cred-1");
    assert.equal(s.peek("conv:0::m", 200), undefined);
  });

  it("keeps bindings across reloads that leave routing alone, starts over when it changes", () => {
    const s = store();
    s.bind("cred-1", ["k"], Date.now());
    s.configure(on());
    assert.equal(s.size, 1);
    s.configure(on("30m"));
    assert.equal(s.size, 0);
    s.bind("cred-1", ["k"], Date.now());
    s.configure(on("30m", "fill-first"));
    assert.equal(s.size, 0);
  });

  it("an empty, zero or invalid TTL means one hour, as in the original", () => {
    const s = new SessionAffinity();
    for (const ttl of ["", "0", "-5m", "soon"]) {
      s.configure(on(ttl));
      assert.equal(s.ttlMs, DEFAULT_SESSION_TTL_MS, ttl);
    }
    s.configure(on("1.5s"));
    assert.equal(s.ttlMs, 1500);
  });

  it("when off, a call's headers and body are never looked at", () => {
    const s = new SessionAffinity();
    s.configure({ strategy: "round-robin", "session-affinity": false, "session-affinity-ttl": "1h" });
    const trap = new Proxy(
      {},
      {
        get() {
          throw new Error("looked at");
        },
      },
    );
    const call = { format: "openai-chat", headers: trap, body: trap } as unknown as SessionSource;
    assert.equal(s.session(call, "m"), undefined);
  });
});

describe("session id of a call", () => {
  const ids = (headers: Record<string, string>, body: unknown, extra: Partial<SessionSource> = {}) =>
    sessionIds({ format: "openai-chat", headers, body, ...extra });
  const user = [{ role: "user", content: "hello" }];

  it("follows the original's order of signals", () => {
    const claudeMeta = { user_id: JSON.stringify({ session_id: "cc-1" }) };
    assert.deepEqual(
      ids({ "x-claude-code-session-id": "h-1", "x-session-id": "x" }, { metadata: claudeMeta }),
      {
        primary: "claude:h-1",
      },
    );
    assert.deepEqual(ids({ "x-session-id": "x" }, { metadata: claudeMeta }), { primary: "claude:cc-1" });
    assert.deepEqual(ids({ session_id: "c", "x-client-request-id": "r" }, {}), { primary: "codex:c" });
    assert.deepEqual(ids({ "x-session-affinity": "o", "x-client-request-id": "r" }, {}), {
      primary: "affinity:o",
    });
    assert.deepEqual(ids({ "x-client-request-id": "r" }, { session_id: "b" }), { primary: "clientreq:r" });
    assert.deepEqual(ids({}, { sessionId: "b", prompt_cache_key: "p" }), { primary: "session:b" });
    assert.deepEqual(ids({}, { prompt_cache_key: "p", conversation: { id: "c" } }), {
      primary: "pck:p",
      fallback: "conv:c",
    });
    assert.deepEqual(ids({}, { metadata: { user_id: "u-1" }, conversation_id: "c" }), {
      primary: "user:u-1",
    });
    assert.deepEqual(ids({}, { conversation_id: "c", messages: user }), { primary: "conv:c" });
    assert.deepEqual(ids({}, { messages: user }, { executionSession: "ws-1" }), {
      primary: "execution:ws-1",
    });
    assert.match(ids({}, { messages: user })?.primary ?? "", /^derived:ctx:v1:[0-9a-f]{64}$/);
  });

  it("reads Claude Code's legacy user_id suffix", () => {
    const legacy = { metadata: { user_id: "user_1f_account__session_ac980658-63bd-4fb3-97ba-8da64cb1e344" } };
    assert.deepEqual(ids({}, legacy), { primary: "claude:ac980658-63bd-4fb3-97ba-8da64cb1e344" });
  });

  it("refuses ids that are blank, too long or carry control characters", () => {
    assert.equal(ids({ "x-session-id": "   " }, {}), undefined);
    assert.equal(ids({ "x-session-id": "x".repeat(257) }, {}), undefined);
    assert.deepEqual(ids({ "x-session-id": ` ${"x".repeat(256)} ` }, {}), {
      primary: `header:${"x".repeat(256)}`,
    });
    assert.deepEqual(ids({}, { session_id: "a\nb", prompt_cache_key: "p" }), { primary: "pck:p" });
  });

  it("derived identities ignore later turns and cache_control, and differ by caller and format", () => {
    const base = {
      system: [{ type: "text", text: "You are a coding agent.", cache_control: { type: "ephemeral" } }],
      messages: [{ role: "user", content: [{ type: "text", text: "fix the bug" }] }],
    };
    const grown = {
      system: [{ type: "text", text: "You are a coding agent." }],
      messages: [
        {
          role: "user",
          content: [{ type: "text", text: "fix the bug", cache_control: { type: "ephemeral" } }],
        },
        { role: "assistant", content: "done" },
        { role: "user", content: "thanks" },
      ],
    };
    const a = sessionIds({ format: "anthropic", headers: {}, body: base });
    assert.ok(a);
    assert.deepEqual(sessionIds({ format: "anthropic", headers: {}, body: grown }), a);
    assert.notDeepEqual(sessionIds({ format: "anthropic", headers: {}, body: base, clientKey: "k2" }), a);
    assert.notDeepEqual(sessionIds({ format: "openai-chat", headers: {}, body: base }), a);
  });

  it("with no user turn, hashes the first messages (full hash first, short one as alias)", () => {
    const first = ids({}, { messages: [{ role: "system", content: "only a system prompt" }] });
    assert.match(first?.primary ?? "", /^msg:[0-9a-f]{16}$/);
    assert.equal(first?.fallback, undefined);
    const later = ids(
      {},
      {
        messages: [
          { role: "system", content: "only a system prompt" },
          { role: "assistant", content: "hi" },
        ],
      },
    );
    assert.equal(later?.fallback, first?.primary);
    assert.notEqual(later?.primary, first?.primary);
  });

  it("Gemini CLI: the session_id inside the wrapped request", () => {
    const body = { model: "m", project: "p", request: { contents: [], session_id: "g-1" } };
    assert.deepEqual(sessionIds({ format: "gemini-cli", headers: {}, body }), { primary: "session:g-1" });
  });
});
