import { constants } from "node:fs";
import { copyFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * Creates `path` from the example config when it does not exist yet (parent directories
 * included). Never overwrites: a file that appears concurrently wins.
 */
export async function ensureConfigFile(path: string, examplePath: string): Promise<{ created: boolean }> {
  await mkdir(dirname(path), { recursive: true });
  try {
    await copyFile(examplePath, path, constants.COPYFILE_EXCL);
    return { created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return { created: false };
    throw err;
  }
}
