import type { Hono } from "hono";
import type { Credential } from "../../credentials/credential.ts";
import { maskSecret } from "../../logging/redact.ts";
import { providers } from "../../providers/index.ts";
import type { Runtime } from "../../proxy/runtime.ts";
import type { CredentialSlot } from "../../usage/store.ts";

// `GET /api-key-usage`: for every upstream API key in config.yaml, requests that succeeded and
// failed since this proxy started, and the last 20 ten-minute slots. The Go original's shape:
// `{<provider>: {"<base-url>|<api-key>": {success, failed, recent_requests: [{time, success,
// failed}]}}}`, the provider being the openai-compatibility name for those entries, base-url ''
// when the key uses the provider's default. The key is masked here (the original shows it).
// Counts come from the usage store (requests by the credential that finally served them), so
// they stay 0 while `usage-statistics-enabled` is off.

const SLOT_MS = 10 * 60_000;
const SLOTS = 20;

interface Bucket {
  time: string;
  success: number;
  failed: number;
}

interface KeyUsage {
  success: number;
  failed: number;
  recent_requests: Bucket[];
}

const hhmm = (ms: number) => {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
};

/** The 20 slots ending with the current one, oldest first, labelled `HH:MM-HH:MM` local time. */
function emptyBuckets(currentSlot: number): Bucket[] {
  const out: Bucket[] = [];
  for (let slot = currentSlot - SLOTS + 1; slot <= currentSlot; slot++) {
    out.push({ time: `${hhmm(slot * SLOT_MS)}-${hhmm((slot + 1) * SLOT_MS)}`, success: 0, failed: 0 });
  }
  return out;
}

function providerKey(cred: Credential): string {
  return (cred.provider === "openai-compatibility" ? cred.providerName : cred.provider).toLowerCase();
}

function usageKey(cred: Credential): string {
  const base = cred.baseUrl === providers[cred.provider].defaultBaseUrl ? "" : cred.baseUrl;
  return `${base}|${maskSecret(cred.apiKey)}`;
}

export function registerApiKeyUsage(app: Hono, rt: Runtime): void {
  const startedAt = Date.now();

  app.get("/api-key-usage", (c) => {
    const currentSlot = Math.floor(Date.now() / SLOT_MS);
    const bySlot = new Map<string, CredentialSlot[]>();
    const recorder = rt.observe.usage;
    if (recorder?.enabled) {
      for (const row of recorder.database().credentialSlots(startedAt, SLOT_MS)) {
        const list = bySlot.get(row.credentialId);
        if (list) list.push(row);
        else bySlot.set(row.credentialId, [row]);
      }
    }
    const out: Record<string, Record<string, KeyUsage>> = {};
    const counted = new Set<string>();
    for (const cred of rt.registry.credentials) {
      if (cred.kind === "oauth") continue;
      const provider = providerKey(cred);
      out[provider] ??= {};
      const key = usageKey(cred);
      // Two entries with the same base URL and key (different headers, say) add up, as in the original.
      out[provider][key] ??= { success: 0, failed: 0, recent_requests: emptyBuckets(currentSlot) };
      const entry = out[provider][key];
      // Entries alike in key and provider share one credential id: count its requests once.
      if (counted.has(cred.id)) continue;
      counted.add(cred.id);
      for (const row of bySlot.get(cred.id) ?? []) {
        entry.success += row.requests - row.failures;
        entry.failed += row.failures;
        const index = row.slot - (currentSlot - SLOTS + 1);
        if (index >= 0 && index < SLOTS) {
          entry.recent_requests[index].success += row.requests - row.failures;
          entry.recent_requests[index].failed += row.failures;
        }
      }
    }
    return c.json(out);
  });
}
