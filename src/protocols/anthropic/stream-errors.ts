/** Anthropic `error` stream events <-> IR error events. */

import { typeForStatus } from "../../server/errors.ts";
import type { IRStreamEvent } from "../ir.ts";
import { isObject } from "./invalid.ts";

/** HTTP status Anthropic uses for each error type. */
const STATUS_BY_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** `{type:"error", error:{type, message}}` -> IR error (error types in the proxy's vocabulary). */
export function decodeStreamError(payload: unknown): IRStreamEvent & { type: "error" } {
  const error = isObject(payload) && isObject(payload.error) ? payload.error : {};
  const type = typeof error.type === "string" ? error.type : "api_error";
  const message = typeof error.message === "string" ? error.message : "upstream stream error";
  const status = STATUS_BY_TYPE[type] ?? 500;
  return { type: "error", status, errorType: type === "api_error" ? "server_error" : type, message };
}

/** IR error -> the Anthropic error type a client SDK recognises. */
export function anthropicErrorType(errorType: string, status: number): string {
  if (errorType in STATUS_BY_TYPE) return errorType;
  const type =
    errorType === "server_error" || errorType === "upstream_error" ? "api_error" : typeForStatus(status);
  return type === "server_error" || type === "upstream_error" ? "api_error" : type;
}
