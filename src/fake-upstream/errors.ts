/**
 * Error answers in each provider's documented envelope, with the reset hints a proxy reads to
 * cool a credential down: OpenAI/Codex `retry-after` + `x-ratelimit-reset-requests`, Codex
 * `resets_in_seconds`, Anthropic `retry-after` + `anthropic-ratelimit-requests-reset`, Google
 * `RetryInfo.retryDelay` + `ErrorInfo.metadata.quotaResetDelay`.
 */
import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { ErrorScenario, FakeCall } from "./scenarios.ts";
import { sendJson } from "./send.ts";

/** The error conventions of the surface that was called. */
export type Dialect = "openai" | "codex" | "anthropic" | "gemini" | "code-assist";

const STATUS: Record<ErrorScenario, number> = {
  "rate-limit": 429,
  "server-error": 500,
  "bad-request": 400,
  unauthorized: 401,
  overloaded: 503,
};

const MESSAGE: Record<number, string> = {
  400: "Invalid request (fake upstream scenario bad-request).",
  401: "Invalid authentication credentials (fake upstream scenario unauthorized).",
  429: "Rate limit reached for requests (fake upstream scenario rate-limit).",
  500: "Internal server error (fake upstream scenario server-error).",
  503: "The model is overloaded. Please try again later.",
  529: "Overloaded (fake upstream scenario overloaded).",
};

const OPENAI_TYPE: Record<number, [type: string, code: string | null]> = {
  400: ["invalid_request_error", null],
  401: ["invalid_request_error", "invalid_api_key"],
  404: ["invalid_request_error", "unknown_url"],
  429: ["requests", "rate_limit_exceeded"],
  500: ["server_error", null],
  503: ["server_error", null],
};

const ANTHROPIC_TYPE: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  404: "not_found_error",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

const GOOGLE_STATUS: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};

/** Go-style duration text as OpenAI and Google print it: "3s", "1m30s", "1h0m5s", "250ms". */
export function durationText(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = Number((seconds % 60).toFixed(3));
  if (hours > 0) return `${hours}h${minutes}m${rest}s`;
  return minutes > 0 ? `${minutes}m${rest}s` : `${rest}s`;
}

/** RFC 3339 timestamp `seconds` from now, whole seconds (as Anthropic's headers carry). */
function resetTimestamp(seconds: number): string {
  return new Date(Math.ceil((Date.now() + seconds * 1000) / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

function openAiBody(status: number, message: string): unknown {
  const [type, code] = OPENAI_TYPE[status] ?? ["server_error", null];
  return { error: { message, type, param: null, code } };
}

function anthropicBody(status: number, message: string, serial: number): unknown {
  return {
    type: "error",
    error: { type: ANTHROPIC_TYPE[status] ?? "api_error", message },
    request_id: `req_fake_${serial}`,
  };
}

function googleBody(status: number, message: string, details?: unknown[]): unknown {
  const error: Record<string, unknown> = {
    code: status,
    message,
    status: GOOGLE_STATUS[status] ?? "UNKNOWN",
  };
  if (details) error.details = details;
  return { error };
}

/** Google's 429 details: quota violated, reason with reset delay (as Code Assist sends), retry delay. */
function googleRateLimitDetails(call: FakeCall, domain: string): unknown[] {
  const delay = durationText(call.resetSeconds);
  return [
    {
      "@type": "type.googleapis.com/google.rpc.QuotaFailure",
      violations: [
        {
          quotaMetric: `${domain}/generate_content_requests`,
          quotaId: "GenerateRequestsPerMinutePerProjectPerModel",
          quotaDimensions: { model: call.model, location: "global" },
          quotaValue: "60",
        },
      ],
    },
    {
      "@type": "type.googleapis.com/google.rpc.ErrorInfo",
      reason: "RATE_LIMIT_EXCEEDED",
      domain,
      metadata: {
        model: call.model,
        quotaResetDelay: delay,
        quotaResetTimeStamp: resetTimestamp(call.resetSeconds),
      },
    },
    { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: `${call.resetSeconds}s` },
  ];
}

interface ErrorAnswer {
  status: number;
  body: unknown;
  headers?: OutgoingHttpHeaders;
}

function plainError(dialect: Dialect, status: number, message: string, serial: number): ErrorAnswer {
  if (dialect === "anthropic") return { status, body: anthropicBody(status, message, serial) };
  if (dialect === "gemini" || dialect === "code-assist") return { status, body: googleBody(status, message) };
  return { status, body: openAiBody(status, message) };
}

function rateLimitError(dialect: Dialect, message: string, call: FakeCall): ErrorAnswer {
  const seconds = call.resetSeconds;
  const retryAfter = String(Math.ceil(seconds));
  if (dialect === "anthropic") {
    return {
      status: 429,
      body: anthropicBody(429, message, call.serial),
      headers: {
        "retry-after": retryAfter,
        "anthropic-ratelimit-requests-limit": "50",
        "anthropic-ratelimit-requests-remaining": "0",
        "anthropic-ratelimit-requests-reset": resetTimestamp(seconds),
      },
    };
  }
  if (dialect === "gemini" || dialect === "code-assist") {
    const domain = dialect === "gemini" ? "generativelanguage.googleapis.com" : "cloudcode-pa.googleapis.com";
    const googleMessage = "Resource has been exhausted (e.g. check quota).";
    return { status: 429, body: googleBody(429, googleMessage, googleRateLimitDetails(call, domain)) };
  }
  const headers: OutgoingHttpHeaders = {
    "retry-after": retryAfter,
    "x-ratelimit-limit-requests": "60",
    "x-ratelimit-remaining-requests": "0",
    "x-ratelimit-reset-requests": durationText(seconds),
  };
  if (dialect === "openai") return { status: 429, body: openAiBody(429, message), headers };
  // The ChatGPT backend reports its usage window in the body.
  const body = {
    error: {
      type: "usage_limit_reached",
      message: "The usage limit has been reached",
      plan_type: "plus",
      resets_at: Math.ceil(Date.now() / 1000 + seconds),
      resets_in_seconds: Math.ceil(seconds),
    },
  };
  return { status: 429, body, headers };
}

/** Sends a plain error (no reset hints) in the dialect's envelope. */
export function sendError(
  res: ServerResponse,
  dialect: Dialect,
  status: number,
  message: string,
  serial = 0,
): void {
  const e = plainError(dialect, status, message, serial);
  sendJson(res, e.status, e.body);
}

/** Answers an error scenario the way the called provider would. */
export function sendScenarioError(
  res: ServerResponse,
  dialect: Dialect,
  scenario: ErrorScenario,
  call: FakeCall,
): void {
  let status = STATUS[scenario];
  if (scenario === "overloaded" && dialect === "anthropic") status = 529;
  const message = MESSAGE[status];
  const e =
    status === 429
      ? rateLimitError(dialect, message, call)
      : plainError(dialect, status, message, call.serial);
  sendJson(res, e.status, e.body, e.headers);
}
