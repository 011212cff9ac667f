import type { z } from "zod";

// Turns a zod issue into the text after "path: ". The schema's leaf helpers set the
// expectation ("expected an integer between 1 and 65535"); this adds what was found instead.

/** A short, single-line description of a YAML value as the user wrote it. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "an empty value";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(shown);
  }
  return String(value);
}

export function issueMessage(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  if (input === undefined) return issue.code === "invalid_type" ? "is required" : issue.message;
  return `${issue.message}, got ${describeValue(input)}`;
}
