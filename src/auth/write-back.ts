import { chmod, mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../config/index.ts";
import { type AuthFile, parseAuthFile, serializeAuthContent } from "./auth-file.ts";
import type { NewAuthFile } from "./auth-kind.ts";

/**
 * Writing account files: temp file + rename (readers never see half a file), mode 0600
 * (they hold tokens). Token updates merge into what is on disk now, so every other field,
 * known or not, and any edit made since the file was loaded, survives.
 */

/** Merges `fields` into the file on disk and returns the file as written. */
export async function writeBackAuthFile(
  loaded: AuthFile,
  fields: Record<string, unknown>,
): Promise<AuthFile> {
  let base = loaded;
  try {
    base = parseAuthFile(loaded.name, loaded.path, await readFile(loaded.path, "utf8"));
  } catch {
    // removed or broken since it was loaded: write what we know
  }
  const content = { ...base.content, ...fields };
  const text = serializeAuthContent(content, base.indent, base.trailingNewline);
  await writeSecret(loaded.path, text);
  return parseAuthFile(loaded.name, loaded.path, text);
}

/** Stores a new account file in `dir` (created 0700 if missing); returns its path. */
export async function saveNewAuthFile(dir: string, file: NewAuthFile): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, file.fileName);
  await writeSecret(path, serializeAuthContent(file.content, 2, true));
  return path;
}

async function writeSecret(path: string, text: string): Promise<void> {
  // writeFileAtomic keeps an existing file's mode; make that 0600 first.
  await chmod(path, 0o600).catch(() => {});
  await writeFileAtomic(path, text, 0o600);
}
