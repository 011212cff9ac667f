/**
 * Same-format passthrough answers name the upstream model; clients asked for their alias and
 * some check it. This renames `"model": "<upstream>"` (and Gemini's `modelVersion`) back in the
 * bytes as they stream, without parsing: a text replace that carries over, between chunks, only
 * a tail that could be the start of a match — SSE frames end in blank lines, so in practice
 * nothing is held back and no event is delayed.
 */
export class ModelRenamer {
  private readonly patterns: Array<[from: string, to: string]>;
  private readonly decoder = new TextDecoder();
  private tail = "";

  constructor(upstreamModel: string, clientModel: string) {
    const from = JSON.stringify(upstreamModel);
    const to = JSON.stringify(clientModel);
    this.patterns = [];
    for (const key of ['"model"', '"modelVersion"']) {
      this.patterns.push([`${key}:${from}`, `${key}:${to}`], [`${key}: ${from}`, `${key}: ${to}`]);
    }
  }

  /** A whole body at once. */
  renameAll(text: string): string {
    for (const [from, to] of this.patterns) if (text.includes(from)) text = text.replaceAll(from, to);
    return text;
  }

  /** Renamed text for `chunk`; may hold back a few trailing characters until the next call. */
  push(chunk: Uint8Array): string {
    const text = this.renameAll(this.tail + this.decoder.decode(chunk, { stream: true }));
    const keep = this.partialMatchLength(text);
    this.tail = keep > 0 ? text.slice(text.length - keep) : "";
    return keep > 0 ? text.slice(0, text.length - keep) : text;
  }

  /** Whatever is still held back. */
  end(): string {
    const rest = this.tail + this.decoder.decode();
    this.tail = "";
    return rest;
  }

  /** Length of the longest suffix of `text` that is a proper prefix of some pattern. */
  private partialMatchLength(text: string): number {
    let best = 0;
    for (const [from] of this.patterns) {
      for (let n = Math.min(from.length - 1, text.length); n > best; n--) {
        if (text.endsWith(from.slice(0, n))) {
          best = n;
          break;
        }
      }
    }
    return best;
  }
}
