/**
 * Small readers for Gemini JSON. Google's JSON parser accepts both lowerCamelCase and
 * snake_case field names, so every decoder reads through `field()`.
 */
import { ProxyError } from "../../server/errors.ts";

export type JsonObject = Record<string, any>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `obj[camel]`, falling back to `obj[snake]`. */
export function field(obj: JsonObject, camel: string, snake: string): any {
  const value = obj[camel];
  return value !== undefined ? value : obj[snake];
}

/** The 400 thrown for a client body that is not a valid Gemini request. */
export function invalidRequest(path: string, problem: string): ProxyError {
  return new ProxyError(400, `invalid Gemini request: ${path} ${problem}`, { type: "invalid_request_error" });
}

/** The error for an upstream body that is not a Gemini response. */
export function invalidUpstream(problem: string): ProxyError {
  return new ProxyError(502, `invalid Gemini upstream response: ${problem}`, { type: "upstream_error" });
}

/** A finite number or undefined; anything else present is a client error naming `path`. */
export function optionalNumber(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) throw invalidRequest(path, "must be a number");
  return value;
}
