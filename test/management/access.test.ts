import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import bcrypt from "bcryptjs";
import { precheck, providedKey } from "../../src/management/access.ts";
import { BAN_MS, FailedAttempts, MAX_FAILURES } from "../../src/management/attempts.ts";
import { isLoopbackAddress, normalizeAddress } from "../../src/management/client-address.ts";
import { isBcryptHash, KeyVerifier } from "../../src/management/secret.ts";
import { startProxy } from "../../src/start.ts";
import { call, type Harness, managedConfig, SECRET, startManaged, waitFor } from "./helpers.ts";

describe("management access: decisions", () => {
  const on = { secret: "s", allowRemote: false, envPassword: "" };

  it("is 404 when neither a secret nor MANAGEMENT_PASSWORD is set", () => {
    assert.equal(precheck({ ...on, secret: "" }, "127.0.0.1", 0)?.status, 404);
    assert.equal(precheck({ ...on, secret: "", envPassword: "p" }, "127.0.0.1", 0), undefined);
  });

  it("refuses remote clients unless allowed (or MANAGEMENT_PASSWORD is set, as in the original)", () => {
    assert.deepEqual(precheck(on, "10.1.2.3", 0), { status: 403, error: "remote management disabled" });
    assert.equal(precheck({ ...on, allowRemote: true }, "10.1.2.3", 0), undefined);
    assert.equal(precheck({ ...on, envPassword: "p" }, "10.1.2.3", 0), undefined);
    assert.equal(precheck(on, "127.0.0.1", 0), undefined);
    assert.equal(precheck(on, "", 0)?.status, 403, "an unknown peer is not local");
  });

  it("refuses a banned address first, saying for how long", () => {
    const d = precheck({ ...on, allowRemote: true }, "127.0.0.1", 90_500);
    assert.equal(d?.status, 403);
    assert.match(d!.error, /too many failed attempts.*1m31s/);
    assert.equal(d?.retryAfterSeconds, 91);
  });

  it("recognises loopback addresses only", () => {
    for (const a of ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"])
      assert.ok(isLoopbackAddress(a), a);
    for (const a of ["192.0.2.2", "::ffff:10.0.0.1", "fe80::1", "1270.0.0.1", ""])
      assert.ok(!isLoopbackAddress(a), a);
    assert.equal(normalizeAddress("::ffff:10.0.0.1"), "10.0.0.1");
  });

  it("reads the key from each accepted header", () => {
    const from = (h: Record<string, string>) => providedKey((n) => h[n]);
    assert.equal(from({ authorization: "Bearer abc" }), "abc");
    assert.equal(from({ authorization: "bearer  abc " }), "abc");
    assert.equal(from({ authorization: "abc" }), "abc");
    assert.equal(from({ "x-management-key": "k" }), "k");
    assert.equal(from({ "x-local-password": "p" }), "p");
    assert.equal(from({}), "");
  });

  it("bans after five failures for thirty minutes; a success clears the count", () => {
    let now = 1_000;
    const attempts = new FailedAttempts(() => now);
    for (let i = 1; i < MAX_FAILURES; i++) assert.equal(attempts.fail("a"), false);
    attempts.succeed("a");
    for (let i = 1; i < MAX_FAILURES; i++) attempts.fail("a");
    assert.equal(attempts.banRemaining("a"), 0);
    assert.equal(attempts.fail("a"), true);
    assert.equal(attempts.banRemaining("a"), BAN_MS);
    assert.equal(attempts.banRemaining("b"), 0, "other addresses are unaffected");
    now += BAN_MS;
    assert.equal(attempts.banRemaining("a"), 0, "the ban expires");
    assert.equal(attempts.fail("a"), false, "and the count starts over");
  });

  it("verifies plaintext and bcrypt secrets", async () => {
    const hash = await bcrypt.hash("pw", 4);
    assert.ok(isBcryptHash(hash));
    assert.ok(!isBcryptHash("pw"));
    const v = new KeyVerifier();
    assert.equal(await v.matches("pw", hash), true);
    assert.equal(await v.matches("pw", hash), true, "cached digest");
    assert.equal(await v.matches("px", hash), false);
    assert.equal(await v.matches("pw", "pw"), true);
    assert.equal(await v.matches("pw ", "pw"), false);
  });
});

describe("management access over HTTP", () => {
  let h: Harness;
  before(async () => {
    h = await startManaged();
  });
  after(() => h.close());

  it("hashes a plaintext secret-key on start-up, keeping the comment", async () => {
    await waitFor(async () => (await readFile(h.configPath, "utf8")).includes("$2"));
    const text = await readFile(h.configPath, "utf8");
    assert.ok(!text.includes(SECRET));
    const line = text.split("\n").find((l) => l.includes("secret-key"))!;
    assert.match(line, /secret-key: "\$2[aby]\$10\$.{53}" # the management key/);
    assert.ok(await bcrypt.compare(SECRET, /"(\$2.*)"/.exec(line)![1]));
    assert.ok(isBcryptHash(h.proxy.runtime.config["remote-management"]["secret-key"]));
    assert.ok(text.startsWith("# top comment"));
  });

  it("accepts the key in each header form", async () => {
    const forms: Record<string, string>[] = [
      { authorization: `Bearer ${SECRET}` },
      { "x-management-key": SECRET },
      { "x-local-password": SECRET },
    ];
    for (const headers of forms) {
      const r = await call(h, "GET", "debug", undefined, headers);
      assert.equal(r.status, 200, JSON.stringify(Object.keys(headers)));
      assert.deepEqual(r.body, { debug: false });
    }
  });

  it("refuses a missing or wrong key with 401, never echoing the key", async () => {
    const missing = await call(h, "GET", "debug", undefined, {});
    assert.equal(missing.status, 401);
    assert.deepEqual(missing.body, { error: "missing management key" });
    const wrong = await call(h, "GET", "config", undefined, { authorization: "Bearer not-the-key" });
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.body, { error: "invalid management key" });
    assert.ok(!wrong.text.includes("not-the-key"));
    assert.equal((await call(h, "GET", "debug")).status, 200, "a success resets the failure count");
  });

  it("never returns the secret: GET config hides remote-management, config.yaml holds only the hash", async () => {
    const config = await call(h, "GET", "config");
    assert.equal(config.status, 200);
    assert.ok(!("remote-management" in config.body));
    const yaml = await call(h, "GET", "config.yaml");
    assert.ok(!yaml.text.includes(SECRET));
  });

  it("guards unknown management paths too", async () => {
    assert.equal((await call(h, "GET", "no-such-route", undefined, {})).status, 401);
    assert.equal((await call(h, "GET", "no-such-route")).status, 404);
  });
});

describe("management ban", () => {
  let h: Harness;
  before(async () => {
    h = await startManaged();
  });
  after(() => h.close());

  it("bans an address after five wrong keys, even for the right key", async () => {
    for (let i = 0; i < 5; i++) {
      assert.equal(
        (await call(h, "GET", "debug", undefined, { "x-management-key": `bad-${i}` })).status,
        401,
      );
    }
    const banned = await call(h, "GET", "debug");
    assert.equal(banned.status, 403);
    assert.match(
      banned.body.error,
      /IP banned due to too many failed attempts\. Try again in (30m0s|29m[45]\ds)/,
    );
    assert.ok(Number(banned.headers.get("retry-after")) > 1700);
  });
});

describe("management disabled and MANAGEMENT_PASSWORD", () => {
  it("answers 404 on every management route when no key is configured", async () => {
    const h = await startManaged("", "");
    try {
      for (const path of ["debug", "config", "config.yaml", "api-keys", "nope"]) {
        const r = await call(h, "GET", path);
        assert.equal(r.status, 404, path);
      }
      assert.equal((await call(h, "PUT", "debug", { value: true })).status, 404);
    } finally {
      await h.close();
    }
  });

  it("accepts MANAGEMENT_PASSWORD when the config has no secret", async () => {
    process.env.MANAGEMENT_PASSWORD = "env-password";
    let h: Harness | undefined;
    try {
      h = await startManaged("", "");
      assert.equal(
        (await call(h, "GET", "debug", undefined, { authorization: "Bearer env-password" })).status,
        200,
      );
      assert.equal((await call(h, "GET", "debug")).status, 401);
    } finally {
      delete process.env.MANAGEMENT_PASSWORD;
      await h?.close();
    }
  });
});

/** An address of this machine that is not loopback, so a connection to it is a "remote" client. */
function otherLocalAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return undefined;
}

