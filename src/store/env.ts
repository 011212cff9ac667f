import { resolve } from "node:path";
import { StoreError, type StoreKind } from "./store.ts";

// Which store the environment asks for, read the way the Go original reads it: each variable
// also in lower case, values trimmed, empty = unset. PGSTORE_DSN wins over OBJECTSTORE_ENDPOINT,
// which wins over GITSTORE_GIT_URL. The mirror lives in <*_LOCAL_PATH>/<kind dir>, where the
// local path defaults to WRITABLE_PATH, then the working directory.

export interface GitStoreSettings {
  kind: "git";
  url: string;
  username: string;
  token: string;
  /** '' = the remote's default branch. */
  branch: string;
  root: string;
}

export interface PostgresStoreSettings {
  kind: "postgres";
  dsn: string;
  /** '' = the connection's default schema (search_path). */
  schema: string;
  root: string;
}

export interface ObjectStoreSettings {
  kind: "object";
  /** Full URL with scheme (https unless the variable said http://). */
  endpoint: string;
  bucket: string;
  accessKey: string;
  secretKey: string;
  root: string;
}

export type StoreSettings = GitStoreSettings | PostgresStoreSettings | ObjectStoreSettings;

/** The mirror folder under the local path, per backend (as in the Go original). */
export const MIRROR_DIR: Record<StoreKind, string> = {
  git: "gitstore",
  postgres: "pgstore",
  object: "objectstore",
};

type Env = Record<string, string | undefined>;

function lookup(env: Env, name: string): string {
  for (const key of [name, name.toLowerCase()]) {
    const value = env[key]?.trim();
    if (value) return value;
  }
  return "";
}

/** The store the environment selects, or undefined for plain local files. Throws StoreError on bad values. */
export function storeSettingsFromEnv(env: Env, cwd: string): StoreSettings | undefined {
  const localRoot = (name: string, kind: StoreKind) =>
    resolve(cwd, lookup(env, name) || lookup(env, "WRITABLE_PATH") || ".", MIRROR_DIR[kind]);

  const dsn = lookup(env, "PGSTORE_DSN");
  if (dsn) {
    return {
      kind: "postgres",
      dsn,
      schema: lookup(env, "PGSTORE_SCHEMA"),
      root: localRoot("PGSTORE_LOCAL_PATH", "postgres"),
    };
  }
  const endpoint = lookup(env, "OBJECTSTORE_ENDPOINT");
  if (endpoint) {
    const settings: ObjectStoreSettings = {
      kind: "object",
      endpoint: objectEndpointUrl(endpoint),
      bucket: lookup(env, "OBJECTSTORE_BUCKET"),
      accessKey: lookup(env, "OBJECTSTORE_ACCESS_KEY"),
      secretKey: lookup(env, "OBJECTSTORE_SECRET_KEY"),
      root: localRoot("OBJECTSTORE_LOCAL_PATH", "object"),
    };
    for (const [name, value] of [
      ["OBJECTSTORE_BUCKET", settings.bucket],
      ["OBJECTSTORE_ACCESS_KEY", settings.accessKey],
      ["OBJECTSTORE_SECRET_KEY", settings.secretKey],
    ]) {
      if (!value) throw new StoreError(`${name} is required with OBJECTSTORE_ENDPOINT`);
    }
    return settings;
  }
  const url = lookup(env, "GITSTORE_GIT_URL");
  if (url) {
    return {
      kind: "git",
      url,
      username: lookup(env, "GITSTORE_GIT_USERNAME"),
      token: lookup(env, "GITSTORE_GIT_TOKEN"),
      branch: lookup(env, "GITSTORE_GIT_BRANCH"),
      root: localRoot("GITSTORE_LOCAL_PATH", "git"),
    };
  }
  return undefined;
}

/** "host:9000" -> "https://host:9000"; an explicit http:// or https:// is kept; other schemes are refused. */
export function objectEndpointUrl(raw: string): string {
  const withScheme = raw.includes("://") ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new StoreError(`OBJECTSTORE_ENDPOINT is not a valid endpoint: ${raw}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new StoreError(
      `OBJECTSTORE_ENDPOINT: unsupported scheme "${url.protocol.slice(0, -1)}" (only http and https)`,
    );
  }
  if (!url.host) throw new StoreError(`OBJECTSTORE_ENDPOINT is missing the host: ${raw}`);
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`;
}

export { StoreError } from "./store.ts";
