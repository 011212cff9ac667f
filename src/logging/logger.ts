import { mkdirSync } from "node:fs";
import { join } from "node:path";
import pino, { type Logger } from "pino";
import { recordLogLine } from "../management/log-ring.ts";

/**
 * The process logger. Starts on stdout at `info`; `configureLogger` re-targets it when the
 * config says `debug` or `logging-to-file`. Call sites import `log` once and keep using it:
 * it is a stable proxy over whichever pino instance is current.
 */

export interface LoggerSettings {
  debug: boolean;
  /** Write rotating files under `dir` instead of stdout. */
  toFile: boolean;
  dir: string;
  /** Total size cap across rotated files, MB. */
  maxTotalMb?: number;
}

/** pino redaction: any field named like a secret is censored wherever it appears. */
const REDACT_PATHS = [
  "apiKey",
  "api_key",
  "token",
  "access_token",
  "refresh_token",
  "authorization",
  "*.apiKey",
  "*.api_key",
  "*.token",
  "*.access_token",
  "*.refresh_token",
  "*.authorization",
  "headers.authorization",
  'headers["x-api-key"]',
  'headers["x-goog-api-key"]',
];

function baseOptions(level: string): pino.LoggerOptions {
  return {
    level,
    base: undefined,
    redact: { paths: REDACT_PATHS, censor: "****" },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Every (already redacted) line also goes to the in-memory ring behind GET /v0/management/logs.
    hooks: { streamWrite: recordLogLine },
  };
}

let current: Logger = pino(baseOptions(process.env.LOG_LEVEL || "info"));
let currentKey = "";

export function configureLogger(s: LoggerSettings): void {
  const level = process.env.LOG_LEVEL || (s.debug ? "debug" : "info");
  const key = `${level}|${s.toFile}|${s.dir}|${s.maxTotalMb}`;
  if (key === currentKey) return;
  currentKey = key;
  if (!s.toFile) {
    current = pino(baseOptions(level));
    return;
  }
  mkdirSync(s.dir, { recursive: true });
  const fileMb = 10;
  const count = Math.max(1, Math.floor((s.maxTotalMb ?? 100) / fileMb));
  const transport = pino.transport({
    target: "pino-roll",
    options: {
      file: join(s.dir, "main"),
      extension: ".log",
      size: `${fileMb}m`,
      mkdir: true,
      limit: { count },
    },
  });
  current = pino(baseOptions(level), transport);
}

/** Stable facade: `log.info(...)` always reaches the current logger. */
export const log: Pick<Logger, "info" | "warn" | "error" | "debug" | "fatal" | "trace"> & {
  isDebug(): boolean;
} = {
  info: (...a: any[]) => (current.info as any)(...a),
  warn: (...a: any[]) => (current.warn as any)(...a),
  error: (...a: any[]) => (current.error as any)(...a),
  debug: (...a: any[]) => (current.debug as any)(...a),
  fatal: (...a: any[]) => (current.fatal as any)(...a),
  trace: (...a: any[]) => (current.trace as any)(...a),
  isDebug: () => current.isLevelEnabled("debug"),
} as any;
