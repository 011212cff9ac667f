import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Harness, startHarness } from "../helpers/harness.ts";
import { baseConfig, claudeKey, messages } from "./helpers/client.ts";
import { startHttpProxy, type TestHttpProxy } from "./helpers/http-proxy.ts";
import { startSocksServer, type TestSocksServer } from "./helpers/socks5-server.ts";

/**
 * Real local proxies between the proxy and the fake upstream: a global HTTP proxy with Basic
 * credentials, per-key SOCKS5 (with and without the right password), per-key HTTP, and a key
 * that opts out with `direct`.
 */
describe("outbound proxies through HTTP", () => {
  let h: Harness;
  let globalHttp: TestHttpProxy;
  let keyHttp: TestHttpProxy;
  let socks: TestSocksServer;

  before(async () => {
    [globalHttp, keyHttp, socks] = await Promise.all([
      startHttpProxy({ user: "proxy-user", pass: "proxy-pass" }),
      startHttpProxy(),
      startSocksServer({ user: "sockuser", pass: "s3cr:t@" }),
    ]);
    const globalUrl = `http://proxy-user:proxy-pass@127.0.0.1:${globalHttp.port}`;
    h = await startHarness(
      (url, dir) =>
        baseConfig(dir, `proxy-url: "${globalUrl}"`) +
        "claude-api-key:\n" +
        claudeKey(url, "via-global", { models: [["fake-echo", "m-global"]] }) +
        claudeKey(url, "via-socks", {
          models: [["fake-echo", "m-socks"]],
          extra: `proxy-url: "${socks.url("sockuser", "s3cr:t@")}"`,
        }) +
        claudeKey(url, "via-bad-socks", {
          models: [["fake-echo", "m-bad-socks"]],
          extra: `proxy-url: "${socks.url("sockuser", "wrong")}"`,
        }) +
        claudeKey(url, "via-key-http", {
          models: [["fake-echo", "m-key-http"]],
          extra: `proxy-url: "${keyHttp.url}"`,
        }) +
        claudeKey(url, "via-direct", { models: [["fake-echo", "m-direct"]], extra: 'proxy-url: "direct"' }),
    );
  });
  after(async () => {
    await h?.close();
    await Promise.all([globalHttp?.close(), keyHttp?.close(), socks?.close()]);
  });

  /** Requests that went through an HTTP proxy, tunnelled or forwarded. */
  const carried = (p: TestHttpProxy) => p.tunnels.length + p.forwarded.length;

  it("the global http:// proxy (with credentials) carries keys without their own proxy-url", async () => {
    const before = carried(globalHttp);
    for (let i = 0; i < 2; i++) {
      const r = await messages(h.proxy.url, "m-global", { stream: i === 1 });
      assert.equal(r.status, 200, r.text);
    }
    assert.ok(globalHttp.connections >= 1);
    assert.ok(carried(globalHttp) > before, "traffic went through the global proxy");
    assert.ok(globalHttp.auths.length > 0 && globalHttp.auths.every((a) => a === "proxy-user:proxy-pass"));
    const upstreamHost = new URL(h.upstream.url).host;
    assert.ok(
      [...globalHttp.tunnels, ...globalHttp.forwarded.map((u) => new URL(u).host)].includes(upstreamHost),
    );
    assert.equal(h.upstream.requests.at(-1)?.auth, "via-global");
  });

  it("a per-key socks5:// proxy with user:pass carries that key's traffic", async () => {
    const globalBefore = carried(globalHttp);
    const r = await messages(h.proxy.url, "m-socks");
    assert.equal(r.status, 200, r.text);
    assert.equal(h.upstream.requests.at(-1)?.auth, "via-socks");
    assert.ok(socks.connections >= 1);
    assert.ok(socks.logins.includes("sockuser"));
    assert.ok(socks.targets.includes(new URL(h.upstream.url).host));
    assert.equal(carried(globalHttp), globalBefore, "the global proxy was not used for this key");
  });

  it("a wrong socks5 password fails the call (the proxy really authenticates)", async () => {
    const rejectedBefore = socks.rejected;
    h.upstream.reset();
    const r = await messages(h.proxy.url, "m-bad-socks");
    assert.equal(r.status, 502);
    assert.ok(socks.rejected > rejectedBefore);
    assert.equal(h.upstream.requests.length, 0);
  });

  it("a per-key http:// proxy wins over the global one; `direct` opts out of both", async () => {
    const globalBefore = carried(globalHttp);
    assert.equal((await messages(h.proxy.url, "m-key-http")).status, 200);
    assert.ok(carried(keyHttp) >= 1);
    assert.equal(h.upstream.requests.at(-1)?.auth, "via-key-http");

    const keyBefore = carried(keyHttp);
    const socksBefore = socks.connections;
    assert.equal((await messages(h.proxy.url, "m-direct")).status, 200);
    assert.equal(h.upstream.requests.at(-1)?.auth, "via-direct");
    assert.equal(carried(keyHttp), keyBefore);
    assert.equal(carried(globalHttp), globalBefore);
    assert.equal(socks.connections, socksBefore);
  });
});
