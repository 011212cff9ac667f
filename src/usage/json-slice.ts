/**
 * Finding one object inside JSON text without parsing the rest. A key's opening quote can only
 * appear unescaped outside strings, and `{`, `}`, `"` and `\` are single bytes in UTF-8, so the
 * same scan works on decoded text and on raw bytes.
 */

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN = 123;
const CLOSE = 125;
const COLON = 58;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** Anything indexable by position: a string's char codes or a byte array. */
interface CodeSource {
  at(i: number): number;
}

/**
 * Given the position just after a key, the index of the `{` that opens its value, or -1 when
 * what follows is not `: {` (a string value, `null`, or the key was really a string value).
 */
function objectValueStart(src: CodeSource, afterKey: number, end: number): number {
  let i = afterKey;
  while (i < end && isSpace(src.at(i))) i++;
  if (i >= end || src.at(i) !== COLON) return -1;
  i++;
  while (i < end && isSpace(src.at(i))) i++;
  return i < end && src.at(i) === OPEN ? i : -1;
}

/** Index just past the `}` matching the `{` at `open`, or -1 when the input ends first. */
function objectEnd(src: CodeSource, open: number, end: number): number {
  let depth = 0;
  let inString = false;
  for (let i = open; i < end; i++) {
    const c = src.at(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN) depth++;
    else if (c === CLOSE && --depth === 0) return i + 1;
  }
  return -1;
}

class StringSource implements CodeSource {
  text = "";
  at(i: number): number {
    return this.text.charCodeAt(i);
  }
}

class ByteSource implements CodeSource {
  bytes: Uint8Array = new Uint8Array(0);
  at(i: number): number {
    return this.bytes[i];
  }
}

const stringSource = new StringSource();
const byteSource = new ByteSource();

/**
 * Tries the objects held by `key` (quotes included, e.g. `"usage"`) in `text`, last occurrence
 * first (usage sits at the end of every response format), until `accept` returns a value.
 */
export function lastObjectOfKey<T>(
  text: string,
  key: string,
  accept: (value: unknown) => T | undefined,
): T | undefined {
  const src = stringSource;
  src.text = text;
  try {
    let pos = text.lastIndexOf(key);
    while (pos >= 0) {
      if (pos === 0 || text.charCodeAt(pos - 1) !== BACKSLASH) {
        const open = objectValueStart(src, pos + key.length, text.length);
        const close = open < 0 ? -1 : objectEnd(src, open, text.length);
        if (close > 0) {
          const value = parseOrUndefined(text.slice(open, close), accept);
          if (value !== undefined) return value;
        }
      }
      pos = pos === 0 ? -1 : text.lastIndexOf(key, pos - 1);
    }
    return undefined;
  } finally {
    src.text = "";
  }
}

/** The same search on bytes `[start, end)` of `buf` (one line of a stream). */
export function lastObjectOfKeyInBytes<T>(
  buf: Buffer,
  start: number,
  end: number,
  key: Uint8Array,
  accept: (value: unknown) => T | undefined,
): T | undefined {
  const src = byteSource;
  src.bytes = buf;
  try {
    let pos = end - key.length < start ? -1 : buf.lastIndexOf(key, end - key.length);
    while (pos >= start) {
      if (pos === 0 || buf[pos - 1] !== BACKSLASH) {
        const open = objectValueStart(src, pos + key.length, end);
        const close = open < 0 ? -1 : objectEnd(src, open, end);
        if (close > 0) {
          const value = parseOrUndefined(buf.toString("utf8", open, close), accept);
          if (value !== undefined) return value;
        }
      }
      pos = pos === 0 ? -1 : buf.lastIndexOf(key, pos - 1);
    }
    return undefined;
  } finally {
    src.bytes = EMPTY;
  }
}

const EMPTY = new Uint8Array(0);

function parseOrUndefined<T>(json: string, accept: (value: unknown) => T | undefined): T | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return undefined;
  }
  return accept(parsed);
}
