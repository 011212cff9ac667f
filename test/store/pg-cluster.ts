import { execFile } from "node:child_process";
import { globSync } from "node:fs";
import { chown, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

// A throwaway PostgreSQL cluster for tests: initdb into a temp dir, pg_ctl start on a free
// loopback port (socket in the same dir), trust auth, fsync off; stopped and removed after.
//
// PostgreSQL refuses to run as root. The CI runs as root (Debian, package `postgresql`, which
// .ci/run installs and which creates the `postgres` system user), so when our uid is 0 the temp
// dir is handed to `postgres` and initdb/pg_ctl run through `runuser -u postgres --`.

const run = promisify(execFile);

export interface PgCluster {
  dsn: string;
  stop(): Promise<void>;
}

/** The newest installed server's bin dir, or undefined when PostgreSQL is not installed. */
export function postgresBinDir(): string | undefined {
  const found = globSync("/usr/lib/postgresql/*/bin/initdb").sort(
    (a, b) => Number(b.split("/")[4]) - Number(a.split("/")[4]),
  );
  return found[0]?.replace(/\/initdb$/, "");
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function startPgCluster(): Promise<PgCluster> {
  const bin = postgresBinDir();
  if (!bin) throw new Error("PostgreSQL is not installed (/usr/lib/postgresql/*/bin)");
  const asRoot = process.getuid?.() === 0;
  const dir = await mkdtemp(join(tmpdir(), "cpa-pg-"));
  if (asRoot) {
    const uid = Number((await run("id", ["-u", "postgres"])).stdout.trim());
    const gid = Number((await run("id", ["-g", "postgres"])).stdout.trim());
    await chown(dir, uid, gid);
  }
  const pgRun = (tool: string, args: string[]) =>
    asRoot ? run("runuser", ["-u", "postgres", "--", join(bin, tool), ...args]) : run(join(bin, tool), args);
  const data = join(dir, "data");
  const port = await freePort();
  try {
    await pgRun("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
    const serverOpts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
    await pgRun("pg_ctl", ["-D", data, "-o", serverOpts, "-l", join(dir, "server.log"), "-w", "-s", "start"]);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    dsn: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await pgRun("pg_ctl", ["-D", data, "-m", "immediate", "-w", "-s", "stop"]).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}
