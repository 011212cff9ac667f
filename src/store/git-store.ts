import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type SimpleGit, simpleGit } from "simple-git";
import type { GitStoreSettings } from "./env.ts";
import {
  AUTH_DIR_REL,
  CONFIG_REL,
  mirrorPaths,
  redact,
  type Store,
  StoreError,
  seedConfig,
} from "./store.ts";

// config.yaml and the auth files in a git repository (GITSTORE_*), as the Go original keeps
// them: the clone is the mirror (<root>/config/config.yaml, <root>/auths/), every change is one
// commit by "CLIProxyAPI <cliproxy@local>" and is pushed at once. Like the original, the branch
// keeps a single parentless commit (tokens refresh often; history would only pile up secrets),
// so pushes are forced, with a lease on the remote commit we built on.

const AUTHOR = ["user.name=CLIProxyAPI", "user.email=cliproxy@local"];

export class GitStore implements Store {
  readonly kind = "git" as const;
  readonly root: string;
  readonly configPath: string;
  readonly authDir: string;
  private readonly settings: GitStoreSettings;
  private readonly authHeader: string;
  private branch = "";
  private gitInstance: SimpleGit | undefined;

  constructor(settings: GitStoreSettings) {
    this.settings = settings;
    this.root = settings.root;
    ({ configPath: this.configPath, authDir: this.authDir } = mirrorPaths(settings.root));
    // Credentials travel as a per-command header, never in the URL or .git/config.
    this.authHeader =
      settings.username || settings.token
        ? `Basic ${Buffer.from(`${settings.username || "git"}:${settings.token}`).toString("base64")}`
        : "";
  }

