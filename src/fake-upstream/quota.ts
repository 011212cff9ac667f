/**
 * Scripted quota exhaustion: `up.quota.exhaust(model, {project})` makes every call for that
 * model (on that Code Assist project, or on any) answer 429 the way Code Assist does when an
 * account's quota for a model is used up, until `restore()`. Lets tests drive what a proxy does
 * next (another model, another project, another credential) per model, which the name-keyword
 * scenarios cannot: a real model name such as `gemini-2.5-pro` carries no keyword.
 */
import type { ServerResponse } from "node:http";
import { durationText } from "./errors.ts";
import { sendJson } from "./send.ts";

const DEFAULT_RESET_SECONDS = 3;
const ANY_PROJECT = "";

export interface ExhaustOptions {
  /** Only calls for this Code Assist project (the body's `project`); default: every caller. */
  project?: string;
  /** The reset hint in the answer (default 3). */
  resetSeconds?: number;
}

export class FakeQuota {
  /** `project\0model` -> reset seconds. */
  private readonly spent = new Map<string, number>();

  exhaust(model: string, opts: ExhaustOptions = {}): void {
    this.spent.set(key(opts.project ?? ANY_PROJECT, bare(model)), opts.resetSeconds ?? DEFAULT_RESET_SECONDS);
  }

  /** Every quota is back. */
  restore(): void {
    this.spent.clear();
  }

  /** Reset seconds when `model` is used up for `project`, else undefined. */
  check(model: string, project: unknown): number | undefined {
    if (this.spent.size === 0 || !model) return undefined;
    const name = bare(model);
    const own = typeof project === "string" ? this.spent.get(key(project, name)) : undefined;
    return own ?? this.spent.get(key(ANY_PROJECT, name));
  }
}

function key(project: string, model: string): string {
  return `${project}\u0000${model}`;
}

/** Code Assist's countTokens names the model `models/<id>`. */
function bare(model: string): string {
  return model.startsWith("models/") ? model.slice("models/".length) : model;
}

/**
 * Code Assist's answer for a spent quota: RESOURCE_EXHAUSTED with the reset time in the
 * message and in `ErrorInfo.metadata.quotaResetDelay` / `RetryInfo.retryDelay`.
 */
export function sendQuotaExhausted(res: ServerResponse, model: string, seconds: number): void {
  const delay = durationText(seconds);
  sendJson(res, 429, {
    error: {
      code: 429,
      message: `You have exhausted your capacity on this model. Your quota will reset after ${delay}.`,
      status: "RESOURCE_EXHAUSTED",
      details: [
        {
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: "QUOTA_EXHAUSTED",
          domain: "cloudcode-pa.googleapis.com",
          metadata: { uiMessage: "true", model: bare(model), quotaResetDelay: delay },
        },
        { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: delay },
      ],
    },
  });
}
