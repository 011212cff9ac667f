/** Counts for the credentials gauge from the registry's credentials and the active cooldowns. */
import type { CoolingInfo } from "../credentials/cooldown.ts";
import type { Credential } from "../credentials/credential.ts";
import type { CredentialStateCount } from "./registry.ts";

/** A credential counts as cooling while any of its (credential, model) pairs is in cooldown. */
export function countCredentialStates(
  credentials: readonly Pick<Credential, "id" | "provider">[],
  cooling: Iterable<Pick<CoolingInfo, "credentialId">>,
): CredentialStateCount[] {
  const coolingIds = new Set<string>();
  for (const c of cooling) coolingIds.add(c.credentialId);
  const byProvider = new Map<string, CredentialStateCount>();
  for (const cred of credentials) {
    let row = byProvider.get(cred.provider);
    if (!row) {
      row = { provider: cred.provider, available: 0, cooling: 0 };
      byProvider.set(cred.provider, row);
    }
    if (coolingIds.has(cred.id)) row.cooling++;
    else row.available++;
  }
  return [...byProvider.values()];
}
