import { createHash, timingSafeEqual } from "node:crypto";
import bcrypt from "bcryptjs";
import { setIn } from "../config/index.ts";
import { log } from "../logging/logger.ts";
import type { Runtime } from "../proxy/runtime.ts";
import { editConfig } from "./config-store.ts";

// The management key: `remote-management.secret-key` (a bcrypt hash once the server has seen
// it; a plaintext value is hashed and written back) or the MANAGEMENT_PASSWORD variable.

/** Go's bcrypt.DefaultCost, so hashes are interchangeable with the original's. */
const BCRYPT_COST = 10;

export function isBcryptHash(value: string): boolean {
  return /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/.test(value);
}

function sha256(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/** Constant-time equality that does not reveal the length of the expected value. */
export function safeEqual(provided: string, expected: string): boolean {
  return timingSafeEqual(sha256(provided), sha256(expected));
}

/**
 * Checks keys against the configured secret. bcrypt costs ~100 ms per check in JavaScript, so
 * the digest of the last key that matched a given hash is remembered and later requests
 * with the same key skip bcrypt.
 */
export class KeyVerifier {
  #verified: { hash: string; digest: Buffer } | undefined;

  async matches(provided: string, secret: string): Promise<boolean> {
    if (!isBcryptHash(secret)) return safeEqual(provided, secret);
    const digest = sha256(provided);
    const known = this.#verified;
    if (known && known.hash === secret && timingSafeEqual(digest, known.digest)) return true;
    const ok = await bcrypt.compare(provided, secret);
    if (ok) this.#verified = { hash: secret, digest };
    return ok;
  }
}

const hashing = new Map<string, Promise<boolean>>();

/**
 * Replaces a plaintext `remote-management.secret-key` in `configPath` by its bcrypt hash
 * (comments kept) and applies the result. Returns whether the file was changed. Concurrent
 * calls for one file share the work.
 */
export function ensureSecretHashed(rt: Runtime, configPath: string): Promise<boolean> {
  const secret = rt.config["remote-management"]["secret-key"];
  if (!secret || isBcryptHash(secret) || !configPath) return Promise.resolve(false);
  const running = hashing.get(configPath);
  if (running) return running;
  const task = hashInFile(rt, configPath, secret).finally(() => hashing.delete(configPath));
  hashing.set(configPath, task);
  return task;
}

async function hashInFile(rt: Runtime, configPath: string, plaintext: string): Promise<boolean> {
  const hashed = await bcrypt.hash(plaintext, BCRYPT_COST);
  let changed = false;
  await editConfig(
    rt,
    (doc) => {
      const current = doc.getIn(["remote-management", "secret-key"]);
      // Only replace the value we hashed: the file may have been edited meanwhile.
      if (current === null || current === undefined || String(current).trim() !== plaintext) return;
      setIn(doc, ["remote-management", "secret-key"], hashed);
      changed = true;
    },
    configPath,
  );
  if (changed)
    log.info("management secret-key was plaintext; replaced by its bcrypt hash in the config file");
  return changed;
}
