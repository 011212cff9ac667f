import { constants } from "node:fs";
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

// A remote home for config.yaml and the auth files (git, PostgreSQL, S3), as in the Go
// original. Every backend keeps a local mirror laid out the same way, so the proxy keeps
// working on plain files: <root>/config/config.yaml and <root>/auths/*.json.

export type StoreKind = "git" | "postgres" | "object";

/** Mirror paths relative to the root, with forward slashes (they double as remote keys). */
export const CONFIG_REL = "config/config.yaml";
export const AUTH_DIR_REL = "auths";

export interface Store {
  readonly kind: StoreKind;
  /** The mirror directory. */
  readonly root: string;
  readonly configPath: string;
  readonly authDir: string;
  /**
   * Brings the remote content into the mirror. When the remote has no config yet, the mirror's
   * config (created from `examplePath` when missing) is uploaded as the first one.
   */
  pull(examplePath?: string): Promise<void>;
  /**
   * Makes the remote copy of one mirror file (`CONFIG_REL` or `auths/<name>`) match the mirror:
   * uploaded when it exists, deleted remotely when it does not.
   */
  pushFile(rel: string): Promise<void>;
  close(): Promise<void>;
}

export class StoreError extends Error {
  override name = "StoreError";
}

/**
 * Creates the mirror's config from the example when it is missing (an empty file when there
 * is no example, as the Go stores do). Never overwrites.
 */
export async function seedConfig(configPath: string, examplePath: string | undefined): Promise<void> {
  await mkdir(dirname(configPath), { recursive: true, mode: 0o700 });
  try {
    if (examplePath) await copyFile(examplePath, configPath, constants.COPYFILE_EXCL);
    else await writeFile(configPath, "", { flag: "wx", mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
}

export function mirrorPaths(root: string): { configPath: string; authDir: string } {
  return { configPath: join(root, ...CONFIG_REL.split("/")), authDir: join(root, AUTH_DIR_REL) };
}

/** Windows and old-Mac line ends become "\n" (the Go stores store config text that way). */
export function normalizeLineEndings(text: string): string {
  return text.replace(/\r\n?/g, "\n");
}

/** `message` with every given secret (and its URL-encoded form) replaced, for logs and errors. */
export function redact(message: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = message;
  for (const s of secrets) {
    if (!s || s.length < 3) continue;
    for (const form of new Set([s, encodeURIComponent(s)])) out = out.split(form).join("***");
  }
  return out;
}

/** An auth file id ("x.json", "sub/x.json") that stays inside the auth dir, or undefined. */
export function safeAuthId(id: string): string | undefined {
  const parts = id.replace(/\\/g, "/").split("/");
  if (parts.some((p) => p === "" || p === "." || p === "..")) return undefined;
  return parts.join("/");
}
