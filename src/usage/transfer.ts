/**
 * Usage export and import. The export is the Go original's document (`{version: 1, exported_at,
 * usage: <snapshot with every detail>}`) plus what a faithful round trip needs: each detail's id
 * and origin, the store's id, and the compacted hourly rows under `aggregates`.
 *
 * Import merges per cell (one UTC hour x origin x key x provider x model): detail rows are
 * united by id; when either side holds the cell compacted, the side with more requests wins
 * whole. A cell of one origin only ever grows, so importing the same document twice, or a
 * newer export over an older one, never counts a request twice. Go exports (no ids) get ids
 * from a hash of each detail's content.
 */
import { createHash } from "node:crypto";
import { clientKeyIdentity } from "./record.ts";
import type { UsageRecorder } from "./recorder.ts";
import { ANONYMOUS_API, type StatisticsSnapshot, snapshot } from "./snapshot.ts";
import { type CellKey, HOUR_MS, type HourlyRow, type StoredRecord } from "./store.ts";

export const EXPORT_VERSION = 1;
/** Origin given to details imported from a Go original's export. */
export const GO_IMPORT_ORIGIN = "go-import";

export interface AggregateExport {
  /** Start of the UTC hour, ISO 8601. */
  hour: string;
  origin: string;
  api_key_hash: string;
  api_key_masked: string;
  provider: string;
  model: string;
  requests: number;
  failures: number;
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  latency_ms_sum: number;
}

export interface UsageExport {
  version: number;
  exported_at: string;
  store_id: string;
  usage: StatisticsSnapshot;
  aggregates: AggregateExport[];
}

export interface UsageImportResult {
  /** Requests the store did not have before. */
  added: number;
  /** Requests in the document the store already counted. */
  skipped: number;
  /** Details that could not be read (no valid timestamp). */
  invalid: number;
  total_requests: number;
  failed_requests: number;
}

export class UsageImportError extends Error {}

export function exportUsage(recorder: UsageRecorder): UsageExport {
  const db = recorder.database();
  return {
    version: EXPORT_VERSION,
    exported_at: new Date().toISOString(),
    store_id: db.storeId,
    usage: snapshot(recorder, undefined),
    aggregates: db.hourly().map((h) => ({
      hour: new Date(h.hour).toISOString(),
      origin: h.origin,
      api_key_hash: h.apiKeyHash,
      api_key_masked: h.apiKeyMasked,
      provider: h.provider,
      model: h.model,
      requests: h.requests,
      failures: h.failures,
      input_tokens: h.inputTokens,
      output_tokens: h.outputTokens,
      cached_tokens: h.cachedTokens,
      reasoning_tokens: h.reasoningTokens,
      latency_ms_sum: h.latencyMsSum,
    })),
  };
}

interface Cell {
  key: CellKey;
  aggregate?: HourlyRow;
  details: StoredRecord[];
}

/** Merges an exported document (ours or the Go original's). Throws UsageImportError on a bad one. */
export function importUsage(recorder: UsageRecorder, doc: unknown): UsageImportResult {
  const { cells, invalid } = readDocument(doc);
  const db = recorder.database();
  let added = 0;
  let skipped = 0;
  db.transaction(() => {
    for (const cell of cells.values()) {
      const local = db.hourlyCell(cell.key);
      const localCount = (local?.requests ?? 0) + db.detailCount(cell.key);
      if (!local && !cell.aggregate) {
        const n = db.insertRows(cell.details);
        added += n;
        skipped += cell.details.length - n;
        continue;
      }
      const incoming = (cell.aggregate?.requests ?? 0) + cell.details.length;
      if (incoming > localCount) {
        db.clearCell(cell.key);
        if (cell.aggregate) db.addHourly(cell.aggregate);
        db.insertRows(cell.details);
        added += incoming - localCount;
        skipped += localCount;
      } else {
        skipped += incoming;
      }
    }
  });
  // Imported details past the retention belong in hourly rows like local ones.
  recorder.compact();
  const totals = snapshotTotals(recorder);
  return { added, skipped, invalid, ...totals };
}

function snapshotTotals(recorder: UsageRecorder): { total_requests: number; failed_requests: number } {
  let total = 0;
  let failed = 0;
  for (const t of recorder.database().totalsByApiModel()) {
    total += t.requests;
    failed += t.failures;
  }
  return { total_requests: total, failed_requests: failed };
}

type Obj = Record<string, any>;

function isObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function num(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) && v > 0 ? Math.round(v) : 0;
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function readDocument(doc: unknown): { cells: Map<string, Cell>; invalid: number } {
  if (!isObject(doc)) throw new UsageImportError("usage import: the body must be a JSON object");
  const version = doc.version ?? 0;
  if (version !== 0 && version !== EXPORT_VERSION) {
    throw new UsageImportError(`usage import: unsupported version ${JSON.stringify(version)}`);
  }
  const usage = doc.usage;
  if (!isObject(usage)) throw new UsageImportError("usage import: missing 'usage' object");
  const fallbackOrigin = str(doc.store_id) || GO_IMPORT_ORIGIN;
  const cells = new Map<string, Cell>();
  let invalid = 0;

  const apis = isObject(usage.apis) ? usage.apis : {};
  for (const [apiName, api] of Object.entries(apis)) {
    if (!isObject(api) || !isObject(api.models)) continue;
    for (const [modelName, model] of Object.entries(api.models)) {
      if (!isObject(model) || !Array.isArray(model.details)) continue;
      for (const d of model.details) {
        const rec = isObject(d) ? readDetail(d, apiName, modelName, fallbackOrigin) : undefined;
        if (!rec) {
          invalid++;
          continue;
        }
        cellFor(cells, cellKeyOf(rec)).details.push(rec);
      }
    }
  }

  for (const a of Array.isArray(doc.aggregates) ? doc.aggregates : []) {
    const row = isObject(a) ? readAggregate(a) : undefined;
    if (!row) {
      invalid++;
      continue;
    }
    const cell = cellFor(cells, row);
    if (cell.aggregate) addInto(cell.aggregate, row);
    else cell.aggregate = row;
  }
  return { cells, invalid };
}

