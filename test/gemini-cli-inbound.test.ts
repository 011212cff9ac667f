import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { networkInterfaces } from "node:os";
import { after, before, describe, it } from "node:test";
import type { Runtime } from "../src/proxy/runtime.ts";
import { createListener } from "../src/server/http-server.ts";
import { handleV1Internal, matchV1InternalRoute } from "../src/server/v1internal-route.ts";
import { addAccount, geminiFile, googleEnv } from "./auth/google-helpers.ts";
import { type AuthHarness, claudeFile, lastRequest, startAuthHarness } from "./auth/helpers.ts";

// Gemini CLI with CODE_ASSIST_ENDPOINT pointing at the proxy: `POST /v1internal:{method}`.
// Generations are load-balanced over the accounts serving the model (Gemini CLI accounts get
// the client's envelope with their own project; others are translated); setup calls are
// answered locally; only clients on this machine are served.

/** The proxy's listener with the v1internal route in front of it (as http-server.ts wires it). */
async function listen(rt: Runtime, host: string): Promise<Server> {
  const rest = createListener(rt);
  const server = createServer((req, res) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const route = matchV1InternalRoute(req.method ?? "GET", q < 0 ? url : url.slice(0, q));
    if (route) void handleV1Internal(rt, route, req, res, q < 0 ? "" : url.slice(q + 1));
    else rest(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return server;
}

function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

/** An address of this machine that is not loopback, so a connection to it is a "remote" client. */
function otherLocalAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return undefined;
}

/** What Gemini CLI sends: its own (Google-side) project and prompt id around a Gemini request. */
function cliBody(model: string, text: string) {
  return {
    model,
    project: "the-clients-own-project",
    user_prompt_id: "prompt-1",
    request: { contents: [{ role: "user", parts: [{ text }] }], generationConfig: { temperature: 0.2 } },
  };
}

describe("inbound /v1internal (Gemini CLI)", () => {
  let h: AuthHarness;
  let server: Server;
  let base: string;
  before(async () => {
    h = await startAuthHarness();
    Object.assign(process.env, googleEnv(h.upstream.url));
    await addAccount(
      h,
      "gemini-cli@example.com-acct-project.json",
      geminiFile({ access: "ya29.inbound", project: "acct-project" }),
    );
    await addAccount(h, "claude-sub@example.com.json", claudeFile({ access: "sk-ant-oat-inbound" }));
    server = await listen(h.proxy.runtime, "0.0.0.0");
    base = `http://127.0.0.1:${portOf(server)}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await h.close();
  });

  const post = (method: string, body: unknown, query = "") =>
    fetch(`${base}/v1internal:${method}${query}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer the-clis-google-token" },
      body: JSON.stringify(body),
    });

  it("streamGenerateContent?alt=sse: the client's envelope passed through with the account's project", async () => {
    const res = await post("streamGenerateContent", cliBody("gemini-2.5-pro", "stream it"), "?alt=sse");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type")!, /text\/event-stream/);
    const text = await res.text();
    assert.match(text, /^data: \{"response":\{"candidates"/m, "Code Assist chunks, as the CLI expects");

    const seen = lastRequest(h, "/v1internal:streamGenerateContent");
    assert.equal(seen.query.alt, "sse");
    assert.equal(seen.headers.authorization, "Bearer ya29.inbound", "the account's token, not the client's");
    assert.equal(seen.body.project, "acct-project");
    assert.equal(seen.body.model, "gemini-2.5-pro");
    assert.equal(seen.body.user_prompt_id, "prompt-1");
    assert.equal(seen.body.request.generationConfig.temperature, 0.2);
  });

  it("generateContent for a model another account serves: translated both ways", async () => {
    const res = await post("generateContent", cliBody("claude-sonnet-4-5-20250929", "translate me"));
    assert.equal(res.status, 200, await res.clone().text());
    const answer = (await res.json()) as any;
    assert.ok(answer.response.candidates[0].content.parts[0].text.length > 0);
    const seen = lastRequest(h, "/v1/messages");
    assert.equal(seen.headers.authorization, "Bearer sk-ant-oat-inbound");
    assert.equal(seen.body.model, "claude-sonnet-4-5-20250929");
  });

  it("countTokens, and the setup calls the CLI makes at start", async () => {
    const count = await post("countTokens", {
      request: {
        model: "models/gemini-2.5-flash",
        contents: [{ role: "user", parts: [{ text: "count me" }] }],
      },
    });
    assert.equal(count.status, 200);
    const counted = (await count.json()) as any;
    assert.ok(Number.isInteger(counted.totalTokens) && counted.totalTokens > 0);

    const load = await post("loadCodeAssist", {
      metadata: { ideType: "IDE_UNSPECIFIED", pluginType: "GEMINI" },
    });
    assert.equal(load.status, 200);
    const loaded = (await load.json()) as any;
    assert.equal(typeof loaded.currentTier.id, "string");
    assert.equal(typeof loaded.cloudaicompanionProject, "string");

    const onboard = await post("onboardUser", {
      tierId: loaded.currentTier.id,
      cloudaicompanionProject: "mine",
    });
    assert.equal(onboard.status, 200);
    const op = (await onboard.json()) as any;
    assert.equal(op.done, true);
    assert.equal(op.response.cloudaicompanionProject.id, "mine");

    const unknown = await post("somethingElse", {});
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as any).error.status, "NOT_FOUND");
  });

  it("a generation without a model is a 400 in Google's envelope", async () => {
    const res = await post("generateContent", { request: { contents: [] } });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as any).error.message, /model/);
  });

  const remote = otherLocalAddress();
  it("is refused to a client that is not on this machine", {
    skip: remote ? false : "no non-loopback interface",
  }, async () => {
    const before = h.upstream.requests.length;
    const res = await fetch(`http://${remote}:${portOf(server)}/v1internal:streamGenerateContent?alt=sse`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(cliBody("gemini-2.5-pro", "from afar")),
    });
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as any).error.status, "PERMISSION_DENIED");
    assert.equal(h.upstream.requests.length, before, "nothing reached an upstream");
  });
});
