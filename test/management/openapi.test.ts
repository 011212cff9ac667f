import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { parseConfigText } from "../../src/config/index.ts";
import { createManagementApp } from "../../src/management/index.ts";
import { Runtime } from "../../src/proxy/runtime.ts";

// docs/management-openapi.yaml must describe exactly the routes the management app serves.

const METHODS = ["get", "put", "patch", "delete", "post"];

describe("management OpenAPI document", () => {
  it("is OpenAPI 3.1 and lists every served route with its verbs, and nothing else", async () => {
    const doc = parse(await readFile(new URL("../../docs/management-openapi.yaml", import.meta.url), "utf8"));
    assert.match(doc.openapi, /^3\.1\./);
    const documented = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(item).filter((m) => METHODS.includes(m))) {
        documented.add(`${method.toUpperCase()} ${path}`);
      }
    }
    const app = createManagementApp(new Runtime(parseConfigText("").config));
    const served = new Set(
      app.routes
        .filter((r) => r.method !== "ALL")
        .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z]+)/g, "{$1}")}`),
    );
    assert.ok(served.size > 80, `only ${served.size} routes?`);
    assert.deepEqual(
      [...served].filter((r) => !documented.has(r)),
      [],
      "served but not documented",
    );
    assert.deepEqual(
      [...documented].filter((r) => !served.has(r)),
      [],
      "documented but not served",
    );
  });
});
