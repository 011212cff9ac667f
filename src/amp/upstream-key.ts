import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import type { AmpcodeConfig } from "../config/schema-ampcode.ts";
import { log } from "../logging/logger.ts";

// The key this proxy presents to the Amp upstream, in the original's order: the client's own
// entry in `ampcode.upstream-api-keys`, then `ampcode.upstream-api-key`, then the AMP_API_KEY
// environment variable, then the Amp CLI's secrets file (read at most every 5 minutes).

/** The Amp CLI's secrets file and the entry it keeps the ampcode.com key under. */
const SECRETS_FILE = () => join(homedir(), ".local", "share", "amp", "secrets.json");
const SECRETS_ENTRY = "apiKey@https://ampcode.com/";
const FILE_TTL_MS = 5 * 60_000;

export interface UpstreamKeys {
  explicit: string;
  /** Client key -> upstream key (first entry wins, as the loader already ensured). */
  byClient: ReadonlyMap<string, string>;
}

export function upstreamKeysFrom(ampcode: AmpcodeConfig): UpstreamKeys {
  const byClient = new Map<string, string>();
  for (const entry of ampcode["upstream-api-keys"]) {
    for (const key of entry["api-keys"]) if (!byClient.has(key)) byClient.set(key, entry["upstream-api-key"]);
  }
  return { explicit: ampcode["upstream-api-key"], byClient };
}

/** The Amp CLI's stored key, cached (a missing or broken file caches "" too). */
export class SecretsFile {
  private readonly path: string;
  private readonly ttlMs: number;
  private cached: { value: string; until: number } | undefined;

  constructor(path: string, ttlMs = FILE_TTL_MS) {
    this.path = path;
    this.ttlMs = ttlMs;
  }

  async get(): Promise<string> {
    const now = Date.now();
    if (this.cached && now < this.cached.until) return this.cached.value;
    const value = await this.read();
    this.cached = { value, until: now + this.ttlMs };
    return value;
  }

  private async read(): Promise<string> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
        log.warn({ file: this.path, err: (err as Error).message }, "amp: cannot read the Amp secrets file");
      }
      return "";
    }
    try {
      const entry = (JSON.parse(text) as Record<string, unknown>)[SECRETS_ENTRY];
      return typeof entry === "string" ? entry.trim() : "";
    } catch {
      log.warn({ file: this.path }, "amp: the Amp secrets file is not valid JSON");
      return "";
    }
  }
}

let defaultFile: SecretsFile | undefined;

function ampCliSecrets(): SecretsFile {
  defaultFile ??= new SecretsFile(SECRETS_FILE());
  return defaultFile;
}

export async function upstreamKeyFor(
  keys: UpstreamKeys,
  clientKey: string,
  file: SecretsFile = ampCliSecrets(),
): Promise<string> {
  const mapped = clientKey ? keys.byClient.get(clientKey) : undefined;
  if (mapped) return mapped;
  if (keys.explicit) return keys.explicit;
  const env = process.env.AMP_API_KEY?.trim();
  if (env) return env;
  return file.get();
}
