import { mkdir, readdir, readFile, stat, unlink } from "node:fs/promises";
import { basename, join } from "node:path";
import { writeFileAtomic } from "../config/index.ts";
import { ManagementError } from "./errors.ts";

// The OAuth credential files in auth-dir (`<name>.json`), read and written for the management
// API. Writes are atomic (temp file + rename), so a crash never leaves half a credential, and
// a change of one file is serialised so two status toggles cannot lose each other's update.

export interface AuthFileInfo {
  name: string;
  size: number;
  /** Last modification, ISO 8601. */
  modtime: string;
  /** The file's `type` (gemini, claude, codex, ...); the Go original also reports it as provider. */
  type: string;
  provider: string;
  email?: string;
  project_id?: string;
  priority?: number;
  note?: string;
  disabled: boolean;
  status: "active" | "disabled" | "error";
}

/** A plain file name ending in .json: no directories, no traversal, no hidden tricks. */
export function checkAuthFileName(name: string | undefined): string {
  const n = name?.trim() ?? "";
  if (!n || n !== basename(n) || /[/\\\0]/.test(n) || n === "." || n === "..") {
    throw new ManagementError(400, "invalid name");
  }
  if (!n.toLowerCase().endsWith(".json")) throw new ManagementError(400, "name must end with .json");
  return n;
}

function isJsonFile(name: string): boolean {
  return name.toLowerCase().endsWith(".json") && !name.startsWith(".");
}

/** Parses credential content; it must be a JSON object. */
export function parseAuthJson(data: string | Uint8Array): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof data === "string" ? data : Buffer.from(data).toString("utf8"));
  } catch (err) {
    throw new ManagementError(400, `auth file is not valid JSON: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ManagementError(400, "auth file must be a JSON object");
  }
  return parsed as Record<string, unknown>;
}

function describe(name: string, size: number, mtime: Date, content: Record<string, unknown> | undefined) {
  const str = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : undefined);
  const type = str(content?.type) ?? "";
  const disabled = content?.disabled === true;
  const info: AuthFileInfo = {
    name,
    size,
    modtime: mtime.toISOString(),
    type,
    provider: type,
    disabled,
    status: disabled ? "disabled" : "active",
  };
  const email = str(content?.email);
  if (email) info.email = email;
  const project = str(content?.project_id);
  if (project) info.project_id = project;
  const priority = Number(content?.priority);
  if (content?.priority !== undefined && Number.isInteger(priority)) info.priority = priority;
  const note = str(content?.note);
  if (note) info.note = note;
  return info;
}

/** Every .json file in `dir`, sorted by name; a missing directory is an empty list. */
export async function listAuthFiles(dir: string): Promise<AuthFileInfo[]> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  const infos = await Promise.all(
    names.filter(isJsonFile).map(async (name) => {
      const path = join(dir, name);
      try {
        const [s, text] = await Promise.all([stat(path), readFile(path, "utf8")]);
        let content: Record<string, unknown> | undefined;
        try {
          content = parseAuthJson(text);
        } catch {
          content = undefined; // listed, but without the fields a broken file cannot give
        }
        return describe(name, s.size, s.mtime, content);
      } catch {
        return undefined; // removed between readdir and read
      }
    }),
  );
  return infos
    .filter((i): i is AuthFileInfo => i !== undefined)
    .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
}

export async function readAuthFile(dir: string, name: string): Promise<Buffer> {
  try {
    return await readFile(join(dir, checkAuthFileName(name)));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new ManagementError(404, "file not found");
    throw err;
  }
}

const fileLocks = new Map<string, Promise<unknown>>();

function locked<T>(path: string, task: () => Promise<T>): Promise<T> {
  const previous = fileLocks.get(path) ?? Promise.resolve();
  const run = previous.then(task, task);
  const settled = run.catch(() => {});
  fileLocks.set(path, settled);
  void settled.then(() => {
    if (fileLocks.get(path) === settled) fileLocks.delete(path);
  });
  return run;
}

/** Stores a credential (content must be a JSON object), creating auth-dir if needed. */
export async function writeAuthFile(dir: string, name: string, data: Uint8Array): Promise<string> {
  const file = checkAuthFileName(name);
  parseAuthJson(data);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, file);
  await locked(path, () => writeFileAtomic(path, data, 0o600));
  return file;
}

/** Removes one credential; false when it did not exist. */
export async function deleteAuthFile(dir: string, name: string): Promise<boolean> {
  const path = join(dir, checkAuthFileName(name));
  return locked(path, async () => {
    try {
      await unlink(path);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw err;
    }
  });
}

/** Removes every credential file; returns how many. */
export async function deleteAllAuthFiles(dir: string): Promise<number> {
  const files = await listAuthFiles(dir);
  let deleted = 0;
  for (const f of files) if (await deleteAuthFile(dir, f.name)) deleted++;
  return deleted;
}

/** Sets the file's `disabled` field (the Go original's on-disk flag), keeping everything else. */
export async function setAuthFileDisabled(dir: string, name: string, disabled: boolean): Promise<void> {
  await editAuthFile(dir, name, (content) => {
    content.disabled = disabled;
  });
}

/**
 * Changes one credential file through `edit` (which mutates the parsed object), keeping every
 * other field and the file's layout; serialised with other changes of the same file. 404 when
 * the file is missing, 409 when what is stored is not a JSON object.
 */
export async function editAuthFile(
  dir: string,
  name: string,
  edit: (content: Record<string, unknown>) => void,
): Promise<void> {
  const path = join(dir, checkAuthFileName(name));
  await locked(path, async () => {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT")
        throw new ManagementError(404, "auth file not found");
      throw err;
    }
    let content: Record<string, unknown>;
    try {
      content = parseAuthJson(text);
    } catch (err) {
      throw new ManagementError(409, `cannot change ${name}: ${(err as Error).message}`);
    }
    edit(content);
    // Keep the file's layout style: indented files stay indented.
    const indent = /^\{\s*\n(\s+)"/.exec(text)?.[1].length ?? 0;
    const next = JSON.stringify(content, null, indent || undefined) + (text.endsWith("\n") ? "\n" : "");
    await writeFileAtomic(path, next, 0o600);
  });
}
