/** The text layout of one request-log file, sections in the Go original's style. */
import { isSecretHeader, maskSecret, redactUrl } from "../logging/redact.ts";
import { scrubSecrets } from "./scrub.ts";

export type HeaderBag = Record<string, unknown> | Iterable<[string, unknown]>;

export interface UpstreamAttempt {
  credential?: string;
  url?: string;
  headers?: HeaderBag;
  body?: string;
}

export interface UpstreamFailure {
  credential?: string;
  status: number;
  body: string;
}

export interface LogFileContent {
  method: string;
  url: string;
  time: Date;
  requestId?: string;
  headers: HeaderBag;
  requestBody?: string;
  attempts: UpstreamAttempt[];
  failures: UpstreamFailure[];
  status: number;
  responseHeaders?: HeaderBag;
  responseBody?: string;
  /** Bytes of the response left out past the cap. */
  responseTruncated: number;
  /** Regex of exact secrets to mask. */
  known?: RegExp;
}

function entries(h: HeaderBag | undefined): Iterable<[string, unknown]> {
  if (!h) return [];
  if (typeof (h as any)[Symbol.iterator] === "function") return h as Iterable<[string, unknown]>;
  return Object.entries(h);
}

function headerLines(h: HeaderBag | undefined): string {
  let out = "";
  for (const [name, value] of entries(h)) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (v === undefined) continue;
      const text = String(v);
      out += `${name}: ${isSecretHeader(name) ? maskSecret(text) : text}\n`;
    }
  }
  return out;
}

export function formatLogFile(c: LogFileContent): string {
  const scrub = (s: string) => scrubSecrets(s, c.known);
  let out = "=== REQUEST INFO ===\n";
  out += `URL: ${redactUrl(c.url)}\nMethod: ${c.method}\nTimestamp: ${c.time.toISOString()}\n`;
  if (c.requestId) out += `Request ID: ${c.requestId}\n`;
  out += `\n=== HEADERS ===\n${headerLines(c.headers)}`;
  out += `\n=== REQUEST BODY ===\n${c.requestBody === undefined ? "" : scrub(c.requestBody)}\n`;
  c.attempts.forEach((a, i) => {
    out += `\n=== API REQUEST ${i + 1} ===\n`;
    if (a.credential) out += `Credential: ${a.credential}\n`;
    if (a.url) out += `URL: ${redactUrl(a.url)}\n`;
    out += headerLines(a.headers);
    if (a.body !== undefined) out += `\n${scrub(a.body)}\n`;
  });
  for (const f of c.failures) {
    out += "\n=== API ERROR RESPONSE ===\n";
    if (f.credential) out += `Credential: ${f.credential}\n`;
    out += `HTTP Status: ${f.status}\n${scrub(f.body)}\n`;
  }
  out += `\n=== RESPONSE ===\nStatus: ${c.status}\n${headerLines(c.responseHeaders)}\n`;
  if (c.responseBody !== undefined) out += scrub(c.responseBody);
  if (c.responseTruncated > 0) out += `\n[... ${c.responseTruncated} more bytes not logged]`;
  return `${out}\n`;
}
