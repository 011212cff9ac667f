/**
 * Timestamps as the Go original writes them in auth files: RFC 3339 (`expired`,
 * `last_refresh`). Reading accepts any RFC 3339 form (offsets, fractions) and epoch numbers.
 */

/** Milliseconds since the epoch, or undefined when absent or unreadable. */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value) && value > 0) {
    // Seconds or milliseconds since the epoch (some tools write either).
    return value < 1e12 ? value * 1000 : value;
  }
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const ms = Date.parse(value.trim());
  return Number.isNaN(ms) ? undefined : ms;
}

/** RFC 3339 in UTC with whole seconds, e.g. 2025-01-02T03:04:05Z (what Go's time.RFC3339 parses). */
export function formatTimestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}
