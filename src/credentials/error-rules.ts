import type { RequestScopedErrorRule } from "../config/index.ts";

/**
 * `request-scoped-errors` (per key or provider) and `oauth-request-scoped-errors` (per OAuth
 * channel): rules that override what an upstream error does to the request. A rule applies
 * when the status is its `status` and the error text contains one of `match` or matches one of
 * `match-regexr`. Its action says whether the request stops here (the error goes to the
 * client, no other credential is tried) or continues with the next credential, and whether
 * this credential cools down for the model. The first matching rule wins; with none, the
 * usual status rules apply.
 */

export type ErrorRuleAction = "stop" | "stop-and-cooldown" | "continue" | "continue-and-cooldown";

export interface ErrorRule {
  status: number;
  match: readonly string[];
  patterns: readonly RegExp[];
  action: ErrorRuleAction;
}

export interface ErrorDecision {
  stop: boolean;
  cooldown: boolean;
}

/** Compiles the config's rules once (at load); a pattern that is not a valid RegExp never matches. */
export function compileErrorRules(
  rules: readonly RequestScopedErrorRule[] | undefined,
): ErrorRule[] | undefined {
  if (!rules || rules.length === 0) return undefined;
  const out: ErrorRule[] = [];
  for (const r of rules) {
    if (!r.status || !r.action) continue;
    const patterns: RegExp[] = [];
    for (const p of r["match-regexr"] ?? []) {
      try {
        if (p) patterns.push(new RegExp(p));
      } catch {
        // invalid pattern: skipped, as the original skips it
      }
    }
    const match = (r.match ?? []).filter((m) => m !== "");
    if (match.length === 0 && patterns.length === 0) continue;
    out.push({ status: r.status, match, patterns, action: r.action as ErrorRuleAction });
  }
  return out.length > 0 ? out : undefined;
}

/** The decision of the first rule matching `status` and `text`, or undefined. */
export function decideByRules(
  rules: readonly ErrorRule[] | undefined,
  status: number,
  text: string,
): ErrorDecision | undefined {
  if (!rules) return undefined;
  for (const r of rules) {
    if (r.status !== status) continue;
    if (!r.match.some((m) => text.includes(m)) && !r.patterns.some((p) => p.test(text))) continue;
    return { stop: r.action.startsWith("stop"), cooldown: r.action.endsWith("-and-cooldown") };
  }
  return undefined;
}
