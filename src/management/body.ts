import type { Context } from "hono";
import type { z } from "zod";
import { issueMessage } from "../config/issues.ts";
import { formatPath } from "../config/locate.ts";
import { invalid, ManagementError } from "./errors.ts";

// Reading and validating request input. Every failure is a 400 that says what is wrong.

/** The request body parsed as JSON. */
export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") throw new ManagementError(400, "request body is empty; expected JSON");
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ManagementError(400, `request body is not valid JSON: ${(err as Error).message}`);
  }
}

/** `value` checked against `schema`; problems are reported as "<where>.<path>: <message>". */
export function validate<S extends z.ZodType>(schema: S, value: unknown, where = "body"): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = formatPath([where, ...issue.path]);
    if (issue.code === "unrecognized_keys") return `${path}: unknown field(s) ${issue.keys.join(", ")}`;
    return `${path}: ${issueMessage(issue)}`;
  });
  throw invalid(`invalid ${where}`, problems);
}

/** A non-negative integer query parameter, or undefined when absent. */
export function indexParam(c: Context, name = "index"): number | undefined {
  const raw = c.req.query(name);
  if (raw === undefined || raw.trim() === "") return undefined;
  if (!/^\d+$/.test(raw.trim())) throw new ManagementError(400, `${name} must be a non-negative integer`);
  return Number(raw.trim());
}

/** A trimmed, non-empty query parameter, or undefined. */
export function textParam(c: Context, name: string): string | undefined {
  const raw = c.req.query(name)?.trim();
  return raw ? raw : undefined;
}
