import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SSEMessage } from "../src/protocols/ir.ts";
import { SSEParser } from "../src/upstream/sse-parser.ts";

const enc = new TextEncoder();

function parse(chunks: string[]): SSEMessage[] {
  const p = new SSEParser();
  const out: SSEMessage[] = [];
  for (const c of chunks) p.push(enc.encode(c), out);
  p.end(out);
  return out;
}

const STREAM =
  "event: a\ndata: 1\n\n: keep-alive\n\ndata: x\ndata: y\n\r\ndata:no-space\r\n\r\nevent: b\rdata: 2\r\r" +
  'data\n\ndata: {"t":"é€😀"}\n\ndata: tail';

const EXPECTED: SSEMessage[] = [
  { event: "a", data: "1" },
  { data: "x\ny" },
  { data: "no-space" },
  { event: "b", data: "2" },
  { data: "" },
  { data: '{"t":"é€😀"}' },
  { data: "tail" },
];

describe("SSEParser", () => {
  it("parses LF, CRLF and CR line endings, comments, multi-line data and a final unterminated frame", () => {
    assert.deepEqual(parse([STREAM]), EXPECTED);
  });

  it("gives the same messages however the bytes are split, even inside a UTF-8 character", () => {
    const bytes = enc.encode(STREAM);
    for (let i = 1; i < bytes.length; i++) {
      const p = new SSEParser();
      const out: SSEMessage[] = [];
      p.push(bytes.slice(0, i), out);
      p.push(bytes.slice(i), out);
      p.end(out);
      assert.deepEqual(out, EXPECTED, `split at byte ${i}`);
    }
  });

  it("stops at `max` messages and resumes with the rest", () => {
    const p = new SSEParser();
    const out: SSEMessage[] = [];
    p.push(enc.encode("data: 1\n\ndata: 2\n\ndata: 3\n\n"), out, 1);
    assert.deepEqual(out, [{ data: "1" }]);
    p.resume(out, 2);
    assert.deepEqual(out, [{ data: "1" }, { data: "2" }]);
    p.resume(out);
    assert.deepEqual(out.at(-1), { data: "3" });
  });
});
