/**
 * Google Code Assist (`/v1internal:*`, the Gemini CLI OAuth backend): requests arrive as
 * `{model, project, request: GenerateContentRequest}` and every answer or stream chunk is
 * `{response: GenerateContentResponse}`.
 */

import {
  frameGeminiChunks,
  geminiChunks,
  geminiResponse,
  geminiStreamContentType,
  readGeminiRequest,
} from "./gemini.ts";
import type { FakeCall } from "./scenarios.ts";
import type { GenerationSurface } from "./surface.ts";

function* wrapped(chunks: Iterable<string>): Generator<string> {
  for (const chunk of chunks) yield `{"response":${chunk}}`;
}

export const codeAssistSurface: GenerationSurface = {
  dialect: "code-assist",
  read: (body) => readGeminiRequest(body?.request),
  reply: (plan, call) => ({ response: geminiResponse(plan, call) }),
  frames: (plan, call: FakeCall) => frameGeminiChunks(wrapped(geminiChunks(plan, call)), call.sse),
  streamContentType: geminiStreamContentType,
};

const DEFAULT_PROJECT = "fake-project";

function requestedProject(body: any): string {
  const p = body?.cloudaicompanionProject ?? body?.metadata?.duetProject;
  return typeof p === "string" && p !== "" ? p : DEFAULT_PROJECT;
}

const STANDARD_TIER = {
  id: "standard-tier",
  name: "Gemini Code Assist",
  description: "Unlimited coding assistant with the most powerful Gemini models",
  userDefinedCloudaicompanionProject: true,
};
const FREE_TIER = {
  id: "free-tier",
  name: "Gemini Code Assist for individuals",
  description: "Gemini Code Assist for individuals (fake upstream)",
  userDefinedCloudaicompanionProject: false,
  isDefault: true,
};

/** `loadCodeAssist`: the account is already on a tier with a project. */
export function loadCodeAssistAnswer(body: any): unknown {
  return {
    currentTier: STANDARD_TIER,
    allowedTiers: [FREE_TIER, { ...STANDARD_TIER, isDefault: false }],
    cloudaicompanionProject: requestedProject(body),
  };
}

/** `onboardUser`: a long-running operation that is already done. */
export function onboardUserAnswer(body: any): unknown {
  const project = requestedProject(body);
  return {
    name: `operations/fake-onboard-${project}`,
    done: true,
    response: {
      "@type": "type.googleapis.com/google.internal.cloud.code.v1internal.OnboardUserResponse",
      cloudaicompanionProject: { id: project, name: project },
    },
  };
}
