import type { Context } from "hono";

/** The TCP peer of the request (never a forwarded-for header: those are client-controlled). */
export function clientAddress(c: Context): string {
  const address = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming
    ?.socket?.remoteAddress;
  return normalizeAddress(address ?? "");
}

/** "::ffff:10.0.0.1" -> "10.0.0.1", so one client has one identity for bans. */
export function normalizeAddress(address: string): string {
  return address.toLowerCase().startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

/** 127.0.0.0/8 and ::1 (also IPv4-mapped). An unknown address is not loopback. */
export function isLoopbackAddress(address: string): boolean {
  const a = normalizeAddress(address);
  if (a === "::1" || a === "0:0:0:0:0:0:0:1") return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}
