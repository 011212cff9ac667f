import { antigravityProvider } from "./antigravity.ts";
import { claudeProvider } from "./claude.ts";
import { codexProvider } from "./codex.ts";
import { geminiProvider } from "./gemini.ts";
import { geminiCliProvider } from "./gemini-cli.ts";
import { iflowProvider } from "./iflow.ts";
import { openaiCompatibilityProvider } from "./openai-compatibility.ts";
import { qwenProvider } from "./qwen.ts";
import type { Provider, ProviderId } from "./types.ts";

export type { Provider, ProviderId } from "./types.ts";

export const providers: Record<ProviderId, Provider> = {
  "openai-compatibility": openaiCompatibilityProvider,
  claude: claudeProvider,
  gemini: geminiProvider,
  codex: codexProvider,
  qwen: qwenProvider,
  iflow: iflowProvider,
  "gemini-cli": geminiCliProvider,
  antigravity: antigravityProvider,
};
