/**
 * The Responses API over WebSocket: real sockets (the `ws` client), the real pipeline, the fake
 * upstream behind an openai-compatibility provider (translated) and a codex-api-key provider
 * (same format, passthrough).
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import WebSocket from "ws";
import { parseConfigText } from "../src/config/index.ts";
import { type FakeUpstream, type RecordedRequest, startFakeUpstream } from "../src/fake-upstream/server.ts";
import { ProxyMetrics } from "../src/metrics/registry.ts";
import { Runtime } from "../src/proxy/runtime.ts";
import { createListener } from "../src/server/http-server.ts";
import { attachResponsesWebSocket, type ResponsesWebSocket } from "../src/server/responses-ws.ts";
import { type RememberedResponse, ResponseMemory } from "../src/server/ws-memory.ts";
import { waitFor } from "./helpers/harness.ts";

const CLIENT_KEY = "client-key";

function configYaml(upstream: string, wsAuth: boolean): string {
  return `host: "127.0.0.1"
port: 8317
auth-dir: "/tmp/cpa-ws-test-auth"
logging-to-file: false
request-retry: 0
body-limit-mb: 1
ws-auth: ${wsAuth}
api-keys:
  - "${CLIENT_KEY}"
openai-compatibility:
  - name: "fake"
    base-url: "${upstream}/v1"
    api-key-entries:
      - api-key: "upstream-key-1"
    models:
      - name: "fake-echo"
        alias: "echo-model"
      - name: "fake-tool-call"
        alias: "tool-model"
      - name: "fake-server-error"
        alias: "broken-model"
      - name: "fake-cut"
        alias: "cut-model"
  - name: "drip"
    base-url: "${upstream}/v1"
    headers:
      x-fake-events: "300"
      x-fake-interval-ms: "20"
    api-key-entries:
      - api-key: "upstream-key-drip"
    models:
      - name: "fake-long"
        alias: "drip-model"
codex-api-key:
  - api-key: "key-codex"
    base-url: "${upstream}/v1"
    models:
      - name: "codex-fake-echo"
        alias: "codex-echo"
      - name: "codex-fake-tool-call"
        alias: "codex-tool"
      - name: "codex-fake-cut"
        alias: "codex-cut"
`;
}

const TERMINAL = new Set(["response.completed", "response.failed", "response.incomplete", "error"]);

/** A `ws` client that queues what it receives. */
class Client {
  readonly ws: WebSocket;
  readonly #inbox: any[] = [];
  #wake: (() => void) | undefined;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on("message", (data) => {
      this.#inbox.push(JSON.parse(String(data)));
      this.#wake?.();
    });
  }

  static open(url: string, headers: Record<string, string> = { authorization: `Bearer ${CLIENT_KEY}` }) {
    const ws = new WebSocket(url, { headers });
    return new Promise<Client>((resolve, reject) => {
      ws.once("open", () => resolve(new Client(ws)));
      ws.once("unexpected-response", (_req, res) => {
        let body = "";
        res.on("data", (c: Buffer) => {
          body += c;
        });
        res.on("end", () =>
          reject(
            Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode, body }),
          ),
        );
      });
      ws.once("error", reject);
    });
  }

  send(event: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(event));
  }

  async next(timeoutMs = 5000): Promise<any> {
    const end = Date.now() + timeoutMs;
    while (this.#inbox.length === 0) {
      if (Date.now() > end) throw new Error("no message in time");
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.#wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
    return this.#inbox.shift();
  }

  /** Events up to and including the one that ends a response. */
  async turn(): Promise<any[]> {
    const events: any[] = [];
    for (;;) {
      const e = await this.next();
      events.push(e);
      if (TERMINAL.has(e.type)) return events;
    }
  }

  close(): Promise<number> {
    return new Promise((resolve) => {
      this.ws.once("close", (code) => resolve(code));
      this.ws.close();
    });
  }
}

function userMessage(text: string) {
  return { type: "message", role: "user", content: [{ type: "input_text", text }] };
}

