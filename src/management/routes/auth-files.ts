import type { Context, Hono } from "hono";
import { z } from "zod";
import { authFileStatuses } from "../../auth/index.ts";
import type { Runtime } from "../../proxy/runtime.ts";
import {
  deleteAllAuthFiles,
  deleteAuthFile,
  listAuthFiles,
  readAuthFile,
  setAuthFileDisabled,
  writeAuthFile,
} from "../auth-file-store.ts";
import { readJson, validate } from "../body.ts";
import { ManagementError } from "../errors.ts";

// OAuth credential files in auth-dir: list, download, upload (multipart or raw JSON with
// `?name=`), delete (`?name=`, repeated, a JSON body of names, or `?all=true`), and
// enable/disable (`PATCH /auth-files/status`). Shapes follow the Go original.

const statusBody = z.strictObject(
  {
    name: z.string({ error: "expected a text value" }).trim().min(1, { error: "name is required" }),
    disabled: z.boolean({ error: "disabled is required (true or false)" }),
    auth_index: z.string().optional(),
  },
  { error: 'expected {"name": "...", "disabled": true|false}' },
);
const deleteBody = z.union(
  [
    z.array(z.string()),
    z.strictObject({ name: z.string().optional(), names: z.array(z.string()).optional() }),
  ],
  { error: 'expected {"name": "..."}, {"names": [...]} or a list of names' },
);

interface Failure {
  name: string;
  error: string;
}

/** Runs `task` for each name; collects successes and failures instead of stopping at the first. */
async function each(names: string[], task: (name: string) => Promise<string>) {
  const done: string[] = [];
  const failed: Failure[] = [];
  for (const name of names) {
    try {
      done.push(await task(name));
    } catch (err) {
      failed.push({
        name,
        error: err instanceof ManagementError ? err.message : "failed; see the server log",
      });
      if (!(err instanceof ManagementError)) throw err;
    }
  }
  return { done, failed };
}

async function namesToDelete(c: Context): Promise<string[]> {
  const fromQuery = c.req.queries("name") ?? [];
  let names = fromQuery;
  if (names.length === 0 && (await c.req.text()).trim() !== "") {
    const body = validate(deleteBody, await readJson(c));
    names = Array.isArray(body) ? body : [...(body.name ? [body.name] : []), ...(body.names ?? [])];
  }
  return [...new Set(names.map((n) => n.trim()).filter(Boolean))];
}

export function registerAuthFiles(app: Hono, rt: Runtime): void {
  const dir = () => rt.config["auth-dir"];

  app.get("/auth-files", async (c) => {
    const name = c.req.query("name")?.trim();
    // What the file says, plus how the running store sees it (refresh errors, expiry, cooling).
    const live = new Map(authFileStatuses(rt).map((s) => [s.name, s]));
    const files = (await listAuthFiles(dir())).map((f) => {
      const s = live.get(f.name);
      // Kinds this build cannot serve yet keep the file's own view; a disabled file stays disabled.
      if (!s?.provider) return f;
      const { name: _n, type: _t, provider: _p, email: _e, ...state } = s;
      return f.disabled ? { ...f, ...state, status: "disabled" } : { ...f, ...state };
    });
    return c.json({ files: name ? files.filter((f) => f.name === name) : files });
  });

  app.get("/auth-files/download", async (c) => {
    const name = c.req.query("name") ?? "";
    const data = await readAuthFile(dir(), name);
    return c.body(new Uint8Array(data), 200, {
      "content-type": "application/json",
      "content-disposition": `attachment; filename="${name.trim()}"`,
    });
  });

  app.post("/auth-files", async (c) => {
    const type = c.req.header("content-type") ?? "";
    if (!type.toLowerCase().startsWith("multipart/form-data")) {
      const name = c.req.query("name");
      const data = new Uint8Array(await c.req.arrayBuffer());
      await writeAuthFile(dir(), name ?? "", data);
      return c.json({ status: "ok" });
    }
    const form = await c.req.parseBody({ all: true });
    const files = Object.values(form)
      .flat()
      .filter((v): v is File => typeof v !== "string");
    if (files.length === 0) throw new ManagementError(400, "no files uploaded");
    if (files.length === 1) {
      await writeAuthFile(dir(), files[0].name, new Uint8Array(await files[0].arrayBuffer()));
      return c.json({ status: "ok" });
    }
    const byName = new Map(files.map((f) => [f.name, f]));
    const { done, failed } = await each([...byName.keys()], async (name) =>
      writeAuthFile(dir(), name, new Uint8Array(await byName.get(name)!.arrayBuffer())),
    );
    if (failed.length > 0) {
      return c.json({ status: "partial", uploaded: done.length, files: done, failed }, 207);
    }
    return c.json({ status: "ok", uploaded: done.length, files: done });
  });

  app.delete("/auth-files", async (c) => {
    const all = c.req.query("all");
    if (all === "true" || all === "1" || all === "*") {
      return c.json({ status: "ok", deleted: await deleteAllAuthFiles(dir()) });
    }
    const names = await namesToDelete(c);
    if (names.length === 0) throw new ManagementError(400, "invalid name: give ?name= or ?all=true");
    const remove = async (name: string) => {
      if (!(await deleteAuthFile(dir(), name))) throw new ManagementError(404, "auth file not found");
      return name;
    };
    if (names.length === 1) {
      await remove(names[0]);
      return c.json({ status: "ok" });
    }
    const { done, failed } = await each(names, remove);
    if (failed.length > 0) {
      return c.json({ status: "partial", deleted: done.length, files: done, failed }, 207);
    }
    return c.json({ status: "ok", deleted: done.length, files: done });
  });

  app.patch("/auth-files/status", async (c) => {
    const body = validate(statusBody, await readJson(c));
    await setAuthFileDisabled(dir(), body.name, body.disabled);
    return c.json({ status: "ok", disabled: body.disabled });
  });
}
