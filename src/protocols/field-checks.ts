import { ProxyError } from "../server/errors.ts";

/** A plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, any> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The errors and field readers a codec uses, with messages naming its format: `label` appears
 * as "invalid <label> request: <field> <problem>" (400) and "invalid <label> upstream response:
 * <problem>" (502). Absent and null optional fields read as undefined.
 */
export function fieldChecks(label: string) {
  const invalidRequest = (field: string, problem: string): ProxyError =>
    new ProxyError(400, `invalid ${label} request: ${field} ${problem}`, { type: "invalid_request_error" });

  const invalidUpstream = (problem: string): ProxyError =>
    new ProxyError(502, `invalid ${label} upstream response: ${problem}`, { type: "upstream_error" });

  const optionalNumber = (value: unknown, field: string): number | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "number" || !Number.isFinite(value)) throw invalidRequest(field, "must be a number");
    return value;
  };

  const optionalString = (value: unknown, field: string): string | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string") throw invalidRequest(field, "must be a string");
    return value;
  };

  const optionalBoolean = (value: unknown, field: string): boolean | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "boolean") throw invalidRequest(field, "must be a boolean");
    return value;
  };

  const optionalPositiveInt = (value: unknown, field: string): number | undefined => {
    const n = optionalNumber(value, field);
    if (n !== undefined && (!Number.isInteger(n) || n < 1))
      throw invalidRequest(field, "must be a positive integer");
    return n;
  };

  const requiredString = (value: unknown, field: string): string => {
    if (typeof value !== "string") throw invalidRequest(field, "must be a string");
    return value;
  };

  return {
    invalidRequest,
    invalidUpstream,
    optionalNumber,
    optionalString,
    optionalBoolean,
    optionalPositiveInt,
    requiredString,
  };
}
