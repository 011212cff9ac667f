/**
 * `routing.session-affinity`: keeps each conversation on one credential so the upstream's
 * prompt cache (and per-account state) keeps working, whatever the strategy.
 *
 * A binding is keyed by session id and client model (without thinking suffix), so one session
 * using two models keeps a binding per model. Its lifetime slides: every use and every
 * successful answer pushes the expiry `session-affinity-ttl` ahead. A call's bound credential
 * goes first when it is usable; the credential each attempt goes to becomes the binding, and a
 * credential that fails with a credential fault (401/403/404/408/429/5xx) loses it, so the
 * session moves to whichever credential serves it next. A request the upstream rejects as bad
 * (400) keeps the binding.
 *
 * Two ids of one conversation (a Responses `prompt_cache_key` and its `conversation`, or the
 * short and full message hashes) form an alias group sharing one binding and expiry, as in
 * the Go original.
 *
 * The map is bounded: keys are kept in order of last refresh (a Map re-inserted on refresh),
 * so with one TTL for all, expired keys sit at the front and are swept from there, and past
 * `maxKeys` the least recently used go first. Changing the strategy, the flag or the TTL
 * starts from no bindings, like the original's selector rebuild.
 */
import { parseGoDuration } from "../config/duration.ts";
import { log } from "../logging/logger.ts";
import { type SessionSource, sessionIds } from "./session-id.ts";

export const DEFAULT_SESSION_TTL_MS = 3_600_000;
/** Session keys kept at most (each binding of a session and model is one key, aliases one more). */
export const MAX_SESSION_KEYS = 50_000;
/** Aliases one binding may collect besides its prompt cache key (the original's cap). */
const MAX_STABLE_ALIASES = 64;

interface Binding {
  credId: string;
  expiresAt: number;
  /** Every key that points at this binding. */
  aliases: string[];
}

export interface AffinitySettings {
  strategy: string;
  "session-affinity": boolean;
  "session-affinity-ttl": string;
}

export class SessionAffinity {
  #enabled = false;
  #ttlMs = DEFAULT_SESSION_TTL_MS;
  #signature = "";
  readonly #keys = new Map<string, Binding>();
  readonly #maxKeys: number;

  constructor(maxKeys = MAX_SESSION_KEYS) {
    this.#maxKeys = maxKeys;
  }