function deltas(events: any[]): string {
  return events
    .filter((e) => e.type === "response.output_text.delta")
    .map((e) => e.delta)
    .join("");
}

function completedText(events: any[]): string {
  const done = events.at(-1);
  assert.equal(done.type, "response.completed", JSON.stringify(done));
  let text = "";
  for (const item of done.response.output) {
    if (item.type !== "message") continue;
    for (const part of item.content) if (part.type === "output_text") text += part.text;
  }
  return text;
}

/** The SSE endpoint's event types and text for the same request body. */
async function sseTurn(base: string, body: Record<string, unknown>): Promise<any[]> {
  const res = await fetch(`${base}/v1/responses`, {
    method: "POST",
    headers: { authorization: `Bearer ${CLIENT_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ ...body, stream: true }),
  });
  assert.equal(res.status, 200);
  const text = await res.text();
  return text
    .split("\n")
    .filter((line) => line.startsWith("data: "))
    .map((line) => JSON.parse(line.slice(6)));
}

function lastGenerate(upstream: FakeUpstream): RecordedRequest {
  const r = upstream.requests.filter((x) => x.method === "POST").at(-1);
  assert.ok(r, "the upstream saw a request");
  return r;
}

const KINDS = [
  { kind: "openai-compatibility", echo: "echo-model", tool: "tool-model", cut: "cut-model" },
  { kind: "codex-api-key", echo: "codex-echo", tool: "codex-tool", cut: "codex-cut" },
] as const;

describe("Responses API over WebSocket", () => {
  let upstream: FakeUpstream;
  let rt: Runtime;
  let server: Server;
  let wsApi: ResponsesWebSocket;
  let base: string;
  let wsUrl: string;

  before(async () => {
    process.env.LOG_LEVEL ??= "error";
    upstream = await startFakeUpstream({ host: "127.0.0.1", port: 0 });
    rt = new Runtime(parseConfigText(configYaml(upstream.url, true)).config);
    server = createServer(createListener(rt));
    wsApi = attachResponsesWebSocket(server, rt);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    base = `http://127.0.0.1:${port}`;
    wsUrl = `ws://127.0.0.1:${port}/v1/responses`;
  });

  after(async () => {
    await wsApi.close(500);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await upstream.close();
  });

  for (const { kind, echo, tool, cut } of KINDS) {
    describe(`-> ${kind}`, () => {
      it("a turn streams the SSE endpoint's events, one message each, ending in response.completed", async () => {
        const body = { model: echo, store: false, input: [userMessage("hello over the socket")] };
        const expected = await sseTurn(base, body);
        const client = await Client.open(wsUrl);
        client.send({ type: "response.create", ...body });
        const events = await client.turn();
        await client.close();

        assert.deepEqual(
          events.map((e) => e.type),
          expected.map((e) => e.type),
        );
        assert.equal(events[0].type, "response.created");
        assert.equal(deltas(events), "echo: hello over the socket");
        assert.equal(completedText(events), "echo: hello over the socket");
        assert.equal(events.at(-1).response.model, echo, "the client's model name comes back");
        const sent = lastGenerate(upstream).body;
        assert.equal(sent.stream, true);
        assert.equal(sent.type, undefined, "the WebSocket envelope stays on the socket");
      });

      it("previous_response_id reaches the upstream as the full history", async () => {
        const client = await Client.open(wsUrl);
        client.send({ type: "response.create", model: echo, store: false, input: [userMessage("first")] });
        const first = await client.turn();
        const firstId = first.at(-1).response.id;

        // A continuation may leave the model out; the socket remembers it.
        client.send({
          type: "response.create",
          previous_response_id: firstId,
          input: [userMessage("second")],
        });
        const second = await client.turn();
        assert.equal(completedText(second), "echo: second");
        await client.close();

        const sent = lastGenerate(upstream).body;
        assert.equal(sent.previous_response_id, undefined);
        if (kind === "codex-api-key") {
          const input = sent.input;
          assert.equal(input.length, 3);
          assert.deepEqual(input[0], userMessage("first"));
          assert.equal(input[1].type, "message");
          assert.equal(input[1].role, "assistant");
          assert.equal(input[1].id, undefined, "output item ids are not sent back");
          assert.equal(input[1].content[0].text, "echo: first");
          assert.deepEqual(input[2], userMessage("second"));
        } else {
          assert.deepEqual(
            sent.messages.map((m: any) => m.role),
            ["user", "assistant", "user"],
          );
          assert.equal(sent.messages[1].content, "echo: first");
        }
      });

      it("a stream cut mid-way ends the response (failed, or an error); the socket stays usable", async () => {
        const client = await Client.open(wsUrl);
        client.send({ type: "response.create", model: cut, input: "cut me off" });
        const events = await client.turn();
        assert.ok(
          events.some((e) => e.type === "response.output_text.delta"),
          "some text arrived first",
        );
        const last = events.at(-1);
        assert.ok(last.type === "response.failed" || last.type === "error", last.type);
        assert.equal(events.filter((e) => e.type === "response.completed").length, 0);

        client.send({ type: "response.create", model: echo, input: "again" });
        assert.equal(completedText(await client.turn()), "echo: again");
        await client.close();
      });

      it("a tool call round trip over the socket", async () => {
        const tools = [
          {
            type: "function",
            name: "get_weather",
            description: "Weather for a city",
            parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
          },
        ];
        const client = await Client.open(wsUrl);
        client.send({
          type: "response.create",
          model: tool,
          store: false,
          tools,
          input: [userMessage("weather?")],
        });
        const first = await client.turn();
        const done = first.at(-1);
        assert.equal(done.type, "response.completed");
        const call = done.response.output.find((i: any) => i.type === "function_call");
        assert.ok(call, "the model asked for the tool");
        assert.equal(call.name, "get_weather");
        assert.ok(first.some((e) => e.type === "response.function_call_arguments.delta"));

        client.send({
          type: "response.create",
          model: tool,
          store: false,
          tools,
          previous_response_id: done.response.id,
          input: [{ type: "function_call_output", call_id: call.call_id, output: "sunny, 21C" }],
        });
        const second = await client.turn();
        assert.equal(completedText(second), "tool result received: sunny, 21C");
        await client.close();

        const sent = lastGenerate(upstream).body;
        if (kind === "codex-api-key") {
          assert.deepEqual(
            sent.input.map((i: any) => i.type),
            ["message", "function_call", "function_call_output"],
          );
          assert.equal(sent.input[1].call_id, call.call_id);
        } else {
          const assistant = sent.messages[1];
          assert.equal(assistant.tool_calls[0].id, call.call_id);
          assert.equal(sent.messages[2].role, "tool");
          assert.equal(sent.messages[2].tool_call_id, call.call_id);
        }
      });
    });
  }

  it("unknown previous_response_id and a malformed event get an error event; the socket stays usable", async () => {
    const client = await Client.open(wsUrl);
    const before = upstream.requests.length;
    client.send({
      type: "response.create",
      model: "echo-model",
      previous_response_id: "resp_nope",
      input: [],
    });
    const [err] = await client.turn();
    assert.equal(err.type, "error");
    assert.equal(err.status, 400);
    assert.equal(err.error.code, "previous_response_not_found");
    assert.match(err.error.message, /resp_nope/);

    client.ws.send("{not json");
    const bad = await client.next();
    assert.equal(bad.type, "error");
    assert.equal(bad.error.code, "invalid_json");

    client.send({ type: "response.cancel" });
    assert.equal((await client.next()).error.code, "unsupported_event");
    assert.equal(upstream.requests.length, before, "nothing went upstream");

    client.send({ type: "response.create", model: "echo-model", input: "still here?" });
    assert.equal(completedText(await client.turn()), "echo: still here?");
    await client.close();
  });

  it("an upstream 500 becomes an error event and the next turn on the socket works", async () => {
    const client = await Client.open(wsUrl);
    client.send({ type: "response.create", model: "broken-model", input: "boom" });
    const events = await client.turn();
    // It failed before the first byte: no response started, one error event says why.
    assert.equal(events.length, 1);
    const [err] = events;
    assert.equal(err.type, "error");
    assert.equal(err.status, 500);
    assert.equal(err.error.type, "upstream_error");
    assert.equal(typeof err.error.message, "string");

    client.send({ type: "response.create", model: "echo-model", input: "after the failure" });
    assert.equal(completedText(await client.turn()), "echo: after the failure");
    await client.close();
  });

  it("closing the socket mid-stream aborts the upstream request", async () => {
    const client = await Client.open(wsUrl);
    client.send({ type: "response.create", model: "drip-model", input: "go slowly" });
    for (;;) {
      const e = await client.next();
      if (e.type === "response.output_text.delta") break;
    }
    const rec = lastGenerate(upstream);
    assert.equal(rec.aborted, false);
    client.ws.terminate();
    await waitFor(() => rec.aborted, 3000);
  });

  it("stream_id lanes run side by side, each in order, and tag their events", async () => {
    const client = await Client.open(wsUrl);
    client.send({ type: "response.create", stream_id: "slow", model: "drip-model", input: "long one" });
    client.send({ type: "response.create", stream_id: "fast", model: "echo-model", input: "one" });
    client.send({ type: "response.create", stream_id: "fast", model: "echo-model", input: "two" });
    const fast: any[] = [];
    let slowEvents = 0;
    let slowDone = false;
    while (fast.filter((e) => e.type === "response.completed").length < 2) {
      const e = await client.next();
      assert.ok(e.stream_id === "slow" || e.stream_id === "fast", JSON.stringify(e));
      if (e.stream_id === "slow") {
        slowEvents++;
        if (e.type === "response.completed") slowDone = true;
      } else fast.push(e);
    }
    assert.equal(slowDone, false, "the fast lane finished while the slow one was still streaming");
    assert.ok(slowEvents > 0);
    const completions = fast.filter((e) => e.type === "response.completed");
    assert.deepEqual(
      completions.map((e) => completedText([e])),
      ["echo: one", "echo: two"],
    );
    // FIFO within the lane: the second response starts after the first one ended.
    const at = (type: string) => fast.flatMap((e, i) => (e.type === type ? [i] : []));
    assert.ok(at("response.created")[1] > at("response.completed")[0]);
    client.ws.terminate();
  });

  it("a message over body-limit-mb closes the socket with 1009", async () => {
    const client = await Client.open(wsUrl);
    const code = new Promise<number>((resolve) => client.ws.once("close", (c) => resolve(c)));
    client.ws.on("error", () => {});
    client.send({ type: "response.create", model: "echo-model", input: "x".repeat(rt.bodyLimitBytes + 1) });
    assert.equal(await code, 1009);
  });

  it("generate: false warms up locally; the next turn continues from it", async () => {
    const client = await Client.open(wsUrl);
    const before = upstream.requests.length;
    client.send({
      type: "response.create",
      model: "codex-echo",
      generate: false,
      instructions: "be brief",
      input: [userMessage("context from the warm-up")],
    });
    const warm = await client.turn();
    assert.deepEqual(
      warm.map((e) => e.type),
      ["response.created", "response.completed"],
    );
    assert.equal(upstream.requests.length, before, "a warm-up does not call upstream");

    client.send({
      type: "response.create",
      previous_response_id: warm.at(-1).response.id,
      input: [userMessage("now answer")],
    });
    assert.equal(completedText(await client.turn()), "echo: now answer");
    const sent = lastGenerate(upstream).body;
    assert.equal(sent.model, "codex-fake-echo");
    assert.equal(sent.instructions, "be brief");
    assert.equal(sent.generate, undefined);
    assert.deepEqual(sent.input, [userMessage("context from the warm-up"), userMessage("now answer")]);
    await client.close();
  });

  it("response.append continues the lane's last response (the Go original's event)", async () => {
    const client = await Client.open(wsUrl);
    client.send({ type: "response.create", model: "codex-echo", input: [userMessage("one")] });
    await client.turn();
    client.send({ type: "response.append", input: [userMessage("two")] });
    assert.equal(completedText(await client.turn()), "echo: two");
    assert.equal(lastGenerate(upstream).body.input.length, 3);
    await client.close();
  });

  it("each turn is recorded in the metrics like an HTTP call", async () => {
    const metrics = new ProxyMetrics();
    const saved = rt.observe;
    rt.observe = { metrics };
    try {
      const client = await Client.open(wsUrl);
      client.send({ type: "response.create", model: "echo-model", input: "count me" });
      await client.turn();
      await client.close();
    } finally {
      rt.observe = saved;
    }
    const text = (await metrics.exposition()).body;
    assert.match(
      text,
      /cliproxy_requests_total\{route="openai-responses",provider="openai-compatibility",model="fake-echo",status="200"\} 1/,
    );
    assert.match(
      text,
      /cliproxy_tokens_total\{kind="output",provider="openai-compatibility",model="fake-echo"\} [1-9]/,
    );
  });

  describe("access", () => {
    it("ws-auth on: the upgrade needs a valid key (Bearer or ?key=), else 401", async () => {
      await assert.rejects(
        Client.open(wsUrl, {}),
        (err: any) => err.status === 401 && /invalid_api_key/.test(err.body),
      );
      await assert.rejects(
        Client.open(wsUrl, { authorization: "Bearer wrong" }),
        (err: any) => err.status === 401,
      );
      await (await Client.open(wsUrl)).close();
      await (await Client.open(`${wsUrl}?key=${CLIENT_KEY}`, {})).close();
    });

    it("ws-auth off: the upgrade is open", async () => {
      rt.apply(parseConfigText(configYaml(upstream.url, false)).config);
      try {
        const client = await Client.open(wsUrl, {});
        client.send({ type: "response.create", model: "echo-model", input: "no key" });
        assert.equal(completedText(await client.turn()), "echo: no key");
        await client.close();
      } finally {
        rt.apply(parseConfigText(configYaml(upstream.url, true)).config);
      }
      await assert.rejects(Client.open(wsUrl, {}), (err: any) => err.status === 401);
    });

    it("other upgrade paths are refused with 404", async () => {
      await assert.rejects(
        Client.open(wsUrl.replace("/v1/responses", "/v1/chat/completions")),
        (err: any) => err.status === 404,
      );
    });
  });

  it("close() says goodbye (1001) to idle sockets", async () => {
    const client = await Client.open(wsUrl);
    const code = new Promise<number>((resolve) => client.ws.once("close", (c) => resolve(c)));
    await wsApi.close(1000);
    assert.equal(await code, 1001);
    await assert.rejects(Client.open(wsUrl), (err: any) => err.status === 503);
  });
});

