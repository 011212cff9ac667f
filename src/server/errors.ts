/**
 * One error type for everything the proxy answers with, rendered in the caller's own envelope.
 */

/** Which envelope a route speaks. */
export type ErrorSurface = "openai" | "anthropic" | "gemini" | "ollama";

/** OpenAI-style error type names; each surface maps them to its own vocabulary. */
export type ErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "rate_limit_error"
  | "request_too_large"
  | "server_error"
  | "upstream_error"
  | "overloaded_error";

export class ProxyError extends Error {
  readonly status: number;
  readonly type: ErrorType;
  readonly code: string | undefined;
  /** Seconds the client should wait, sent as Retry-After. */
  readonly retryAfter: number | undefined;

  constructor(
    status: number,
    message: string,
    opts: { type?: ErrorType; code?: string; retryAfter?: number; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "ProxyError";
    this.status = status;
    this.type = opts.type ?? typeForStatus(status);
    this.code = opts.code;
    this.retryAfter = opts.retryAfter;
  }
}

export function typeForStatus(status: number): ErrorType {
  switch (status) {
    case 401:
      return "authentication_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 529:
      return "overloaded_error";
    default:
      return status >= 500 ? "server_error" : "invalid_request_error";
  }
}

/** Google's canonical status names, used by the Gemini envelope. */
function googleStatus(status: number): string {
  switch (status) {
    case 400:
      return "INVALID_ARGUMENT";
    case 401:
      return "UNAUTHENTICATED";
    case 403:
      return "PERMISSION_DENIED";
    case 404:
      return "NOT_FOUND";
    case 413:
      return "INVALID_ARGUMENT";
    case 429:
      return "RESOURCE_EXHAUSTED";
    case 501:
      return "UNIMPLEMENTED";
    case 503:
      return "UNAVAILABLE";
    case 504:
      return "DEADLINE_EXCEEDED";
    default:
      return status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
  }
}

/** Anthropic's error type names. */
function anthropicType(err: ProxyError): string {
  switch (err.type) {
    case "server_error":
    case "upstream_error":
      return "api_error";
    default:
      return err.type;
  }
}

/** The JSON body for `err` in the envelope of `surface`. */
export function errorBody(err: ProxyError, surface: ErrorSurface): unknown {
  switch (surface) {
    case "anthropic":
      return { type: "error", error: { type: anthropicType(err), message: err.message } };
    case "gemini":
      return { error: { code: err.status, message: err.message, status: googleStatus(err.status) } };
    case "ollama":
      return { error: err.message };
    default:
      return { error: { message: err.message, type: err.type, param: null, code: err.code ?? null } };
  }
}

/** Any thrown value as a ProxyError; unknown failures become a 500 without leaking internals. */
export function toProxyError(err: unknown): ProxyError {
  if (err instanceof ProxyError) return err;
  return new ProxyError(500, "internal error while handling the request", { cause: err });
}
