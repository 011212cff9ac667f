import { isMap, isScalar, isSeq, type YAMLMap } from "yaml";
import { type ConfigDocument, deleteIn, setIn } from "../config/index.ts";

// Edits of config.yaml's lists and channel maps that keep the rest of the file (and, where the
// file lines up with the running config, the other list items and their comments) untouched.

export type YamlPath = readonly (string | number)[];

/**
 * What a written item looks like once values equal to the schema's defaults and empty values
 * ("", [], {}, null) are left out, so the file stays as short as a hand-written one.
 */
export interface Shape {
  defaults?: Readonly<Record<string, unknown>>;
  /** Shapes of nested fields (for a list field: of its elements). */
  fields?: Readonly<Record<string, Shape>>;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === "object" && JSON.stringify(a) === JSON.stringify(b));
}

/** `value` without empty parts and default-valued fields; undefined when nothing is left. */
export function compact(value: unknown, shape?: Shape): unknown {
  if (value === null || value === undefined || value === "") return undefined;
  if (Array.isArray(value)) {
    const items = value.map((item) => compact(item, shape)).filter((item) => item !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (shape?.defaults && key in shape.defaults && sameValue(item, shape.defaults[key])) continue;
      const kept = compact(item, shape?.fields?.[key]);
      if (kept !== undefined) out[key] = kept;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return value;
}

export type ListChange =
  | { kind: "replace"; items: unknown[] }
  | { kind: "set"; index: number; item: unknown }
  /** Field-wise update of one mapping item; a null field is removed. */
  | { kind: "merge"; index: number; fields: Record<string, unknown> }
  | { kind: "append"; item: unknown }
  | { kind: "remove"; indices: number[] };

export interface ListTarget {
  path: YamlPath;
  /** The list as the running config holds it (what GET showed, what indices refer to). */
  running: readonly unknown[];
  /** What identifies an item in both the file and the running config (a key, a name). */
  identity: (item: unknown) => string;
  shape?: Shape;
}

/** The file's list as plain values; [] when absent or empty; undefined when not a list. */
function fileList(doc: ConfigDocument, path: YamlPath): unknown[] | undefined {
  const node = doc.getIn(path, true);
  if (node === undefined || (isScalar(node) && node.value === null)) return [];
  return isSeq(node) ? (node.toJSON() as unknown[]) : undefined;
}

/**
 * Whether the file's list holds exactly the running entries in order. It does not when the
 * loader dropped invalid or duplicate entries, or the file changed and was not reloaded yet.
 */
function aligned(doc: ConfigDocument, t: ListTarget): boolean {
  const items = fileList(doc, t.path);
  return (
    items !== undefined &&
    items.length === t.running.length &&
    items.every((item, i) => t.identity(item) === t.identity(t.running[i]))
  );
}

/**
 * Applies `change` to the list at `t.path`. When the file lines up with the running config only
 * the touched item changes; otherwise the whole list is rewritten from the running entries
 * (the file is then sanitised, as the Go original always does).
 */
export function applyListChange(doc: ConfigDocument, t: ListTarget, change: ListChange): void {
  if (change.kind === "replace") {
    setIn(doc, t.path, compactAll(change.items, t.shape));
    return;
  }
  if (!aligned(doc, t)) {
    setIn(
      doc,
      t.path,
      compactAll(changedPlainList(compactAll(t.running, t.shape), change, t.shape), t.shape),
    );
    return;
  }
  switch (change.kind) {
    case "set":
      setIn(doc, [...t.path, change.index], compact(change.item, t.shape) ?? "");
      return;
    case "merge":
      for (const [field, value] of Object.entries(change.fields)) {
        const kept = compactField(field, value, t.shape);
        if (kept === undefined) deleteIn(doc, [...t.path, change.index, field]);
        else setIn(doc, [...t.path, change.index, field], kept);
      }
      return;
    case "append": {
      const item = compact(change.item, t.shape) ?? {};
      if (isSeq(doc.getIn(t.path, true))) doc.addIn(t.path, doc.createNode(item));
      else setIn(doc, t.path, [item]);
      return;
    }
    case "remove":
      for (const index of [...new Set(change.indices)].sort((a, b) => b - a))
        deleteIn(doc, [...t.path, index]);
      return;
  }
}

function compactField(field: string, value: unknown, shape: Shape | undefined): unknown {
  if (shape?.defaults && field in shape.defaults && sameValue(value, shape.defaults[field])) return undefined;
  return compact(value, shape?.fields?.[field]);
}

function compactAll(items: readonly unknown[], shape: Shape | undefined): unknown[] {
  return items.map((item) => compact(item, shape) ?? (typeof item === "string" ? item : {}));
}

function changedPlainList(list: unknown[], change: Exclude<ListChange, { kind: "replace" }>, shape?: Shape) {
  switch (change.kind) {
    case "set":
      return list.map((item, i) => (i === change.index ? change.item : item));
    case "merge":
      return list.map((item, i) => {
        if (i !== change.index) return item;
        const merged: Record<string, unknown> = { ...(item as Record<string, unknown>) };
        for (const [field, value] of Object.entries(change.fields)) {
          if (value === null) delete merged[field];
          else merged[field] = value;
        }
        return compact(merged, shape) ?? {};
      });
    case "append":
      return [...list, change.item];
    case "remove":
      return list.filter((_, i) => !change.indices.includes(i));
  }
}

function keyText(key: unknown): string {
  return String(isScalar(key) ? key.value : key);
}

/** The channel mapping at `root`, if the file has one. */
function channelMap(doc: ConfigDocument, root: string): YAMLMap | undefined {
  const node = doc.getIn([root], true);
  return isMap(node) ? node : undefined;
}

/** Sets `root.<channel>`; other spellings of the channel (case, spaces) are removed. */
export function setChannel(doc: ConfigDocument, root: string, channel: string, value: unknown): void {
  const map = channelMap(doc, root);
  if (!map) {
    setIn(doc, [root], { [channel]: value });
    return;
  }
  for (const pair of [...map.items]) {
    const key = keyText(pair.key);
    if (key !== channel && key.trim().toLowerCase() === channel) map.delete(pair.key);
  }
  setIn(doc, [root, channel], value);
}

/** Removes every spelling of `root.<channel>`. */
export function deleteChannel(doc: ConfigDocument, root: string, channel: string): void {
  const map = channelMap(doc, root);
  if (!map) return;
  for (const pair of [...map.items]) {
    if (keyText(pair.key).trim().toLowerCase() === channel) map.delete(pair.key);
  }
}
