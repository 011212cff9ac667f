import { resolve } from "node:path";
import { type Document, isScalar, parseDocument } from "yaml";
import { writeFileAtomic } from "./atomic-write.ts";
import { ConfigError } from "./errors.ts";
import { type LoadedConfig, parseConfigText } from "./load.ts";
import { readSettledText } from "./read-settled.ts";

// Comment-preserving edits of config.yaml: the file is parsed into a YAML Document (comments,
// key order, quoting and blank lines kept), changed in place, re-validated, and written
// atomically. Nothing reaches the disk unless the result is a valid config.

export type ConfigDocument = Document;
export type DocumentPath = readonly PropertyKey[];

const queues = new Map<string, Promise<unknown>>();

/** Runs `task` after every earlier task for the same file, so concurrent edits do not lose updates. */
function serialized<T>(file: string, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(file) ?? Promise.resolve();
  const run = previous.then(task, task);
  const settled = run.catch(() => {});
  queues.set(file, settled);
  settled.then(() => {
    if (queues.get(file) === settled) queues.delete(file);
  });
  return run;
}

/** Edits made by someone else while one of ours was computed: that many times we start over. */
const MAX_EDIT_ATTEMPTS = 5;

/**
 * Applies `mutate` to the file's YAML document and writes it back if the result is valid.
 * Throws ConfigError (leaving the file untouched) when the current file is not parseable YAML
 * or the edited config does not validate. Returns the config as loaded from the new text.
 *
 * Our own edits are serialised; an editor saving the file meanwhile is not. Just before the
 * write the file is read again, and if it changed the edit is redone on the new text, so a
 * hand edit made while `mutate` ran (a bcrypt hash takes a while) is not overwritten.
 */
export function updateConfigFile(
  path: string,
  mutate: (doc: ConfigDocument) => void | Promise<void>,
): Promise<LoadedConfig> {
  return serialized(resolve(path), async () => {
    for (let attempt = 1; ; attempt++) {
      const text = await readConfigText(path);
      const doc = parseDocument(text, { prettyErrors: false });
      if (doc.errors.length > 0) parseConfigText(text, path); // throws the located syntax errors
      await mutate(doc);
      const next = renderDocument(doc, text);
      const loaded = parseConfigText(next, path);
      if (next === text) return loaded;
      if (attempt < MAX_EDIT_ATTEMPTS && (await readConfigText(path)) !== text) continue;
      await writeFileAtomic(path, next);
      return loaded;
    }
  });
}

function readConfigText(path: string): Promise<string> {
  return readSettledText(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return "";
    throw err;
  });
}

/** Sets `path` to `value`, creating missing mappings; `undefined` deletes. A scalar replaced by a scalar keeps its comments. */
export function setIn(doc: ConfigDocument, path: DocumentPath, value: unknown): void {
  if (value === undefined) {
    deleteIn(doc, path);
    return;
  }
  if (path.length === 0) throw new ConfigError(["cannot replace the whole config document"]);
  const existing = doc.getIn(path, true);
  if (isScalar(existing) && (value === null || typeof value !== "object")) {
    existing.value = value;
    return;
  }
  doc.setIn(path, doc.createNode(value));
}

/** Removes `path` if present. Returns whether something was removed. */
export function deleteIn(doc: ConfigDocument, path: DocumentPath): boolean {
  if (path.length === 0 || !doc.hasIn(path)) return false;
  return doc.deleteIn(path);
}

/** Serialises without re-wrapping long lines and in the sequence-indent style the file already uses. */
function renderDocument(doc: ConfigDocument, originalText: string): string {
  const compactSequences = /^[^\s#][^\n]*:[ \t]*\r?\n- /m.test(originalText);
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false, indentSeq: !compactSequences });
}
