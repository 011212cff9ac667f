import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter, type Node, type Pair } from "yaml";

// Maps a path inside the parsed config (["gemini-api-key", 0, "api-key"]) back to the place
// in the YAML text it came from, so every message can carry line:column.

export type ConfigPath = ReadonlyArray<PropertyKey>;

export interface SourcePosition {
  line: number;
  col: number;
}

/** "gemini-api-key[0].api-key" */
export function formatPath(path: ConfigPath): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

export class YamlLocator {
  readonly #doc: Document;
  readonly #lines: LineCounter;

  constructor(doc: Document, lines: LineCounter) {
    this.#doc = doc;
    this.#lines = lines;
  }

  /**
   * Position of the value at `path`, or of its key when `at` is "key". When the path does not
   * exist in the text (a default, a folded legacy entry), the deepest existing ancestor is used.
   */
  position(path: ConfigPath, at: "value" | "key" = "value"): SourcePosition {
    let node: unknown = this.#doc.contents;
    let found: Node | undefined = isNodeWithRange(node) ? node : undefined;
    for (let i = 0; i < path.length; i++) {
      if (isAlias(node)) node = node.resolve(this.#doc);
      const segment = path[i];
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = findPair(node.items, String(segment));
        if (!pair) break;
        if (last && at === "key" && isNodeWithRange(pair.key)) return this.#at(pair.key);
        if (isNodeWithRange(pair.key)) found = pair.key;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === "number") {
        node = node.items[segment];
      } else {
        break;
      }
      if (!isNodeWithRange(node)) break;
      found = node;
    }
    return found ? this.#at(found) : { line: 1, col: 1 };
  }

  #at(node: Node): SourcePosition {
    return this.#lines.linePos(node.range![0]);
  }
}

/** Exact key first; then the trimmed, case-insensitive form the loader normalises channel names to. */
function findPair(pairs: Pair[], key: string): Pair | undefined {
  const keyOf = (p: Pair) => (isScalar(p.key) ? String(p.key.value) : undefined);
  return (
    pairs.find((p) => keyOf(p) === key) ??
    pairs.find((p) => keyOf(p)?.trim().toLowerCase() === key.toLowerCase())
  );
}

function isNodeWithRange(value: unknown): value is Node {
  return typeof value === "object" && value !== null && Array.isArray((value as Node).range);
}
