import { setTimeout as sleep } from "node:timers/promises";
import { LoginError } from "../../oauth/errors.ts";
import { dispatcherFor } from "../../upstream/dispatchers.ts";
import { upstreamErrorMessage } from "../../upstream/error-message.ts";
import { request } from "../../upstream/undici.ts";

/**
 * The account setup a Code Assist client runs after signing in: `loadCodeAssist` says whether
 * the account is on a tier and which Cloud project serves it; an account on no tier yet is
 * onboarded with `onboardUser`, a long-running operation polled until `done`, whose answer
 * names the project. Gemini CLI and Antigravity both do this, with their own metadata.
 */
export interface CodeAssistClient {
  /** Code Assist origin, e.g. https://cloudcode-pa.googleapis.com */
  baseUrl: string;
  accessToken: string;
  proxyUrl: string;
  /** Client identification headers (User-Agent, ...). */
  headers: Record<string, string>;
}

export interface SetupRequest {
  /** A project the user named; it wins over what the server suggests. */
  project?: string;
  /** The `loadCodeAssist` body. */
  loadBody: Record<string, unknown>;
  /** The `onboardUser` body for a tier id. */
  onboardBody(tierId: string): Record<string, unknown>;
}

export interface SetupResult {
  /** '' when the server named none and the user gave none. */
  projectId: string;
  tierId: string;
}

/** What Code Assist calls a tier-less legacy account; also the fallback when no tier is default. */
const LEGACY_TIER = "legacy-tier";
/** The onboarding operation is polled this long at most. */
const ONBOARD_DEADLINE_MS = 60_000;
/** First pause between polls; doubles up to the cap (Gemini CLI itself waits 5 s). */
const FIRST_POLL_MS = 500;
const MAX_POLL_MS = 5_000;

export async function setupCodeAssist(client: CodeAssistClient, req: SetupRequest): Promise<SetupResult> {
  const load = await callCodeAssist(client, "loadCodeAssist", req.loadBody);
  const current = tierIdOf(load.currentTier);
  const known = projectIdOf(load.cloudaicompanionProject);
  if (current && (req.project || known)) return { projectId: req.project || known, tierId: current };
  if (!current && known) return { projectId: req.project || known, tierId: defaultTierId(load) };

  const tierId = defaultTierId(load);
  const body = req.onboardBody(tierId);
  const deadline = Date.now() + ONBOARD_DEADLINE_MS;
  let pause = FIRST_POLL_MS;
  let op = await callCodeAssist(client, "onboardUser", body);
  while (op.done !== true) {
    if (Date.now() + pause > deadline) {
      throw new LoginError(
        `Code Assist onboarding did not finish within ${ONBOARD_DEADLINE_MS / 1000}s; try again later`,
      );
    }
    await sleep(pause);
    pause = Math.min(pause * 2, MAX_POLL_MS);
    // Re-sending onboardUser reports the same operation's progress (as the clients do).
    op = await callCodeAssist(client, "onboardUser", body);
  }
  if (op.error) {
    throw new LoginError(`Code Assist onboarding failed: ${op.error.message ?? JSON.stringify(op.error)}`);
  }
  return { projectId: req.project || projectIdOf(op.response?.cloudaicompanionProject), tierId };
}

/** The tier marked `isDefault` among the allowed ones, else the legacy tier. */
function defaultTierId(load: Record<string, any>): string {
  const tiers: unknown[] = Array.isArray(load.allowedTiers) ? load.allowedTiers : [];
  for (const t of tiers) {
    const id = tierIdOf(t);
    if (id && (t as { isDefault?: unknown }).isDefault === true) return id;
  }
  return LEGACY_TIER;
}

function tierIdOf(tier: unknown): string {
  const id = (tier as { id?: unknown } | null)?.id;
  return typeof id === "string" ? id.trim() : "";
}

/** `cloudaicompanionProject` comes as a string (loadCodeAssist) or `{id, name}` (onboardUser). */
function projectIdOf(value: unknown): string {
  if (typeof value === "string") return value.trim();
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === "string" ? id.trim() : "";
}

async function callCodeAssist(
  client: CodeAssistClient,
  method: string,
  body: Record<string, unknown>,
): Promise<Record<string, any>> {
  const url = `${client.baseUrl.replace(/\/+$/, "")}/v1internal:${method}`;
  let status = 0;
  let text = "";
  try {
    const res = await request(url, {
      method: "POST",
      headers: {
        ...client.headers,
        authorization: `Bearer ${client.accessToken}`,
        "content-type": "application/json",
        accept: "application/json",
      },
      body: JSON.stringify(body),
      dispatcher: dispatcherFor(client.proxyUrl),
      signal: AbortSignal.timeout(30_000),
    });
    status = res.statusCode;
    text = await res.body.text();
  } catch (err) {
    throw new LoginError(`Code Assist ${method} failed: ${(err as Error).message}`);
  }
  if (status < 200 || status >= 300) {
    throw new LoginError(
      `Code Assist ${method} failed (HTTP ${status}): ${upstreamErrorMessage(status, text)}`,
    );
  }
  try {
    const parsed = JSON.parse(text);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed;
  } catch {
    // reported below
  }
  throw new LoginError(`Code Assist ${method} answered with something that is not a JSON object`);
}