describe("ResponseMemory", () => {
  const entry = (ownBytes: number, totalBytes = ownBytes): RememberedResponse => ({
    context: [],
    output: [],
    model: "m",
    instructions: undefined,
    lane: "",
    ownBytes,
    totalBytes,
  });

  it("keeps the newest responses within the count and byte limits", () => {
    const memory = new ResponseMemory({ maxResponses: 3, maxBytes: 100 });
    for (let i = 1; i <= 5; i++) memory.remember(`r${i}`, entry(10));
    assert.equal(memory.size, 3);
    assert.equal(memory.get("r2"), undefined);
    assert.ok(memory.get("r5"));

    memory.remember("big", entry(80));
    assert.ok(memory.get("big"));
    assert.equal(memory.get("r3"), undefined, "the oldest made room");
    assert.ok(memory.get("r4"));
    assert.equal(memory.bytes, 100);
    memory.remember("r6", entry(10));
    assert.equal(memory.get("r4"), undefined);
    assert.equal(memory.bytes, 100);
  });

  it("does not keep a conversation larger than the byte limit", () => {
    const memory = new ResponseMemory({ maxResponses: 3, maxBytes: 100 });
    memory.remember("small", entry(10));
    assert.equal(memory.remember("huge", entry(20, 120)), false);
    assert.equal(memory.get("huge"), undefined);
    assert.ok(memory.get("small"), "what was kept stays");
  });
});
