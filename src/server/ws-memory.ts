/**
 * Per-socket memory of finished responses, so a WebSocket turn can send only its new input plus
 * `previous_response_id` (OpenAI's WebSocket mode keeps that state on the connection, which is
 * why it works with `store: false`). Upstreams see the whole history every time.
 *
 * A response's context shares its item objects with its ancestors', so a long chain costs one
 * copy of the conversation plus an array of references per remembered turn.
 */

export interface RememberedResponse {
  /** Every input item the upstream received for this response, history included. */
  readonly context: readonly unknown[];
  /** Its output items, ready to be sent back as input (item ids removed). */
  readonly output: readonly unknown[];
  /** Client-facing model and instructions, inherited by a continuation that omits them. */
  readonly model: string;
  readonly instructions: unknown;
  /** The `stream_id` lane it ran on ('' = none), for `response.append`. */
  readonly lane: string;
  /** Approximate size of what this turn added (its request text plus its output). */
  readonly ownBytes: number;
  /** Approximate size of everything reachable from it: its ancestors' bytes plus its own. */
  readonly totalBytes: number;
}

export interface MemoryLimits {
  /** Responses kept per socket; the oldest go first. */
  maxResponses: number;
  /**
   * Bytes kept per socket (sum of the turns' own bytes). A single conversation bigger than this
   * is not remembered at all: its continuation gets `previous_response_not_found` and the client
   * resends the full context, as the API documents. Retained memory stays below about twice this.
   */
  maxBytes: number;
}

export const DEFAULT_MEMORY_LIMITS: MemoryLimits = { maxResponses: 50, maxBytes: 32 * 1024 * 1024 };

export class ResponseMemory {
  readonly #limits: MemoryLimits;
  /** Insertion order is age order: the first key is the oldest. */
  readonly #entries = new Map<string, RememberedResponse>();
  #bytes = 0;

  constructor(limits: MemoryLimits = DEFAULT_MEMORY_LIMITS) {
    this.#limits = limits;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Sum of the remembered turns' own bytes. */
  get bytes(): number {
    return this.#bytes;
  }

  get(id: string): RememberedResponse | undefined {
    return this.#entries.get(id);
  }

  /** The newest response that ran on `lane`. */
  lastOnLane(lane: string): string | undefined {
    let found: string | undefined;
    for (const [id, entry] of this.#entries) if (entry.lane === lane) found = id;
    return found;
  }

  /** Remembers a response; returns false when it is too big to keep. */
  remember(id: string, entry: RememberedResponse): boolean {
    this.forget(id);
    if (entry.totalBytes > this.#limits.maxBytes) return false;
    this.#entries.set(id, entry);
    this.#bytes += entry.ownBytes;
    for (const [oldest, old] of this.#entries) {
      if (this.#entries.size <= this.#limits.maxResponses && this.#bytes <= this.#limits.maxBytes) break;
      if (oldest === id) break;
      this.#entries.delete(oldest);
      this.#bytes -= old.ownBytes;
    }
    return true;
  }

  forget(id: string): void {
    const old = this.#entries.get(id);
    if (old === undefined) return;
    this.#entries.delete(id);
    this.#bytes -= old.ownBytes;
  }
}
