import assert from "node:assert/strict";
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { call, type Harness, SECRET, startManaged } from "./helpers.ts";

describe("management auth-files", () => {
  let h: Harness;
  let authDir: string;
  const auth = { authorization: `Bearer ${SECRET}` };
  before(async () => {
    h = await startManaged();
    authDir = join(h.dir, "auth");
  });
  after(() => h.close());

  it("lists nothing while auth-dir does not exist", async () => {
    assert.deepEqual((await call(h, "GET", "auth-files")).body, { files: [] });
  });

  it("uploads raw JSON with ?name=, creating auth-dir, private and atomic", async () => {
    const content = {
      type: "gemini",
      email: "a@example.com",
      project_id: "p-1",
      token: { access_token: "t" },
    };
    const r = await call(h, "POST", "auth-files?name=gemini-a.json", content);
    assert.deepEqual(r.body, { status: "ok" });
    const path = join(authDir, "gemini-a.json");
    assert.deepEqual(JSON.parse(await readFile(path, "utf8")), content);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.deepEqual(
      (await readdir(authDir)).filter((n) => n.endsWith(".tmp")),
      [],
      "no temporary files left behind",
    );
  });

  it("uploads one or several files as multipart", async () => {
    const one = new FormData();
    one.append(
      "file",
      new Blob([JSON.stringify({ type: "claude", email: "c@example.com", access_token: "t" })]),
      "claude-c.json",
    );
    const r1 = await fetch(`${h.proxy.url}/v0/management/auth-files`, {
      method: "POST",
      headers: auth,
      body: one,
    });
    assert.deepEqual(await r1.json(), { status: "ok" });

    const many = new FormData();
    many.append("file", new Blob([JSON.stringify({ type: "codex", access_token: "t" })]), "codex-1.json");
    many.append("file", new Blob(["not json"]), "broken.json");
    many.append("other", new Blob(["{}"]), "notes.txt");
    const r2 = await fetch(`${h.proxy.url}/v0/management/auth-files`, {
      method: "POST",
      headers: auth,
      body: many,
    });
    assert.equal(r2.status, 207);
    const body = (await r2.json()) as any;
    assert.equal(body.status, "partial");
    assert.deepEqual(body.files, ["codex-1.json"]);
    assert.deepEqual(
      body.failed.map((f: any) => f.name),
      ["broken.json", "notes.txt"],
    );
    assert.match(body.failed[0].error, /not valid JSON/);
    assert.match(body.failed[1].error, /must end with \.json/);
  });

  it("refuses unsafe names and non-object content", async () => {
    for (const name of ["../escape.json", "a/b.json", "x.txt", ""]) {
      const r = await call(h, "POST", `auth-files?name=${encodeURIComponent(name)}`, { type: "x" });
      assert.equal(r.status, 400, name);
    }
    const arr = await call(h, "POST", "auth-files?name=arr.json", [1, 2]);
    assert.equal(arr.status, 400);
    assert.match(arr.body.error, /JSON object/);
    const empty = await fetch(`${h.proxy.url}/v0/management/auth-files`, {
      method: "POST",
      headers: auth,
      body: new FormData(),
    });
    assert.equal(empty.status, 400);
  });

  it("lists files with type, provider, email and enabled state, sorted by name", async () => {
    // Usable files (with a token): "active" whether or not the auth-dir watcher has read them yet.
    await mkdir(authDir, { recursive: true });
    await writeFile(join(authDir, "ignored.txt"), "x");
    const files = (await call(h, "GET", "auth-files")).body.files;
    assert.deepEqual(
      files.map((f: any) => [f.name, f.type, f.provider, f.email, f.disabled, f.status]),
      [
        ["claude-c.json", "claude", "claude", "c@example.com", false, "active"],
        ["codex-1.json", "codex", "codex", undefined, false, "active"],
        ["gemini-a.json", "gemini", "gemini", "a@example.com", false, "active"],
      ],
    );
    assert.equal(files[2].project_id, "p-1");
    assert.ok(files[0].size > 0 && !Number.isNaN(Date.parse(files[0].modtime)));
    const one = (await call(h, "GET", "auth-files?name=codex-1.json")).body.files;
    assert.equal(one.length, 1);
  });

  it("downloads a file as stored", async () => {
    const r = await call(h, "GET", "auth-files/download?name=gemini-a.json");
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("content-disposition"), 'attachment; filename="gemini-a.json"');
    assert.equal(r.text, await readFile(join(authDir, "gemini-a.json"), "utf8"));
    assert.equal((await call(h, "GET", "auth-files/download?name=missing.json")).status, 404);
    assert.equal((await call(h, "GET", "auth-files/download?name=../config.yaml")).status, 400);
  });

  it("disables and re-enables a credential on disk, keeping its other fields", async () => {
    const r = await call(h, "PATCH", "auth-files/status", { name: "gemini-a.json", disabled: true });
    assert.deepEqual(r.body, { status: "ok", disabled: true });
    const stored = JSON.parse(await readFile(join(authDir, "gemini-a.json"), "utf8"));
    assert.equal(stored.disabled, true);
    assert.equal(stored.token.access_token, "t");
    const listed = (await call(h, "GET", "auth-files?name=gemini-a.json")).body.files[0];
    assert.equal(listed.status, "disabled");
    await call(h, "PATCH", "auth-files/status", { name: "gemini-a.json", disabled: false });
    assert.equal((await call(h, "GET", "auth-files?name=gemini-a.json")).body.files[0].disabled, false);
    assert.equal(
      (await call(h, "PATCH", "auth-files/status", { name: "nope.json", disabled: true })).status,
      404,
    );
    const bad = await call(h, "PATCH", "auth-files/status", { name: "gemini-a.json" });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /body\.disabled: is required/);
  });

  it("deletes by name (one or several) and all at once", async () => {
    assert.deepEqual((await call(h, "DELETE", "auth-files?name=claude-c.json")).body, { status: "ok" });
    assert.equal((await call(h, "DELETE", "auth-files?name=claude-c.json")).status, 404);
    const several = await call(h, "DELETE", "auth-files", { names: ["codex-1.json", "missing.json"] });
    assert.equal(several.status, 207);
    assert.deepEqual(several.body.files, ["codex-1.json"]);
    assert.equal((await call(h, "DELETE", "auth-files")).status, 400);
    await call(h, "POST", "auth-files?name=x.json", { type: "qwen" });
    assert.deepEqual((await call(h, "DELETE", "auth-files?all=true")).body, { status: "ok", deleted: 2 });
    assert.deepEqual((await readdir(authDir)).sort(), ["ignored.txt"]);
  });
});
