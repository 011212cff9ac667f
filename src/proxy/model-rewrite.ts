/**
 * Same-format passthrough: the upstream gets the client's body byte for byte, except the
 * top-level `model` value. We splice the one `"model": "<name>"` occurrence in the text rather
 * than re-serialising, so unknown fields, number formatting and key order survive untouched.
 */
export function rewriteModel(text: string, body: Record<string, unknown>, from: string, to: string): string {
  if (from === to) return text;
  const quoted = JSON.stringify(from);
  let found = -1;
  for (let at = text.indexOf(quoted); at >= 0; at = text.indexOf(quoted, at + 1)) {
    if (!isModelValue(text, at)) continue;
    if (found >= 0) return reserialise(body, to); // ambiguous: a nested "model" with the same value
    found = at;
  }
  if (found < 0) return reserialise(body, to);
  return text.slice(0, found) + JSON.stringify(to) + text.slice(found + quoted.length);
}

/** Whether the string at `at` is the value of a `"model"` key (`"model"<ws>:<ws>` before it). */
function isModelValue(text: string, at: number): boolean {
  return isValueOfKey(text, at, '"model"');
}

/** Whether the JSON string starting at `at` is the value of `quotedKey` (`"key"<ws>:<ws>` before it). */
export function isValueOfKey(text: string, at: number, quotedKey: string): boolean {
  let i = at - 1;
  while (i >= 0 && isSpace(text.charCodeAt(i))) i--;
  if (text.charCodeAt(i) !== 58) return false; // ':'
  i--;
  while (i >= 0 && isSpace(text.charCodeAt(i))) i--;
  const keyStart = i - quotedKey.length + 1;
  return keyStart >= 0 && text.startsWith(quotedKey, keyStart);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function reserialise(body: Record<string, unknown>, model: string): string {
  return JSON.stringify({ ...body, model });
}
