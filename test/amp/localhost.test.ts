/**
 * ampcode.restrict-management-to-localhost: the control plane answers only loopback peers (by
 * TCP address, never X-Forwarded-For); the provider aliases are not restricted. The proxy listens
 * on every interface and the test calls it through this machine's non-loopback address.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type FakeUpstream, startFakeUpstream } from "../../src/fake-upstream/server.ts";
import { type RunningProxy, startProxy } from "../../src/start.ts";
import { ampSection, ampTestConfig, auth, waitFor } from "./helpers.ts";

const external = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === "IPv4" && !i.internal)?.address;

describe("amp: restrict-management-to-localhost", {
  skip: external ? false : "no non-loopback interface",
}, () => {
  let amp: FakeUpstream;
  let proxy: RunningProxy;
  let dir: string;
  let configPath: string;
  const config = (restrict: boolean) =>
    ampTestConfig(amp.url, dir, ampSection(amp.url, `  restrict-management-to-localhost: ${restrict}\n`));
  const at = (host: string, path: string, headers: Record<string, string> = auth()) =>
    fetch(`http://${host}:${proxy.port}${path}`, { headers });

  before(async () => {
    amp = await startFakeUpstream({ host: "127.0.0.1", port: 0 });
    dir = await mkdtemp(join(tmpdir(), "cpa-amp-"));
    configPath = join(dir, "config.yaml");
    await writeFile(configPath, config(true));
    proxy = await startProxy({ configPath, host: "0.0.0.0", port: 0, watchDebounceMs: 50 });
  });
  after(async () => {
    await proxy.close(1000);
    await amp.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("serves loopback clients", async () => {
    const res = await at("127.0.0.1", "/api/user");
    assert.equal(res.status, 200);
  });

  it("refuses other peers, even claiming to be local in X-Forwarded-For", async () => {
    amp.reset();
    for (const headers of [auth(), { ...auth(), "x-forwarded-for": "127.0.0.1", "x-real-ip": "127.0.0.1" }]) {
      const res = await at(external!, "/api/user", headers);
      assert.equal(res.status, 403);
      assert.deepEqual(await res.json(), {
        error: "Access denied: management routes restricted to localhost",
      });
    }
    const page = await at(external!, "/auth/cli-login", {});
    assert.equal(page.status, 403);
    assert.equal(amp.requests.length, 0);
  });

  it("does not restrict the provider aliases", async () => {
    const res = await at(external!, "/api/provider/openai/v1/models");
    assert.equal(res.status, 200);
  });

  it("lifts the restriction on reload", async () => {
    await writeFile(configPath, config(false));
    await waitFor(async () => (await at(external!, "/api/user")).status === 200);
  });
});
