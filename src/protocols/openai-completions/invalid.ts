import { ProxyError } from "../../server/errors.ts";

/** The 400 thrown for a client body that is not a valid legacy Completions request. */
export function invalidRequest(field: string, problem: string): ProxyError {
  return new ProxyError(400, `invalid Completions request: ${field} ${problem}`, {
    type: "invalid_request_error",
  });
}

/** The error for an upstream body that is not a text completion. */
export function invalidUpstream(problem: string): ProxyError {
  return new ProxyError(502, `invalid Completions upstream response: ${problem}`, { type: "upstream_error" });
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

/** A positive integer, or undefined when absent/null. */
export function optionalPositiveInt(value: unknown, field: string): number | undefined {
  const n = optionalNumber(value, field);
  if (n !== undefined && (!Number.isInteger(n) || n < 1))
    throw invalidRequest(field, "must be a positive integer");
  return n;
}

/** A boolean, or undefined when absent/null. */
export function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw invalidRequest(field, "must be a boolean");
  return value;
}
