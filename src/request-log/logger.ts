/**
 * Per-request log files. With `request-log: true` every generate request writes one file under
 * `<auth-dir>/logs/` (request line, redacted headers, bodies, upstream attempts, the response as
 * sent, capped). With it off, only failed requests (status >= 400) write a file, named
 * `error-...`, and only the newest `error-logs-max-files` of those are kept.
 *
 * When logging is off, an entry only holds references to what the pipeline already has; the
 * per-chunk call is one boolean test and nothing is buffered.
 */
import { join } from "node:path";
import type { Config } from "../config/index.ts";
import { log } from "../logging/logger.ts";
import { logFileName, pruneErrorLogs, writeLogFile } from "./files.ts";
import { formatLogFile, type HeaderBag, type UpstreamAttempt, type UpstreamFailure } from "./format.ts";
import { newRequestId } from "./request-id.ts";
import { knownSecretsPattern } from "./scrub.ts";

export interface RequestLogSettings {
  /** `request-log`: log every request, not just failures. */
  enabled: boolean;
  dir: string;
  /** `error-logs-max-files`: error files kept; 0 keeps all. */
  errorLogsMaxFiles: number;
  /** Cap on each logged body, bytes. */
  maxBodyBytes: number;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export function requestLogSettings(config: Config): RequestLogSettings {
  return {
    enabled: config["request-log"] === true,
    dir: join(config["auth-dir"], "logs"),
    errorLogsMaxFiles: config["error-logs-max-files"],
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  };
}

export interface RequestMeta {
  method: string;
  /** Path and query as received (a `key=` parameter is masked when written). */
  url: string;
  headers: HeaderBag;
  /** The request body text, when already read. */
  body?: string;
  requestId?: string;
}

export interface RequestLogEntry {
  /** True when bodies and response bytes are being captured (request-log on). */
  readonly capturing: boolean;
  /** The request id the log file name ends with (made on first read); absent without a logger. */
  readonly id?: string;
  requestBody(text: string): void;
  /** An upstream call about to be made (kept only while capturing). */
  upstream(attempt: UpstreamAttempt): void;
  /** A failed upstream attempt; always kept, error files show them. */
  upstreamError(status: number, body: string, credential?: string): void;
  /** Bytes as sent to the client (kept only while capturing, up to the cap). */
  responseChunk(chunk: string | Uint8Array): void;
  /**
   * The response is complete. `body` is the whole body when it was not streamed (a JSON answer
   * or an error envelope). Writes the file when capturing or when status >= 400; resolves to its
   * path, or undefined when nothing was written. Never rejects.
   */
  finish(status: number, headers?: HeaderBag, body?: string): Promise<string | undefined>;
}

export interface RequestLogger {
  readonly settings: RequestLogSettings;
  begin(meta: RequestMeta): RequestLogEntry;
  configure(settings: RequestLogSettings): void;
  /** Exact secrets (client and upstream keys) masked wherever they appear in logged text. */
  setKnownSecrets(secrets: Iterable<string>): void;
  /** Resolves when every file write and prune started so far has finished. */
  idle(): Promise<void>;
}

export function createRequestLogger(settings: RequestLogSettings): RequestLogger {
  return new FileRequestLogger(settings);
}

class FileRequestLogger implements RequestLogger {
  settings: RequestLogSettings;
  known: RegExp | undefined;
  private readonly pending = new Set<Promise<unknown>>();
  private pruning: Promise<void> | undefined;
  private pruneAgain = false;

  constructor(settings: RequestLogSettings) {
    this.settings = settings;
  }

  begin(meta: RequestMeta): RequestLogEntry {
    return new Entry(this, meta, this.settings.enabled);
  }

  configure(settings: RequestLogSettings): void {
    this.settings = settings;
  }

