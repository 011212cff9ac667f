import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { Agent, ProxyAgent, request } from "../src/upstream/undici.ts";

// src/upstream/undici.ts loads undici's dispatchers and request API from their own modules to
// keep the package's fetch/WebSocket/mock code out of memory. After an undici upgrade these
// checks say whether those module paths still are the ones the package root exports.

describe("undici core (src/upstream/undici.ts)", () => {
  it("exports the very classes the package root exports, with the request API mixed in", async () => {
    const root = await import("undici");
    assert.equal(Agent, root.Agent);
    assert.equal(ProxyAgent, root.ProxyAgent);
    assert.equal(typeof new Agent().request, "function");
  });

  it("request() splits the URL like the package root and defaults the method", async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      req.resume();
      req.on("end", () => res.end("ok"));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const dispatcher = new Agent();
    try {
      const a = await request(`${base}/v1/x?alt=sse&k=1`, { dispatcher });
      assert.equal(await a.body.text(), "ok");
      const b = await request(new URL(`${base}/p`), { dispatcher, body: "data" });
      await b.body.dump();
      const c = await request(`${base}/q`, { dispatcher, method: "POST", body: "{}" });
      await c.body.dump();
      assert.deepEqual(seen, ["GET /v1/x?alt=sse&k=1", "PUT /p", "POST /q"]);
    } finally {
      await dispatcher.close();
      server.close();
    }
  });
});
