import type { Credential } from "../credentials/credential.ts";
import type { Runtime } from "../proxy/runtime.ts";
import type { AuthFileStatus } from "./status.ts";
import { AuthStore, type AuthStoreOptions } from "./store.ts";

// Public API of the auth-dir accounts: start/stop with the server, the pipeline's refresh
// after a 401, and the status the management auth-files list shows. One store per runtime.

export type { AccountFields, AuthKind, BrowserLogin, ExchangeParams, NewAuthFile } from "./auth-kind.ts";
export { allAuthKinds, authKindFor, authKindForLoginName } from "./registry.ts";
export type { AuthFileStatus } from "./status.ts";
export { AuthStore } from "./store.ts";

const stores = new WeakMap<Runtime, AuthStore>();

/** Loads auth-dir into `rt` and keeps it in step (watcher, background refresh). */
export async function startAuthStore(rt: Runtime, opts: AuthStoreOptions = {}): Promise<AuthStore> {
  const store = new AuthStore(rt, opts);
  await store.start();
  stores.set(rt, store);
  return store;
}

export function authStoreOf(rt: Runtime): AuthStore | undefined {
  return stores.get(rt);
}

/**
 * For the pipeline, after an upstream 401 with `cred`: a refreshed credential to retry the
 * same request once with, or undefined (API keys, no refresh possible, refresh refused).
 */
export function refreshAfterUnauthorized(rt: Runtime, cred: Credential): Promise<Credential | undefined> {
  if (cred.kind !== "oauth") return Promise.resolve(undefined);
  return stores.get(rt)?.refreshAfterUnauthorized(cred) ?? Promise.resolve(undefined);
}

/** Status of every file in auth-dir (empty when no store runs), for GET /v0/management/auth-files. */
export function authFileStatuses(rt: Runtime): AuthFileStatus[] {
  return stores.get(rt)?.statuses() ?? [];
}
