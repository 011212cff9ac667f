import { ProxyError } from "../../server/errors.ts";

/** The 400 thrown for a client body that is not a valid Chat Completions request. */
export function invalidRequest(field: string, problem: string): ProxyError {
  return new ProxyError(400, `invalid OpenAI chat request: ${field} ${problem}`, {
    type: "invalid_request_error",
  });
}

/** The error for an upstream body that is not a chat completion. */
export function invalidUpstream(problem: string): ProxyError {
  return new ProxyError(502, `invalid OpenAI chat upstream response: ${problem}`, { type: "upstream_error" });
}

export function isObject(value: unknown): value is Record<string, any> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A finite number, or undefined when absent/null; anything else is a client error naming `field`. */
export function optionalNumber(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) throw invalidRequest(field, "must be a number");
  return value;
}

/** A string, or undefined when absent/null; anything else is a client error naming `field`. */
export function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw invalidRequest(field, "must be a string");
  return value;
}