describe("management from a non-loopback address", () => {
  const address = otherLocalAddress();

  it("is refused unless allow-remote is true", {
    skip: address ? false : "no non-loopback interface",
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "cpa-mgmt-remote-"));
    const configPath = join(dir, "config.yaml");
    await writeFile(configPath, managedConfig(dir));
    const proxy = await startProxy({ configPath, host: "0.0.0.0", port: 0, watchDebounceMs: 50 });
    const remote = (path: string) =>
      fetch(`http://${address}:${proxy.port}/v0/management/${path}`, {
        headers: { authorization: `Bearer ${SECRET}` },
      });
    try {
      const refused = await remote("debug");
      assert.equal(refused.status, 403);
      assert.deepEqual(await refused.json(), { error: "remote management disabled" });

      const local = await fetch(`http://127.0.0.1:${proxy.port}/v0/management/config.yaml`, {
        method: "PUT",
        headers: { authorization: `Bearer ${SECRET}` },
        body: (await readFile(configPath, "utf8")).replace("allow-remote: false", "allow-remote: true"),
      });
      assert.equal(local.status, 200);
      const allowed = await remote("debug");
      assert.equal(allowed.status, 200);
      assert.deepEqual(await allowed.json(), { debug: false });
    } finally {
      await proxy.close(500);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
