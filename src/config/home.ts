import { homedir } from "node:os";
import { join } from "node:path";

/** Expands a leading "~" (alone, or followed by / or \) to the current user's home directory. */
export function expandHome(path: string): string {
  if (path === "~") return homedir();
  if (path.startsWith("~/") || path.startsWith("~\\")) return join(homedir(), path.slice(2));
  return path;
}
