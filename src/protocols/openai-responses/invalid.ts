import { fieldChecks } from "../field-checks.ts";

// Errors and field readers for this format; shared logic lives in ../field-checks.ts.
export { isObject } from "../field-checks.ts";
export const {
  invalidRequest,
  invalidUpstream,
  optionalNumber,
  optionalString,
  optionalBoolean,
  optionalPositiveInt,
  requiredString,
} = fieldChecks("Responses");
