import { randomBytes } from "node:crypto";
import { open, realpath, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Replaces `path` so that readers see either the old or the new content, never a mix: the
 * data goes to a temporary file in the same directory, is flushed to disk, then renamed over
 * the target. A symlinked target is written through (the link stays), and an existing file
 * keeps its permission bits; a new file gets `mode` (default 0o600: configs hold secrets).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const target = await realpath(path).catch(() => path);
  const existingMode = await stat(target).then(
    (s) => s.mode & 0o7777,
    () => undefined,
  );
  const dir = dirname(target);
  const temp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  const handle = await open(temp, "wx", existingMode ?? mode);
  try {
    try {
      await handle.chmod(existingMode ?? mode); // open()'s mode is filtered by the umask
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (err) {
    await unlink(temp).catch(() => {});
    throw err;
  }
  await syncDirectory(dir);
}

/** Makes the rename itself durable. Not every platform can open a directory; that is fine. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r").catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // e.g. EISDIR/EPERM on some platforms: the data itself is already synced
  } finally {
    await handle.close();
  }
}
