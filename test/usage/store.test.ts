import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { newUsageRecord, type UsageRecord } from "../../src/usage/record.ts";
import { UsageRecorder, type UsageSettings } from "../../src/usage/recorder.ts";
import { exportUsage, importUsage, usageReport } from "../../src/usage/report.ts";

const DAY = 86_400_000;
const KEY_A = "sk-client-alpha-0123456789abcdef";
const KEY_B = "sk-client-bravo-0123456789abcxyz";
/** Masks exactly like KEY_A. */
const KEY_C = "sk-client-charlie-0123456789abcdef";

let dir: string;
let n = 0;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "cpa-usage-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function settings(over: Partial<UsageSettings> = {}): UsageSettings {
  return { enabled: true, path: join(dir, `usage-${++n}.db`), retentionDays: 30, ...over };
}

function rec(over: {
  time: number;
  key?: string;
  model?: string;
  status?: number;
  input?: number;
  output?: number;
  provider?: string;
}): UsageRecord {
  return newUsageRecord({
    time: over.time,
    clientKey: over.key ?? KEY_A,
    provider: over.provider ?? "claude",
    credentialId: "claude:main:abcd",
    credentialLabel: "claude sk-a...wxyz",
    modelRequested: over.model ?? "sonnet",
    modelServed: over.model ? `${over.model}-upstream` : "claude-sonnet-4-5",
    format: "anthropic",
    stream: true,
    status: over.status ?? 200,
    latencyMs: 120,
    ttftMs: 40,
    usage: { inputTokens: over.input ?? 10, outputTokens: over.output ?? 5, cachedInputTokens: 2 },
  });
}

/** A mix over 60 days: some old enough to be compacted, two keys, two models, failures. */
function mixedRecords(now: number): UsageRecord[] {
  const out: UsageRecord[] = [];
  for (let i = 0; i < 60; i++) {
    out.push(
      rec({
        time: now - i * DAY - (i % 5) * 600_000,
        key: i % 3 === 0 ? KEY_B : KEY_A,
        model: i % 2 === 0 ? "sonnet" : "haiku",
        status: i % 7 === 0 ? 429 : 200,
        input: 10 + i,
        output: 3 * i,
      }),
    );
  }
  return out;
}

function expectedTotals(records: UsageRecord[]) {
  return {
    total_requests: records.length,
    failure_count: records.filter((r) => r.failed).length,
    total_tokens: records.reduce((s, r) => s + r.inputTokens + r.outputTokens, 0),
  };
}

function totalsOf(report: ReturnType<typeof usageReport>) {
  const u = report.usage;
  return { total_requests: u.total_requests, failure_count: u.failure_count, total_tokens: u.total_tokens };
}

