// Go's time.ParseDuration format, which the original uses for TTL settings: a sequence of
// decimal numbers with units, e.g. "300ms", "1.5h", "2h45m". A bare "0" is also valid.

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;

/** Milliseconds for a Go duration string, or undefined when it is not one. */
export function parseGoDuration(input: string): number | undefined {
  let s = input.trim();
  let sign = 1;
  if (s.startsWith("-") || s.startsWith("+")) {
    if (s[0] === "-") sign = -1;
    s = s.slice(1);
  }
  if (s === "0") return 0;
  if (s === "") return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < s.length) {
    const start = PART.lastIndex;
    const match = PART.exec(s);
    if (!match || match.index !== start) return undefined;
    total += Number(match[1]) * UNIT_MS[match[2]];
  }
  return sign * total;
}

export function isGoDuration(input: string): boolean {
  return parseGoDuration(input) !== undefined;
}
