import { isValueOfKey } from "./model-rewrite.ts";

/**
 * Same-format passthrough answers name the upstream model; clients asked for their alias and
 * some check it. This renames `"model": "<upstream>"` (and Gemini's `modelVersion`) back in the
 * bytes as they stream, without parsing or decoding: a chunk without a match goes out as the
 * very same Buffer. Between chunks only a tail that could start a match is held back — SSE
 * frames end in blank lines, so in practice nothing is held and no event is delayed.
 */
export class ModelRenamer {
  private readonly from: Buffer[];
  private readonly to: Buffer[];
  private readonly longest: number;
  private tail: Buffer | undefined;

  constructor(upstreamModel: string, clientModel: string) {
    const pairs = modelPairs(upstreamModel, clientModel);
    this.from = pairs.map(([f]) => Buffer.from(f));
    this.to = pairs.map(([, t]) => Buffer.from(t));
    this.longest = Math.max(...this.from.map((b) => b.length));
  }

  /** Renamed bytes for `chunk` (the same Buffer when nothing matched); may hold back a short tail. */
  push(chunk: Buffer): Buffer {
    let buf = this.tail ? Buffer.concat([this.tail, chunk]) : chunk;
    this.tail = undefined;
    if (buf.indexOf('"model') >= 0) buf = this.replace(buf);
    const keep = this.partialMatchLength(buf);
    if (keep === 0) return buf;
    this.tail = Buffer.from(buf.subarray(buf.length - keep));
    return buf.subarray(0, buf.length - keep);
  }

  /** Whatever is still held back. */
  end(): Buffer | undefined {
    const rest = this.tail;
    this.tail = undefined;
    return rest;
  }

  private replace(buf: Buffer): Buffer {
    for (let p = 0; p < this.from.length; p++) {
      const from = this.from[p];
      let at = buf.indexOf(from);
      if (at < 0) continue;
      const parts: Buffer[] = [];
      let start = 0;
      while (at >= 0) {
        parts.push(buf.subarray(start, at), this.to[p]);
        start = at + from.length;
        at = buf.indexOf(from, start);
      }
      parts.push(buf.subarray(start));
      buf = Buffer.concat(parts);
    }
    return buf;
  }

  /** Length of the longest suffix of `buf` that is a proper prefix of some pattern. */
  private partialMatchLength(buf: Buffer): number {
    // Every pattern starts with a quote: only suffixes starting at a quote can matter.
    const from = Math.max(0, buf.length - this.longest + 1);
    for (let i = from; i < buf.length; i++) {
      if (buf[i] !== 0x22) continue;
      const n = buf.length - i;
      for (const pattern of this.from) {
        if (n < pattern.length && buf.compare(pattern, 0, n, i, buf.length) === 0) return n;
      }
    }
    return 0;
  }
}

/** The `"model":"<from>"` spellings to replace, each with its replacement. */
function modelPairs(upstreamModel: string, clientModel: string): Array<[string, string]> {
  const from = JSON.stringify(upstreamModel);
  const to = JSON.stringify(clientModel);
  const pairs: Array<[string, string]> = [];
  for (const key of ['"model"', '"modelVersion"']) {
    pairs.push([`${key}:${from}`, `${key}:${to}`], [`${key}: ${from}`, `${key}: ${to}`]);
  }
  return pairs;
}

/**
 * A whole JSON body with the upstream model renamed (no stream state, no buffers): one search
 * for the quoted name, each hit checked to be the value of `model` or `modelVersion`.
 */
export function renameModelInBody(text: string, upstreamModel: string, clientModel: string): string {
  const from = JSON.stringify(upstreamModel);
  let at = text.indexOf(from);
  if (at < 0) return text;
  const to = JSON.stringify(clientModel);
  let out = "";
  let start = 0;
  for (; at >= 0; at = text.indexOf(from, at + from.length)) {
    if (!isValueOfKey(text, at, '"model"') && !isValueOfKey(text, at, '"modelVersion"')) continue;
    out += text.slice(start, at) + to;
    start = at + from.length;
  }
  return start === 0 ? text : out + text.slice(start);
}
