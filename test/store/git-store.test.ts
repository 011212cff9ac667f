import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { storeSettingsFromEnv } from "../../src/store/env.ts";
import { AUTH_NAME, runStoreScenario } from "./scenario.ts";

// The remote is a bare repository in a temp dir, reached through a file:// URL; the checks
// read it with the git command line, not through our store.

const run = promisify(execFile);

async function git(gitDir: string, ...args: string[]): Promise<string | undefined> {
  try {
    return (await run("git", ["--git-dir", gitDir, ...args])).stdout;
  } catch {
    return undefined;
  }
}

test("git store: bootstrap, push on change, second instance, delete", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cpa-gitstore-"));
  const bare = join(dir, "remote.git");
  await run("git", ["init", "-q", "--bare", bare]);
  const url = `file://${bare}`;
  const show = (path: string) => git(bare, "show", `HEAD:${path}`);
  try {
    await runStoreScenario(
      (instance) => {
        const settings = storeSettingsFromEnv(
          { GITSTORE_GIT_URL: url, GITSTORE_LOCAL_PATH: join(dir, instance) },
          dir,
        );
        assert.equal(settings?.kind, "git");
        assert.equal(settings.root, join(dir, instance, "gitstore"));
        return settings;
      },
      { config: () => show("config/config.yaml"), auth: (name) => show(`auths/${name}`) },
      {
        afterBootstrap: async () => {
          assert.equal(
            await git(bare, "log", "-1", "--format=%an <%ae>|%s"),
            "CLIProxyAPI <cliproxy@local>|Update config\n",
          );
          assert.equal(await show("auths/.gitkeep"), "");
          assert.equal(await show("config/.gitkeep"), "");
        },
        afterUpload: async () => {
          assert.equal(await git(bare, "log", "-1", "--format=%s"), `Update auth ${AUTH_NAME}\n`);
          // History stays one commit, as in the Go original.
          assert.equal(await git(bare, "rev-list", "--count", "HEAD"), "1\n");
        },
      },
    );
    const subjects = await git(bare, "log", "--format=%s");
    assert.equal(subjects, "Update config\n", "the last change was the config edit, on a single commit");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