  async pull(examplePath?: string): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    await this.guard(async () => {
      if (existsSync(join(this.root, ".git"))) await this.refresh();
      else await this.cloneOrInit();
      await mkdir(this.authDir, { recursive: true, mode: 0o700 });
      if (!(await this.revision("HEAD"))) {
        // An empty remote: give it the two folders, as the original does.
        for (const rel of [`${AUTH_DIR_REL}/.gitkeep`, "config/.gitkeep"]) {
          await mkdir(join(this.root, rel, ".."), { recursive: true, mode: 0o700 });
          await writeFile(join(this.root, rel), "", { flag: "a" });
        }
        await this.commitAndPush("Initialize git token store", [
          `${AUTH_DIR_REL}/.gitkeep`,
          "config/.gitkeep",
        ]);
      }
      if (!existsSync(this.configPath)) {
        await seedConfig(this.configPath, examplePath);
        await this.commitAndPush("Update config", [CONFIG_REL]);
      }
    });
  }

  async pushFile(rel: string): Promise<void> {
    const message =
      rel === CONFIG_REL
        ? "Update config"
        : `${existsSync(join(this.root, rel)) ? "Update" : "Delete"} auth ${rel.slice(AUTH_DIR_REL.length + 1)}`;
    await this.guard(() => this.commitAndPush(message, [rel]));
  }

  async close(): Promise<void> {}

  private git(): SimpleGit {
    this.gitInstance ??= simpleGit({
      baseDir: this.root,
      config: [
        ...AUTHOR,
        "commit.gpgsign=false",
        ...(this.authHeader ? [`http.extraHeader=Authorization: ${this.authHeader}`] : []),
      ],
      timeout: { block: 60_000 },
      allowEnvironment: ["GIT_TERMINAL_PROMPT"],
    }).env(gitEnv());
    return this.gitInstance;
  }

  private async cloneOrInit(): Promise<void> {
    const { branch, url } = this.settings;
    try {
      await this.git().raw(["clone", ...(branch ? ["--branch", branch] : []), "--", url, "."]);
    } catch (err) {
      // A remote without the configured branch starts it, like an empty remote.
      if (!branch || !/Remote branch .* not found/i.test((err as Error).message)) throw err;
      await this.git().raw(["init", "-q"]);
      await this.git().raw(["remote", "add", "origin", url]);
    }
    if (branch) await this.git().raw(["symbolic-ref", "HEAD", `refs/heads/${branch}`]);
    this.branch = await this.currentBranch();
  }

  /** An existing clone takes the remote's state (tracked files); untracked files stay. */
  private async refresh(): Promise<void> {
    await this.git().raw(["fetch", "-q", "origin"]);
    const { branch } = this.settings;
    if (branch && (await this.currentBranch()) !== branch) {
      const remote = await this.revision(`refs/remotes/origin/${branch}`);
      await this.git().raw(
        remote ? ["checkout", "-q", "-B", branch, remote] : ["checkout", "-q", "--orphan", branch],
      );
    }
    this.branch = await this.currentBranch();
    const remote = await this.revision(`refs/remotes/origin/${this.branch}`);
    if (remote) await this.git().raw(["reset", "-q", "--hard", remote]);
  }

  /**
   * One commit with `paths` as they are in the mirror, on top of the remote's latest tree
   * (fetched first, so another instance's changes to other files are kept), then pushed.
   */
  private async commitAndPush(message: string, paths: string[]): Promise<void> {
    const git = this.git();
    const branch = this.branch || (await this.currentBranch());
    await git.raw(["fetch", "-q", "origin"]);
    const base = await this.revision("HEAD");
    const remote = await this.revision(`refs/remotes/origin/${branch}`);
    const start = remote ?? base;
    if (start) await git.raw(["reset", "-q", "--mixed", start]);
    for (const rel of paths) {
      if (existsSync(join(this.root, rel))) await git.raw(["add", "--", rel]);
      else await git.raw(["rm", "-q", "--cached", "--ignore-unmatch", "--", rel]);
    }
    const staged = start
      ? (await git.raw(["diff", "--cached", "--name-only", start, "--", ...paths])).trim()
      : (await git.raw(["ls-files", "--", ...paths])).trim();
    if (!staged) return;
    const tree = (await git.raw(["write-tree"])).trim();
    const commit = (await git.raw(["commit-tree", tree, "-m", message])).trim();
    await git.raw(["update-ref", `refs/heads/${branch}`, commit]);
    const refspec = `refs/heads/${branch}:refs/heads/${branch}`;
    try {
      await git.raw(
        remote
          ? ["push", "-q", `--force-with-lease=refs/heads/${branch}:${remote}`, "origin", refspec]
          : ["push", "-q", "origin", refspec],
      );
    } catch (err) {
      // Put the branch back so the next attempt starts from what the remote has.
      if (base) await git.raw(["update-ref", `refs/heads/${branch}`, base]);
      throw err;
    }
  }

  private async currentBranch(): Promise<string> {
    return (await this.git().raw(["symbolic-ref", "--short", "HEAD"])).trim();
  }

  private async revision(ref: string): Promise<string | undefined> {
    try {
      return (await this.git().raw(["rev-parse", "--verify", "-q", `${ref}^{commit}`])).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /** Runs a git sequence; failures become StoreErrors without credentials in them. */
  private async guard<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      const text = redact((err as Error).message, [this.settings.token, this.authHeader]).trim();
      throw new StoreError(`git store: ${text.split("\n").slice(0, 3).join(" ")}`);
    }
  }
}

/**
 * A small environment for git: where to find programs and certificates, proxies, and never a
 * prompt. Nothing else from ours (GIT_*, EDITOR, ... could redirect what git runs or reaches).
 */
const PASSED_ENV = /^(PATH|HOME|LANG|LC_ALL|TMPDIR|SSL_CERT_FILE|SSL_CERT_DIR|(HTTPS?|ALL|NO)_PROXY)$/i;

function gitEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && PASSED_ENV.test(k)) env[k] = v;
  env.GIT_TERMINAL_PROMPT = "0";
  return env;
}
