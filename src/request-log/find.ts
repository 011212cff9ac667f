/** Finding a request's log file by its request id (the end of the file name). */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

/** Ids as `logFileName` keeps them: letters, digits, `_` and `-`. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The log file (`...-<id>.log`, an `error-` file or a full request log) of request `id` in
 * `dir`, newest first should an id repeat; undefined when there is none or `dir` is missing.
 */
export async function findRequestLog(
  dir: string,
  id: string,
): Promise<{ name: string; path: string } | undefined> {
  const suffix = `-${id}.log`;
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isFile() && e.name.endsWith(suffix))
      .map((e) => e.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  if (names.length === 0) return undefined;
  let best: { name: string; path: string; mtime: number } | undefined;
  for (const name of names) {
    const path = join(dir, name);
    const mtime = await stat(path).then(
      (s) => s.mtimeMs,
      () => -1,
    );
    if (mtime >= 0 && (!best || mtime > best.mtime)) best = { name, path, mtime };
  }
  return best && { name: best.name, path: best.path };
}