describe("usage store", () => {
  it("record -> flush -> report: exact totals in the Go shape, keys masked", () => {
    const now = Date.now();
    const recorder = new UsageRecorder(settings({ retentionDays: 0 }));
    const records = [
      rec({ time: now - 1000, input: 100, output: 50 }),
      rec({ time: now - 900, key: KEY_B, model: "haiku", input: 7, output: 3 }),
      rec({ time: now - 800, status: 502, input: 0, output: 0 }),
    ];
    for (const r of records) recorder.record(r);
    const report = usageReport(recorder);
    recorder.close();

    assert.equal(report.failed_requests, 1);
    const u = report.usage;
    assert.deepEqual(totalsOf(report), { total_requests: 3, failure_count: 1, total_tokens: 160 });
    assert.equal(u.success_count, 2);
    assert.deepEqual(Object.keys(u.apis).sort(), ["sk-c...cdef", "sk-c...cxyz"]);
    const serialized = JSON.stringify(report);
    assert.ok(!serialized.includes(KEY_A) && !serialized.includes(KEY_B), "no raw key in the report");
    const a = u.apis["sk-c...cdef"];
    assert.equal(a.total_requests, 2);
    assert.equal(a.models["claude-sonnet-4-5"].total_tokens, 150);
    const detail = a.models["claude-sonnet-4-5"].details[0];
    assert.deepEqual(Object.keys(detail).slice(0, 6), [
      "timestamp",
      "latency_ms",
      "source",
      "auth_index",
      "tokens",
      "failed",
    ]);
    assert.deepEqual(detail.tokens, {
      input_tokens: 100,
      output_tokens: 50,
      reasoning_tokens: 0,
      cached_tokens: 2,
      total_tokens: 150,
    });
    const day = new Date(now - 1000);
    const dayKey = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, "0")}-${String(day.getDate()).padStart(2, "0")}`;
    assert.equal(
      Object.values(u.requests_by_day).reduce((s, v) => s + v, 0),
      3,
    );
    assert.ok(u.requests_by_day[dayKey] >= 1);
    assert.equal(
      Object.values(u.tokens_by_hour).reduce((s, v) => s + v, 0),
      160,
    );
    assert.ok(Object.keys(u.requests_by_hour).every((h) => /^\d\d$/.test(h)));
  });

  it("two keys that mask alike stay two entries", () => {
    const recorder = new UsageRecorder(settings());
    recorder.record(rec({ time: Date.now(), key: KEY_A }));
    recorder.record(rec({ time: Date.now(), key: KEY_C }));
    const apis = usageReport(recorder).usage.apis;
    recorder.close();
    const names = Object.keys(apis).sort();
    assert.equal(names.length, 2);
    assert.equal(names[0], "sk-c...cdef");
    assert.match(names[1], /^sk-c\.\.\.cdef#[0-9a-f]{8}$/);
  });

  it("survives a restart: a new recorder on the same file sees the same totals", () => {
    const now = Date.now();
    const s = settings();
    const first = new UsageRecorder(s);
    const records = mixedRecords(now).slice(0, 10);
    for (const r of records) first.record(r);
    first.close(); // flushes
    const second = new UsageRecorder(s);
    assert.deepEqual(totalsOf(usageReport(second)), expectedTotals(records));
    second.record(rec({ time: now, input: 1, output: 1 }));
    assert.equal(usageReport(second).usage.total_requests, 11);
    second.close();
  });

  it("compaction rolls old details into hourly rows and keeps every total exact", () => {
    const now = Date.now();
    const records = mixedRecords(now);
    const full = new UsageRecorder(settings({ retentionDays: 0 }));
    const compacted = new UsageRecorder(settings({ retentionDays: 30 }));
    for (const r of records) {
      full.record(r);
      compacted.record(r);
    }
    const before = usageReport(full, { detailsPerModel: Number.POSITIVE_INFINITY });
    compacted.database();
    const moved = compacted.compact();
    assert.ok(moved >= 25, `moved ${moved} rows`);
    const afterReport = usageReport(compacted, { detailsPerModel: Number.POSITIVE_INFINITY });
    const { apis: apisBefore, requests_by_hour: rhB, tokens_by_hour: thB, ...restBefore } = before.usage;
    const { apis: apisAfter, requests_by_hour: rhA, tokens_by_hour: thA, ...restAfter } = afterReport.usage;
    // Hourly rows are UTC hours: in zones offset by whole hours they map onto local hours exactly.
    if (new Date(now).getTimezoneOffset() % 60 === 0) {
      assert.deepEqual(restAfter, restBefore, "totals and days unchanged");
      assert.deepEqual([rhA, thA], [rhB, thB], "hours unchanged");
    } else {
      assert.deepEqual(
        [restAfter.total_requests, restAfter.failure_count, restAfter.total_tokens],
        [restBefore.total_requests, restBefore.failure_count, restBefore.total_tokens],
      );
    }
    for (const [name, api] of Object.entries(apisBefore)) {
      assert.equal(apisAfter[name].total_requests, api.total_requests);
      assert.equal(apisAfter[name].total_tokens, api.total_tokens);
      for (const [model, m] of Object.entries(api.models)) {
        assert.equal(apisAfter[name].models[model].total_requests, m.total_requests);
        assert.equal(apisAfter[name].models[model].total_tokens, m.total_tokens);
      }
    }
    const details = Object.values(apisAfter).flatMap((a) =>
      Object.values(a.models).flatMap((m) => m.details),
    );
    assert.ok(details.length < records.length && details.length > 0);
    assert.ok(details.every((d) => Date.parse(d.timestamp) > now - 31 * DAY));
    assert.equal(compacted.compact(), 0, "a second run has nothing to do");
    full.close();
    compacted.close();
  });

  it("export then import into a fresh store gives the same totals; importing twice adds nothing", () => {
    const now = Date.now();
    const records = mixedRecords(now);
    const source = new UsageRecorder(settings());
    for (const r of records) source.record(r);
    source.database();
    source.compact();
    const doc = JSON.parse(JSON.stringify(exportUsage(source)));
    assert.equal(doc.version, 1);
    assert.ok(doc.aggregates.length > 0, "compacted rows travel in the export");

    const target = new UsageRecorder(settings());
    const first = importUsage(target, doc);
    assert.equal(first.added, records.length);
    assert.equal(first.total_requests, records.length);
    assert.deepEqual(totalsOf(usageReport(target)), expectedTotals(records));

    const second = importUsage(target, doc);
    assert.equal(second.added, 0);
    assert.equal(second.skipped, records.length);
    assert.deepEqual(totalsOf(usageReport(target)), expectedTotals(records));

    // Own traffic in the target adds up; a newer export of the source (after its own compaction
    // moved more rows) still does not double count what was imported.
    target.record(rec({ time: now, input: 4, output: 4 }));
    source.record(rec({ time: now, input: 1, output: 1 }));
    const later = exportUsage(source);
    importUsage(target, later);
    assert.deepEqual(
      totalsOf(usageReport(target)),
      expectedTotals([
        ...records,
        rec({ time: now, input: 4, output: 4 }),
        rec({ time: now, input: 1, output: 1 }),
      ]),
    );
    source.close();
    target.close();
  });

  it("importing a store's own export back is a no-op, also after compaction in between", () => {
    const now = Date.now();
    const records = mixedRecords(now);
    const clock = { now };
    const store = new UsageRecorder(settings({ retentionDays: 30 }), { now: () => clock.now });
    for (const r of records) store.record(r);
    const doc = exportUsage(store);
    clock.now += 10 * DAY; // more rows age out and get compacted
    store.compact();
    const res = importUsage(store, doc);
    assert.equal(res.added, 0);
    assert.deepEqual(totalsOf(usageReport(store)), expectedTotals(records));
    store.close();
  });

  it("imports the Go original's export (raw keys, no ids) once", () => {
    const goDoc = {
      version: 1,
      exported_at: "2025-12-26T10:00:00Z",
      usage: {
        total_requests: 2,
        success_count: 1,
        failure_count: 1,
        total_tokens: 45,
        apis: {
          [KEY_A]: {
            total_requests: 2,
            total_tokens: 45,
            models: {
              "gemini-2.5-pro": {
                total_requests: 2,
                total_tokens: 45,
                details: [
                  {
                    timestamp: "2025-12-25T09:00:00.123+08:00",
                    latency_ms: 900,
                    source: "me@example.com",
                    auth_index: "1",
                    tokens: {
                      input_tokens: 10,
                      output_tokens: 20,
                      reasoning_tokens: 5,
                      cached_tokens: 0,
                      total_tokens: 35,
                    },
                    failed: false,
                  },
                  {
                    timestamp: "2025-12-25T09:01:00Z",
                    latency_ms: 100,
                    source: "me@example.com",
                    auth_index: "1",
                    tokens: {
                      input_tokens: 10,
                      output_tokens: 0,
                      reasoning_tokens: 0,
                      cached_tokens: 0,
                      total_tokens: 10,
                    },
                    failed: true,
                  },
                ],
              },
            },
          },
        },
      },
    };
    const store = new UsageRecorder(settings({ retentionDays: 0 }));
    assert.equal(importUsage(store, goDoc).added, 2);
    assert.equal(importUsage(store, goDoc).added, 0);
    const report = usageReport(store);
    assert.deepEqual(totalsOf(report), { total_requests: 2, failure_count: 1, total_tokens: 45 });
    assert.ok(!JSON.stringify(report).includes(KEY_A), "the raw key from the Go export is masked");
    assert.throws(() => importUsage(store, { version: 9, usage: {} }), /unsupported version/);
    assert.throws(() => importUsage(store, "nope"), /JSON object/);
    store.close();
  });

  it("usage-statistics-enabled: false records nothing and creates no file", () => {
    const s = settings({ enabled: false });
    const recorder = new UsageRecorder(s);
    recorder.record(rec({ time: Date.now() }));
    recorder.flush();
    assert.equal(existsSync(s.path), false);
    recorder.configure({ ...s, enabled: true });
    recorder.record(rec({ time: Date.now() }));
    assert.equal(usageReport(recorder).usage.total_requests, 1);
    recorder.close();
  });

  it("flushes on its own within the interval, in batches", async () => {
    const s = settings();
    const recorder = new UsageRecorder(s, { flushIntervalMs: 30, batchSize: 50 });
    for (let i = 0; i < 120; i++) recorder.record(rec({ time: Date.now() - i }));
    await new Promise((r) => setTimeout(r, 80));
    const reader = new UsageRecorder(s);
    assert.equal(usageReport(reader).usage.total_requests, 120);
    reader.close();
    recorder.close();
  });
});