function readDetail(
  d: Obj,
  apiName: string,
  modelName: string,
  fallbackOrigin: string,
): StoredRecord | undefined {
  const time = Date.parse(str(d.timestamp));
  if (Number.isNaN(time)) return undefined;
  const tokens = isObject(d.tokens) ? d.tokens : {};
  const input = num(tokens.input_tokens);
  let output = num(tokens.output_tokens);
  const ours = typeof d.id === "string" && d.id !== "";
  if (!ours) {
    // The Go original's totals may count reasoning beside output; keep its total exact.
    output = Math.max(output, num(tokens.total_tokens) - input);
  }
  // Ours carry the key's hash; the Go original keyed `apis` by the raw key itself.
  const identity = ours && typeof d.api_key_hash === "string" ? undefined : clientKeyIdentity(apiName);
  const rec: StoredRecord = {
    id: ours ? d.id : goDetailId(apiName, modelName, d),
    origin: ours ? str(d.origin) || fallbackOrigin : GO_IMPORT_ORIGIN,
    time,
    apiKeyMasked: identity
      ? identity.masked
      : apiName === ANONYMOUS_API
        ? ""
        : apiName.replace(/#[0-9a-f]{8}$/, ""),
    apiKeyHash: identity ? identity.hash : d.api_key_hash,
    provider: str(d.provider),
    credentialId: str(d.auth_index),
    credentialLabel: str(d.source),
    modelRequested: str(d.model_requested) || modelName,
    modelServed: ours ? str(d.model_served) : modelName,
    format: str(d.format),
    stream: d.stream === true,
    status: num(d.status_code) || (d.failed === true ? 500 : 200),
    latencyMs: num(d.latency_ms),
    inputTokens: input,
    outputTokens: output,
    cachedTokens: num(tokens.cached_tokens),
    reasoningTokens: num(tokens.reasoning_tokens),
    failed: d.failed === true,
  };
  if (typeof d.ttft_ms === "number") rec.ttftMs = num(d.ttft_ms);
  return rec;
}

/** A stable id for a Go export's detail, from everything it holds. */
function goDetailId(apiName: string, modelName: string, d: Obj): string {
  const t = isObject(d.tokens) ? d.tokens : {};
  const content = [
    apiName,
    modelName,
    d.timestamp,
    d.latency_ms,
    d.source,
    d.auth_index,
    d.failed,
    t.input_tokens,
    t.output_tokens,
    t.reasoning_tokens,
    t.cached_tokens,
    t.total_tokens,
  ].join("\u0000");
  return `go-${createHash("sha256").update(content).digest("hex").slice(0, 32)}`;
}

function readAggregate(a: Obj): HourlyRow | undefined {
  const hour = Date.parse(str(a.hour));
  if (Number.isNaN(hour) || hour % HOUR_MS !== 0 || typeof a.api_key_hash !== "string") return undefined;
  return {
    hour,
    origin: str(a.origin) || GO_IMPORT_ORIGIN,
    apiKeyHash: a.api_key_hash,
    apiKeyMasked: str(a.api_key_masked),
    provider: str(a.provider),
    model: str(a.model) || "unknown",
    requests: num(a.requests),
    failures: num(a.failures),
    inputTokens: num(a.input_tokens),
    outputTokens: num(a.output_tokens),
    cachedTokens: num(a.cached_tokens),
    reasoningTokens: num(a.reasoning_tokens),
    latencyMsSum: num(a.latency_ms_sum),
  };
}

function cellKeyOf(r: StoredRecord): CellKey {
  return {
    hour: r.time - (r.time % HOUR_MS),
    origin: r.origin,
    apiKeyHash: r.apiKeyHash,
    provider: r.provider,
    model: r.modelServed || r.modelRequested || "unknown",
  };
}

function cellFor(cells: Map<string, Cell>, key: CellKey): Cell {
  const id = `${key.hour}\u0000${key.origin}\u0000${key.apiKeyHash}\u0000${key.provider}\u0000${key.model}`;
  let cell = cells.get(id);
  if (!cell) {
    cell = {
      key: {
        hour: key.hour,
        origin: key.origin,
        apiKeyHash: key.apiKeyHash,
        provider: key.provider,
        model: key.model,
      },
      details: [],
    };
    cells.set(id, cell);
  }
  return cell;
}

function addInto(into: HourlyRow, row: HourlyRow): void {
  into.requests += row.requests;
  into.failures += row.failures;
  into.inputTokens += row.inputTokens;
  into.outputTokens += row.outputTokens;
  into.cachedTokens += row.cachedTokens;
  into.reasoningTokens += row.reasoningTokens;
  into.latencyMsSum += row.latencyMsSum;
}
