import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { overridePagePath } from "../../src/management/panel-route.ts";
import { call, type Harness, managedConfig, startManaged, waitFor } from "../management/helpers.ts";

const BUILT_IN = new URL("../../src/management/panel/", import.meta.url);

const get = (h: Harness, path: string) => fetch(`${h.proxy.url}${path}`);

describe("control panel route", () => {
  let h: Harness;
  before(async () => {
    h = await startManaged();
  });
  after(() => h.close());

  it("serves /management.html as HTML with a strict content security policy, without a key", async () => {
    const res = await get(h, "/management.html");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
    assert.match(res.headers.get("content-security-policy") ?? "", /script-src 'self'/);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    const body = await res.text();
    assert.equal(body, await readFile(new URL("management.html", BUILT_IN), "utf8"));
  });

  it("serves every asset the page references, with the right types", async () => {
    const page = await readFile(new URL("management.html", BUILT_IN), "utf8");
    const refs = [...page.matchAll(/(?:href|src)="(management\/assets\/[^"]+)"/g)].map((m) => m[1]);
    assert.ok(refs.some((r) => r.endsWith(".js")) && refs.some((r) => r.endsWith(".css")));
    for (const ref of refs) {
      const res = await get(h, `/${ref}`);
      assert.equal(res.status, 200, ref);
      const type = ref.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
      assert.equal(res.headers.get("content-type"), type, ref);
    }
    // Every module the entry script imports is served too.
    const main = await (await get(h, "/management/assets/main.js")).text();
    for (const [, name] of main.matchAll(/from "\.\/([a-z-]+\.js)"/g)) {
      assert.equal((await get(h, `/management/assets/${name}`)).status, 200, name);
    }
  });

  it("answers 404 for unknown or unsafe asset names", async () => {
    for (const path of [
      "/management/assets/nope.js",
      "/management/assets/..%2Fpanel-route.ts",
      "/management/assets/%2E%2E%2Fmanagement.html",
      "/management/assets/main.ts",
    ]) {
      assert.equal((await get(h, path)).status, 404, path);
    }
  });

  it("answers 404 once disable-control-panel is set, without a restart", async () => {
    const text = managedConfig(h.dir).replace(
      "  allow-remote: false\n",
      "  allow-remote: false\n  disable-control-panel: true\n",
    );
    // The secret in this text is plaintext again; the server hashes it, the key stays the same.
    const put = await call(h, "PUT", "config.yaml", text);
    assert.equal(put.status, 200, put.text);
    assert.equal((await get(h, "/management.html")).status, 404);
    assert.equal((await get(h, "/management/assets/main.js")).status, 404);
    // The management API itself is unaffected.
    assert.equal((await call(h, "GET", "routing/strategy")).status, 200);

    assert.equal((await call(h, "PUT", "config.yaml", managedConfig(h.dir))).status, 200);
    await waitFor(async () => (await get(h, "/management.html")).status === 200);
  });
});

describe("MANAGEMENT_STATIC_PATH", () => {
  let h: Harness;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "cpa-panel-"));
    await writeFile(join(dir, "management.html"), "<!doctype html><title>my own panel</title>");
    process.env.MANAGEMENT_STATIC_PATH = dir;
    try {
      h = await startManaged();
    } finally {
      delete process.env.MANAGEMENT_STATIC_PATH;
    }
  });
  after(async () => {
    await h.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("serves the copy from that directory instead of the built-in page, read afresh", async () => {
    let res = await get(h, "/management.html");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
    assert.equal(await res.text(), "<!doctype html><title>my own panel</title>");
    // The user's copy may inline its scripts: our policy is not forced on it.
    assert.equal(res.headers.get("content-security-policy"), null);

    await writeFile(join(dir, "management.html"), "<!doctype html><title>edited</title>");
    res = await get(h, "/management.html");
    assert.equal(await res.text(), "<!doctype html><title>edited</title>");
  });

  it("answers 404 when the directory has no management.html", async () => {
    await rm(join(dir, "management.html"));
    assert.equal((await get(h, "/management.html")).status, 404);
  });

  it("accepts a directory or the file itself", () => {
    assert.equal(overridePagePath("/srv/panel"), resolve("/srv/panel/management.html"));
    assert.equal(overridePagePath("/srv/panel/management.html"), resolve("/srv/panel/management.html"));
    assert.equal(overridePagePath("  "), undefined);
    assert.equal(overridePagePath(undefined), undefined);
  });
});