  setKnownSecrets(secrets: Iterable<string>): void {
    this.known = knownSecretsPattern(secrets);
  }

  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p)).catch(() => {});
    return p;
  }

  /** Coalesces prunes: one running, at most one more queued behind it. */
  schedulePrune(): void {
    if (this.pruning) {
      this.pruneAgain = true;
      return;
    }
    const run = async () => {
      do {
        this.pruneAgain = false;
        await pruneErrorLogs(this.settings.dir, this.settings.errorLogsMaxFiles);
      } while (this.pruneAgain);
    };
    this.pruning = this.track(
      run()
        .catch((err) => log.warn({ err: (err as Error).message }, "request log: pruning error files failed"))
        .finally(() => {
          this.pruning = undefined;
        }),
    );
  }
}

/** Shared empty list: entries allocate their own only once something is kept. */
const NONE: never[] = [];

class Entry implements RequestLogEntry {
  readonly capturing: boolean;
  private readonly logger: FileRequestLogger;
  private readonly meta: RequestMeta;
  private readonly time = new Date();
  private body: string | undefined;
  private attempts: UpstreamAttempt[] = NONE;
  private failures: UpstreamFailure[] = NONE;
  private chunks: (string | Uint8Array)[] = NONE;
  private captured = 0;
  private truncated = 0;
  private done = false;
  private requestId: string | undefined;

  constructor(logger: FileRequestLogger, meta: RequestMeta, capturing: boolean) {
    this.logger = logger;
    this.meta = meta;
    this.body = meta.body;
    this.capturing = capturing;
  }

  /** Made lazily: a request that writes no file and shows no header never pays for one. */
  get id(): string {
    this.requestId ??= this.meta.requestId || newRequestId();
    return this.requestId;
  }

  requestBody(text: string): void {
    this.body = text;
  }

  upstream(attempt: UpstreamAttempt): void {
    if (!this.capturing) return;
    if (this.attempts === NONE) this.attempts = [];
    this.attempts.push(attempt);
  }

  upstreamError(status: number, body: string, credential?: string): void {
    if (this.failures === NONE) this.failures = [];
    this.failures.push({ status, body: this.cap(body), credential });
  }

  responseChunk(chunk: string | Uint8Array): void {
    if (!this.capturing) return;
    const room = this.logger.settings.maxBodyBytes - this.captured;
    const size = chunk.length;
    if (room <= 0) {
      this.truncated += size;
      return;
    }
    const kept = size <= room ? chunk : chunk.slice(0, room);
    if (this.chunks === NONE) this.chunks = [];
    this.chunks.push(kept);
    this.captured += kept.length;
    this.truncated += size - kept.length;
  }

  finish(status: number, headers?: HeaderBag, body?: string): Promise<string | undefined> {
    if (this.done || (!this.capturing && status < 400)) return Promise.resolve(undefined);
    this.done = true;
    const logger = this.logger;
    const settings = logger.settings;
    const errorOnly = !this.capturing;
    let responseBody = body;
    if (responseBody === undefined && this.chunks !== NONE) responseBody = joinChunks(this.chunks);
    if (responseBody !== undefined) responseBody = this.cap(responseBody);
    const content = formatLogFile({
      method: this.meta.method,
      url: this.meta.url,
      time: this.time,
      requestId: this.id,
      headers: this.meta.headers,
      requestBody: this.body === undefined ? undefined : this.cap(this.body),
      attempts: this.attempts,
      failures: this.failures,
      status,
      responseHeaders: headers,
      responseBody,
      responseTruncated: this.truncated,
      known: logger.known,
    });
    const name = logFileName(this.meta.url, this.time, this.id, errorOnly);
    return logger.track(
      writeLogFile(settings.dir, name, content).then(
        (path) => {
          if (errorOnly) logger.schedulePrune();
          return path;
        },
        (err) => {
          log.warn({ err: (err as Error).message }, "request log: write failed");
          return undefined;
        },
      ),
    );
  }

  private cap(text: string): string {
    const max = this.logger.settings.maxBodyBytes;
    if (text.length <= max) return text;
    return `${text.slice(0, max)}\n[... ${text.length - max} more characters not logged]`;
  }
}

function joinChunks(chunks: (string | Uint8Array)[]): string {
  const decoder = new TextDecoder();
  let out = "";
  for (const c of chunks) out += typeof c === "string" ? c : decoder.decode(c, { stream: true });
  return out + decoder.decode();
}
