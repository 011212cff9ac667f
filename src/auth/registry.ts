import { antigravityAuthKind } from "./antigravity/index.ts";
import type { AuthKind } from "./auth-kind.ts";
import { claudeAuthKind } from "./claude/index.ts";
import { codexAuthKind } from "./codex/index.ts";
import { geminiCliAuthKind } from "./gemini-cli/index.ts";
import { iflowAuthKind } from "./iflow/index.ts";
import { qwenAuthKind } from "./qwen/index.ts";

/**
 * Every kind of account file the proxy understands, by its `type` value. Adding a kind is
 * one folder implementing AuthKind plus one line here.
 */
const KINDS: readonly AuthKind[] = [
  codexAuthKind,
  claudeAuthKind,
  qwenAuthKind,
  iflowAuthKind,
  geminiCliAuthKind,
  antigravityAuthKind,
];

const byType = new Map(KINDS.map((k) => [k.type, k]));

export function authKindFor(type: string): AuthKind | undefined {
  return byType.get(type.toLowerCase());
}

export function allAuthKinds(): readonly AuthKind[] {
  return KINDS;
}

/** The kind whose browser login answers to `name` (management name or alias, any case). */
export function authKindForLoginName(name: string): AuthKind | undefined {
  const n = name.trim().toLowerCase();
  return KINDS.find((k) => k.login && (k.login.managementName === n || k.login.aliases.includes(n)));
}
