// `npm start`: runs the proxy from the compiled build in dist/, rebuilding it first when any
// file under src/ is newer than the build. Plain JavaScript on purpose: running the TypeScript
// sources directly costs ~20-40 MB of extra memory for Node's type stripping.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const entry = join(root, "dist", "src", "main.js");

function newestMtime(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

if (!existsSync(entry) || newestMtime(join(root, "src")) > statSync(entry).mtimeMs) {
  process.stderr.write("Building dist/ from src/ (first start or sources changed)...\n");
  const tsc = join(root, "node_modules", ".bin", "tsc");
  const built = spawnSync(tsc, ["-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });
  // Type errors still emit JavaScript; only a missing build is fatal.
  if (built.status !== 0 && !existsSync(entry)) process.exit(built.status ?? 1);
}

await import(entry);
