// Usage: totals and charts from `GET usage` (the Go original's snapshot: counts by day and by
// hour of day, and per client key → per model), and the `usage-statistics-enabled` switch.

import { api, describeError } from "./api.js";
import { barList, columnChart } from "./charts.js";
import { byId, every, fill, formatNumber, h, say } from "./dom.js";

const REFRESH_MS = 30_000;
/** Days shown on the per-day charts. */
const DAYS = 30;

const DAY_MS = 86_400_000;

/** Every day from the first to the last recorded one (at most the last DAYS), gaps as zero. */
export function dailySeries(byDay) {
  const days = Object.keys(byDay ?? {}).sort();
  if (days.length === 0) return [];
  const last = Date.parse(`${days.at(-1)}T00:00:00Z`);
  const first = Math.max(Date.parse(`${days[0]}T00:00:00Z`), last - (DAYS - 1) * DAY_MS);
  const points = [];
  for (let t = first; t <= last; t += DAY_MS) {
    const day = new Date(t).toISOString().slice(0, 10);
    points.push({ label: day.slice(5), value: Number(byDay[day]) || 0 });
  }
  return points;
}

/** The 24 hours of the day, "00" to "23". */
export function hourlySeries(byHour) {
  if (!byHour || Object.keys(byHour).length === 0) return [];
  return Array.from({ length: 24 }, (_, hour) => {
    const label = String(hour).padStart(2, "0");
    return { label, value: Number(byHour[label] ?? byHour[hour]) || 0 };
  });
}

/** Requests and tokens per model (summed over client keys) and per client key. */
export function breakdowns(apis) {
  const models = new Map();
  const keys = [];
  for (const [key, api] of Object.entries(apis ?? {})) {
    keys.push({
      label: key,
      requests: Number(api.total_requests) || 0,
      tokens: Number(api.total_tokens) || 0,
    });
    for (const [model, stats] of Object.entries(api.models ?? {})) {
      const sum = models.get(model) ?? { label: model, requests: 0, tokens: 0 };
      sum.requests += Number(stats.total_requests) || 0;
      sum.tokens += Number(stats.total_tokens) || 0;
      models.set(model, sum);
    }
  }
  const pick = (rows, field) => rows.map((r) => ({ label: r.label, value: r[field] }));
  const modelRows = [...models.values()];
  return {
    requestsPerModel: pick(modelRows, "requests"),
    tokensPerModel: pick(modelRows, "tokens"),
    requestsPerKey: pick(keys, "requests"),
    tokensPerKey: pick(keys, "tokens"),
  };
}

export function setupUsage() {
  const totals = byId("usage-totals");
  const charts = byId("usage-charts");
  const message = byId("usage-message");
  const enabled = byId("usage-enabled");

  function render(usage) {
    const facts = [
      ["Requests", usage.total_requests],
      ["Succeeded", usage.success_count],
      ["Failed", usage.failure_count],
      ["Tokens", usage.total_tokens],
    ];
    fill(
      totals,
      facts.map(([term, value]) =>
        h("div", {}, h("dt", { text: term }), h("dd", { text: formatNumber(value) })),
      ),
    );
    const split = breakdowns(usage.apis);
    fill(
      charts,
      columnChart("Requests per day", dailySeries(usage.requests_by_day)),
      columnChart("Tokens per day", dailySeries(usage.tokens_by_day)),
      columnChart("Requests by hour of day", hourlySeries(usage.requests_by_hour)),
      columnChart("Tokens by hour of day", hourlySeries(usage.tokens_by_hour)),
      barList("Requests per model", split.requestsPerModel),
      barList("Tokens per model", split.tokensPerModel),
      barList("Requests per client key", split.requestsPerKey),
      barList("Tokens per client key", split.tokensPerKey),
    );
  }

  async function refresh() {
    try {
      const [snapshot, setting] = await Promise.all([
        api("GET", "usage"),
        api("GET", "usage-statistics-enabled").catch(() => undefined),
      ]);
      if (setting) enabled.checked = setting["usage-statistics-enabled"] === true;
      render(snapshot?.usage ?? {});
      say(
        message,
        setting && !enabled.checked ? "Usage statistics are off; turn them on to record new requests." : "",
      );
    } catch (err) {
      say(message, describeError(err), "error");
    }
  }

  enabled.addEventListener("change", async () => {
    const value = enabled.checked;
    try {
      await api("PUT", "usage-statistics-enabled", { json: { value } });
      say(message, value ? "Usage statistics are on." : "Usage statistics are off.");
    } catch (err) {
      enabled.checked = !value;
      say(message, describeError(err), "error");
    }
  });
  byId("usage-refresh").addEventListener("click", () => void refresh());

  const poll = every(REFRESH_MS, refresh);
  return {
    refresh,
    start: poll.start,
    stop() {
      poll.stop();
      totals.replaceChildren();
      charts.replaceChildren();
    },
  };
}