  /** Applies the config's `routing` section (at start and on every reload). */
  configure(routing: AffinitySettings): void {
    const ttl = parseGoDuration(routing["session-affinity-ttl"] ?? "");
    this.#ttlMs = ttl !== undefined && ttl > 0 ? ttl : DEFAULT_SESSION_TTL_MS;
    this.#enabled = routing["session-affinity"] === true;
    const signature = `${routing.strategy}\u0000${this.#enabled}\u0000${this.#ttlMs}`;
    if (signature !== this.#signature) this.#keys.clear();
    this.#signature = signature;
  }

  get enabled(): boolean {
    return this.#enabled;
  }

  get ttlMs(): number {
    return this.#ttlMs;
  }

  /** Keys held right now (expired ones not yet swept included). */
  get size(): number {
    return this.#keys.size;
  }

  /**
   * The call's view of its binding, or undefined when affinity is off (checked before the body
   * is looked at) or the call carries nothing that identifies a session.
   */
  session(source: SessionSource, modelKey: string, clientKey?: string): SessionTicket | undefined {
    if (!this.#enabled) return undefined;
    const ids = sessionIds(clientKey ? { ...source, clientKey } : source);
    if (!ids) return undefined;
    const primary = `${ids.primary}::${modelKey}`;
    const fallback =
      ids.fallback && ids.fallback !== ids.primary ? `${ids.fallback}::${modelKey}` : undefined;
    return new SessionTicket(this, primary, fallback);
  }

  /** The credential bound to `key`, refreshing the expiry of its whole alias group. */
  refresh(key: string, now: number): string | undefined {
    const b = this.#live(key, now);
    if (!b) return undefined;
    this.#replace(b.credId, compact(merge([key], b.aliases)), [b], now);
    return b.credId;
  }

  /** The credential bound to `key`, without refreshing. */
  peek(key: string, now: number): string | undefined {
    return this.#live(key, now)?.credId;
  }

  /** Binds every key to `credId`, taking in the aliases the keys already had. */
  bind(credId: string, keys: string[], now: number): void {
    let aliases = merge([], keys);
    const previous: Binding[] = [];
    for (const key of keys) {
      const b = this.#live(key, now);
      if (!b || previous.includes(b)) continue;
      previous.push(b);
      aliases = merge(aliases, b.aliases);
    }
    aliases = compact(aliases);
    if (aliases.length > 0) this.#replace(credId, aliases, previous, now);
  }

  /** Refreshes `key`'s group if it is still bound to `credId`. */
  touch(key: string, credId: string, now: number): void {
    const b = this.#live(key, now);
    if (b && b.credId === credId) this.#replace(credId, compact(merge([key], b.aliases)), [b], now);
  }

  /** Drops `key` if it is bound to `credId`; the rest of its group stays. */
  release(key: string, credId: string): void {
    const b = this.#keys.get(key);
    if (!b || b.credId !== credId) return;
    this.#keys.delete(key);
    b.aliases = b.aliases.filter((a) => a !== key);
  }

  #live(key: string, now: number): Binding | undefined {
    const b = this.#keys.get(key);
    if (!b) return undefined;
    if (b.expiresAt > now) return b;
    this.#removeGroup(b);
    return undefined;
  }

  #replace(credId: string, aliases: string[], previous: Binding[], now: number): void {
    for (const p of previous) this.#removeGroup(p);
    const binding: Binding = { credId, expiresAt: now + this.#ttlMs, aliases };
    for (const alias of aliases) {
      this.#keys.delete(alias); // re-inserted at the end: most recently used
      this.#keys.set(alias, binding);
    }
    this.#trim(now);
  }

  #removeGroup(b: Binding): void {
    for (const alias of b.aliases) if (this.#keys.get(alias) === b) this.#keys.delete(alias);
  }

  /** Sweeps expired keys off the front, then the least recently used past the cap. */
  #trim(now: number): void {
    for (const [key, b] of this.#keys) {
      if (b.expiresAt > now && this.#keys.size <= this.#maxKeys) break;
      this.#removeGroup(b);
      this.#keys.delete(key);
    }
  }
}

/** One call's session: the binding to prefer, and what to record after each attempt. */
export class SessionTicket {
  readonly #store: SessionAffinity;
  readonly #keys: string[];

  constructor(store: SessionAffinity, primary: string, fallback: string | undefined) {
    this.#store = store;
    this.#keys = fallback ? [primary, fallback] : [primary];
  }

  /** The credential this session is bound to, if any (the caller checks it is usable). */
  bound(): string | undefined {
    const now = Date.now();
    const [primary, fallback] = this.#keys;
    return this.#store.refresh(primary, now) ?? (fallback ? this.#store.peek(fallback, now) : undefined);
  }

  /** An attempt goes to `credId`: it becomes the binding. */
  picked(credId: string): void {
    if (log.isDebug() && this.#store.peek(this.#keys[0], Date.now()) !== credId) {
      log.debug({ session: shortId(this.#keys[0]), credential: credId }, "session-affinity: new binding");
    }
    this.#store.bind(credId, this.#keys, Date.now());
  }

  /** After the attempt: success keeps the binding alive; a credential fault gives it up. */
  settled(credId: string, outcome: { done: boolean; retryable?: boolean }): void {
    const now = Date.now();
    for (const key of this.#keys) {
      if (outcome.done) this.#store.touch(key, credId, now);
      else if (outcome.retryable) this.#store.release(key, credId);
    }
  }
}

/** Session ids in debug logs: long ones cut, as the original does. */
function shortId(key: string): string {
  return key.length <= 20 ? key : `${key.slice(0, 8)}...`;
}

function merge(existing: string[], candidates: string[]): string[] {
  const out = [...existing];
  for (const c of candidates) if (c && !out.includes(c)) out.push(c);
  return out;
}

/** One prompt cache key per group (a new one replaces the old), and a cap on the others. */
function compact(aliases: string[]): string[] {
  const out: string[] = [];
  let promptKey = false;
  let stable = 0;
  for (const alias of aliases) {
    if (alias.startsWith("pck:")) {
      if (promptKey) continue;
      promptKey = true;
    } else {
      if (stable >= MAX_STABLE_ALIASES) continue;
      stable++;
    }
    out.push(alias);
  }
  return out;
}
