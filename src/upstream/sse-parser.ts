import type { SSEMessage } from "../protocols/ir.ts";

/**
 * Incremental server-sent-events parser working on raw bytes as they arrive. Handles frames
 * split across chunks, CRLF / LF / CR line endings, comments (`:` keep-alives), multi-line data.
 */
export class SSEParser {
  private buffer = "";
  private event: string | undefined = undefined;
  private data: string[] = [];
  private readonly decoder = new TextDecoder();

  /** Feed a chunk; complete messages are pushed to `out`. */
  push(chunk: Uint8Array, out: SSEMessage[]): void {
    this.buffer += this.decoder.decode(chunk, { stream: true });
    this.drain(out);
  }

  /** End of input: dispatch a final message that lacked the trailing blank line. */
  end(out: SSEMessage[]): void {
    this.buffer += this.decoder.decode();
    if (this.buffer.length > 0) {
      this.buffer += "\n";
      this.drain(out);
    }
    this.dispatch(out);
  }

  private drain(out: SSEMessage[]): void {
    const buf = this.buffer;
    let start = 0;
    for (;;) {
      let nl = -1;
      let next = -1;
      for (let i = start; i < buf.length; i++) {
        const c = buf.charCodeAt(i);
        if (c === 10) {
          nl = i;
          next = i + 1;
          break;
        }
        if (c === 13) {
          // A CR at the very end might be the first half of CRLF: wait for more input.
          if (i + 1 === buf.length) break;
          nl = i;
          next = buf.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
          break;
        }
      }
      if (nl < 0) break;
      this.line(buf.slice(start, nl), out);
      start = next;
    }
    this.buffer = start === 0 ? buf : buf.slice(start);
  }

  private line(line: string, out: SSEMessage[]): void {
    if (line.length === 0) {
      this.dispatch(out);
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ":" comment / keep-alive
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
  }

  private dispatch(out: SSEMessage[]): void {
    if (this.data.length > 0) {
      const data = this.data.length === 1 ? this.data[0] : this.data.join("\n");
      out.push(this.event === undefined ? { data } : { event: this.event, data });
    }
    this.data = [];
    this.event = undefined;
  }
}
