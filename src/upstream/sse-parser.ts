import type { SSEMessage } from "../protocols/ir.ts";

/**
 * Incremental server-sent-events parser working on raw bytes as they arrive. Handles frames
 * split across chunks, CRLF / LF / CR line endings, comments (`:` keep-alives), multi-line data.
 * Lines are found with indexOf (native) rather than a per-character loop: upstream bursts of
 * hundreds of events arrive in one chunk, and this runs on every byte of every stream.
 */
export class SSEParser {
  private buffer = "";
  private event: string | undefined = undefined;
  private data: string[] = [];
  private readonly decoder = new TextDecoder();

  /**
   * Feed a chunk; complete messages are pushed to `out`. With `max`, parsing stops once `out`
   * holds that many messages and the rest stays buffered for `resume` (used to get the first
   * frame of a burst to the client before translating the rest).
   */
  push(chunk: Uint8Array, out: SSEMessage[], max = Number.POSITIVE_INFINITY): void {
    this.buffer += this.decoder.decode(chunk, { stream: true });
    this.drain(out, max);
  }

  /** Continue parsing what `push` left buffered (up to `out.length === max`). */
  resume(out: SSEMessage[], max = Number.POSITIVE_INFINITY): void {
    this.drain(out, max);
  }

  /** End of input: dispatch a final message that lacked the trailing blank line. */
  end(out: SSEMessage[]): void {
    this.buffer += this.decoder.decode();
    if (this.buffer.length > 0) {
      this.buffer += "\n";
      this.drain(out, Number.POSITIVE_INFINITY);
    }
    this.dispatch(out);
  }

  private drain(out: SSEMessage[], max: number): void {
    const buf = this.buffer;
    const hasCR = buf.includes("\r");
    let start = 0;
    while (out.length < max) {
      let nl: number;
      let next: number;
      if (!hasCR) {
        nl = buf.indexOf("\n", start);
        if (nl < 0) break;
        next = nl + 1;
      } else {
        const lf = buf.indexOf("\n", start);
        const cr = buf.indexOf("\r", start);
        if (cr >= 0 && (lf < 0 || cr < lf)) {
          // A CR at the very end might be the first half of CRLF: wait for more input.
          if (cr + 1 === buf.length) break;
          nl = cr;
          next = buf.charCodeAt(cr + 1) === 10 ? cr + 2 : cr + 1;
        } else if (lf >= 0) {
          nl = lf;
          next = lf + 1;
        } else {
          break;
        }
      }
      this.line(buf, start, nl, out);
      start = next;
    }
    this.buffer = start === 0 ? buf : buf.slice(start);
  }

  /** One line, given as a range of `buf` so no substring is made for what we skip. */
  private line(buf: string, from: number, to: number, out: SSEMessage[]): void {
    if (from === to) {
      this.dispatch(out);
      return;
    }
    const first = buf.charCodeAt(from);
    if (first === 58) return; // ":" comment / keep-alive
    // The two fields that matter, checked without slicing first.
    if (first === 100 && buf.startsWith("data:", from)) {
      const at = buf.charCodeAt(from + 5) === 32 ? from + 6 : from + 5;
      this.data.push(buf.slice(at, to));
      return;
    }
    if (first === 101 && buf.startsWith("event:", from)) {
      const at = buf.charCodeAt(from + 6) === 32 ? from + 7 : from + 6;
      this.event = buf.slice(at, to);
      return;
    }
    if (to - from === 4 && buf.startsWith("data", from)) this.data.push(""); // "data" with no colon
  }

  private dispatch(out: SSEMessage[]): void {
    if (this.data.length > 0) {
      const data = this.data.length === 1 ? this.data[0] : this.data.join("\n");
      out.push(this.event === undefined ? { data } : { event: this.event, data });
      this.data = [];
    }
    this.event = undefined;
  }
}
