/** Request-log file names, writing, and the cap on error files. */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, stat, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";

export const ERROR_PREFIX = "error-";

/** Local time as `2025-12-23T195811`, the Go original's file-name stamp. */
function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** The URL path made safe for a file name: `/v1/chat/completions` -> `v1-chat-completions`. */
function pathPart(url: string): string {
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  const safe = path
    .replace(/[/\\:<>"|?*\s]/g, "-")
    .replace(/[^A-Za-z0-9._-]/g, "")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
  return safe.slice(0, 80) || "root";
}

/**
 * `v1-chat-completions-2025-12-23T195811-<id>.log`, or with the `error-` prefix for error files
 * written while request logging is off (the Go original's naming).
 */
export function logFileName(url: string, when: Date, id: string | undefined, error: boolean): string {
  const suffix = id ? id.replace(/[^A-Za-z0-9_-]/g, "").slice(0, 40) : randomBytes(4).toString("hex");
  return `${error ? ERROR_PREFIX : ""}${pathPart(url)}-${stamp(when)}-${suffix || randomBytes(4).toString("hex")}.log`;
}

export async function writeLogFile(dir: string, name: string, content: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  await writeFile(path, content, { mode: 0o600 });
  return path;
}

/** Deletes all but the newest `keep` error files (by modification time). 0 keeps everything. */
export async function pruneErrorLogs(dir: string, keep: number): Promise<number> {
  if (keep <= 0) return 0;
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.startsWith(ERROR_PREFIX) && n.endsWith(".log"));
  } catch {
    return 0;
  }
  if (names.length <= keep) return 0;
  const files = await Promise.all(
    names.map(async (name) => {
      try {
        return { name, mtime: (await stat(join(dir, name))).mtimeMs };
      } catch {
        return { name, mtime: -1 };
      }
    }),
  );
  files.sort((a, b) => b.mtime - a.mtime || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
  let removed = 0;
  for (const f of files.slice(keep)) {
    try {
      await unlink(join(dir, f.name));
      removed++;
    } catch {
      // already gone (deleted through the management API, or another prune)
    }
  }
  return removed;
}
