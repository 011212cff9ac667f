import { randomBytes, timingSafeEqual } from "node:crypto";

/** The OAuth `state`: unguessable, URL-safe, checked on the way back (CSRF protection). */
export function createState(): string {
  return randomBytes(24).toString("base64url");
}

export function sameState(expected: string, got: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(got);
  return a.length === b.length && timingSafeEqual(a, b);
}
