import type { ContentfulStatusCode } from "hono/utils/http-status";
import { authKindForLoginName } from "../auth/registry.ts";
import type { LoginSessions } from "../oauth/sessions.ts";

// Finishing a panel login with what the browser came back with, shared by
// `POST /oauth-callback` (JSON body) and `GET /oauth-callback` (query, as a redirect lands).
// Answers are the Go original's: `{status: "ok"}` or `{status: "error", error}`.

export interface CallbackInput {
  /** The login's management name (`codex`, `anthropic`, ...); optional when `state` tells. */
  provider?: string;
  /** The whole URL the browser ended on; its code/state/error fill in what is missing. */
  redirectUrl?: string;
  code?: string;
  state?: string;
  error?: string;
}

export interface CallbackAnswer {
  status: ContentfulStatusCode;
  body: { status: "ok" } | { status: "error"; error: string };
}

const fail = (status: ContentfulStatusCode, error: string): CallbackAnswer => ({
  status,
  body: { status: "error", error },
});

export async function finishOAuthCallback(
  sessions: LoginSessions,
  input: CallbackInput,
): Promise<CallbackAnswer> {
  const named = input.provider?.trim();
  const kind = named ? authKindForLoginName(named) : undefined;
  if (named && !kind) return fail(400, "unsupported provider");
  let { code, state, error } = input;
  if (input.redirectUrl?.trim()) {
    let url: URL;
    try {
      url = new URL(input.redirectUrl.trim());
    } catch {
      return fail(400, "invalid redirect_url");
    }
    // Claude's page may show `code#state`; a pasted URL can also carry them in the fragment.
    const q = url.searchParams;
    const fragment = new URLSearchParams(url.hash.slice(1));
    code ||= q.get("code") ?? fragment.get("code") ?? undefined;
    state ||= q.get("state") ?? fragment.get("state") ?? undefined;
    error ||= q.get("error") ?? q.get("error_description") ?? fragment.get("error") ?? undefined;
  }
  state = state?.trim();
  if (!state) return fail(400, "state is required");
  const session = sessions.get(state);
  if (!session) return fail(404, "unknown or expired state");
  if (kind && session.kind !== kind) return fail(400, `state belongs to a ${session.kind.title} login`);
  if (!code?.trim() && !error?.trim()) return fail(400, "code or error is required");
  const done = await sessions.finish(state, { code: code?.trim(), error: error?.trim() });
  if (done.status === "error") return fail(400, done.error ?? "the login failed");
  return { status: 200, body: { status: "ok" } };
}
