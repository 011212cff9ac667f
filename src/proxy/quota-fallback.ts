import type { Credential } from "../credentials/credential.ts";
import { accountProjects, previewFallbacks } from "../providers/gemini-cli.ts";
import type { Candidate } from "../routing/registry.ts";
import { ProxyError } from "../server/errors.ts";
import { upstreamErrorMessage } from "../upstream/error-message.ts";
import type { Runtime } from "./runtime.ts";

/**
 * `quota-exceeded.*` for one Gemini CLI account within one request. Code Assist answers 429
 * when the account's quota for a model is used up; before the account is given up:
 *
 * - `switch-preview-model`: the model's preview builds (`previewFallbacks`) on the same project;
 * - `switch-project`: the account's other Cloud projects (multi-project files), each with the
 *   model and then its previews. When every step is spent the account cools for the model and
 *   the request moves on to the next credential; with `switch-project: false` it stops there
 *   and the client gets the 429 (the Go original's v5 behaviour).
 *
 * Each (project, model) step that failed is remembered in the cooldown tracker as the
 * credential's model `<model>@<project>`, so the next request starts at the first step still
 * usable instead of asking a spent one again (and `disable-cooling` and `reset-quota` apply as
 * to any cooldown). The account cools for the plain model name, which the scheduler reads, only
 * when all of its steps are spent, for as long as the earliest of them needs.
 */

interface Step {
  project: string;
  model: string;
}

/** The first 429 of the request: what the client hears when the account is spent. */
interface QuotaError {
  text: string;
  hint: number | undefined;
}

export class QuotaFallback {
  /** The account as the request holds it (a 401 refresh replaces it). */
  private cred: Credential;
  private readonly base: Candidate;
  /** Every step of the plan under the current config, in order. */
  private readonly all: Step[];
  /** The steps this request takes: `all` without those remembered as spent. */
  private readonly steps: Step[];
  private at = 0;
  private readonly switchProject: boolean;
  private quota: QuotaError | undefined;

  /** The plan for a Gemini CLI candidate under the current config (read per request: live). */
  constructor(rt: Runtime, cand: Candidate) {
    const settings = rt.config["quota-exceeded"];
    this.cred = cand.cred;
    this.base = cand;
    this.switchProject = settings["switch-project"];
    const projects = accountProjects(cand.cred);
    const models = [cand.upstreamModel];
    if (settings["switch-preview-model"]) models.push(...previewFallbacks(cand.upstreamModel));
    this.all = [];
    for (const project of this.switchProject ? projects : projects.slice(0, 1)) {
      for (const model of models) this.all.push({ project, model });
    }
    const now = Date.now();
    const usable = this.all.filter((s) => rt.cooldowns.remaining(this.cred.id, stepKey(s), now) === 0);
    // The scheduler let the account through: with every step remembered as spent, try the first.
    this.steps = usable.length > 0 ? usable : this.all.slice(0, 1);
  }

  /** The candidate for the current step: the account with the step's project and model. */
  get current(): Candidate {
    const step = this.steps[this.at];
    if (!step) return { ...this.base, cred: this.cred };
    const cred =
      step.project === (this.cred.attributes?.project_id ?? "")
        ? this.cred
        : { ...this.cred, attributes: { ...this.cred.attributes, project_id: step.project } };
    return { ...this.base, cred, upstreamModel: step.model };
  }

  /** After a 401 refresh: the same step with the new token. */
  withCredential(fresh: Credential): Candidate {
    this.cred = fresh;
    return this.current;
  }

  /**
   * The current step failed with `status`. Returns the next step's candidate when the account
   * has one left for this failure: after any 429, or after any other error of a step other than
   * the plain first one (a retired preview answers 404; another project may lack the API).
   * Undefined otherwise: the error is then handled as usual (or by `spent`).
   */
  failed(rt: Runtime, status: number, text: string, hint: number | undefined): Candidate | undefined {
    const step = this.steps[this.at];
    if (!step) return undefined;
    // A refused token is the account's, not the step's; the plain first step's other errors
    // are no quota matter.
    if (status === 401 || (status !== 429 && step === this.all[0])) return undefined;
    if (status === 429) this.quota ??= { text, hint };
    rt.cooldowns.fail(this.cred.id, stepKey(step), status, status === 429 ? hint : undefined);
    this.at++;
    return this.at < this.steps.length ? this.current : undefined;
  }

  /**
   * Every step is spent and at least one ran out of quota: cools the account for the model
   * until the earliest step frees up and returns the 429 for the client. `retryable` is
   * `switch-project`: whether the request may move on to another credential. Undefined when
   * steps are left or none hit a quota.
   */
  spent(rt: Runtime): { error: ProxyError; retryable: boolean } | undefined {
    if (!this.quota || this.at < this.steps.length) return undefined;
    const now = Date.now();
    let wait = Number.POSITIVE_INFINITY;
    for (const s of this.all) wait = Math.min(wait, rt.cooldowns.remaining(this.cred.id, stepKey(s), now));
    const resetMs = Number.isFinite(wait) && wait > 0 ? wait : this.quota.hint;
    rt.cooldowns.fail(this.cred.id, this.base.upstreamModel, 429, resetMs);
    const error = new ProxyError(429, upstreamErrorMessage(429, this.quota.text), {
      retryAfter: resetMs !== undefined ? Math.max(1, Math.ceil(resetMs / 1000)) : undefined,
    });
    return { error, retryable: this.switchProject };
  }

  /** The step served the request: its failure memory (and 429 backoff) is cleared. */
  succeeded(rt: Runtime): void {
    const step = this.steps[this.at];
    if (step) rt.cooldowns.succeed(this.cred.id, stepKey(step));
  }
}

/** The tracker's "model" for a step; Gemini model ids hold no `@`. */
function stepKey(step: Step): string {
  return `${step.model}@${step.project}`;
}
