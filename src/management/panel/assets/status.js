// Server status: version and uptime from `GET /`, and the update check's honest answer.

import { ApiError, api, describeError } from "./api.js";
import { byId, fill, h } from "./dom.js";

function formatDuration(seconds) {
  const s = Math.max(0, Math.floor(Number(seconds)));
  const d = Math.floor(s / 86400);
  const hrs = Math.floor((s % 86400) / 3600);
  const min = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} d ${hrs} h`;
  if (hrs > 0) return `${hrs} h ${min} min`;
  return `${min} min ${s % 60} s`;
}

/** The update check answers 503 when it cannot look; that is information, not a failure. */
async function updateCheck() {
  try {
    const body = await api("GET", "latest-version");
    return body?.["latest-version"] ? `Latest release: ${body["latest-version"]}` : "Up to date";
  } catch (err) {
    if (err instanceof ApiError && err.body?.checked === false)
      return "Not available (cannot reach a release feed)";
    return describeError(err);
  }
}

export function setupStatus() {
  const list = byId("status-list");

  async function refresh() {
    const [root, update] = await Promise.all([
      api("GET", "./", { anonymous: true }).catch(() => undefined),
      updateCheck(),
    ]);
    const uptime = root?.uptime_seconds ?? root?.uptime;
    const facts = [
      ["Server", root?.name ?? "CLI Proxy API"],
      ["Version", root?.version ?? "unknown"],
      uptime === undefined ? null : ["Uptime", typeof uptime === "number" ? formatDuration(uptime) : uptime],
      ["Update check", update],
    ];
    fill(
      list,
      facts
        .filter(Boolean)
        .map(([term, value]) => h("div", {}, h("dt", { text: term }), h("dd", { text: value }))),
    );
  }

  return { refresh, start() {}, stop: () => list.replaceChildren() };
}
