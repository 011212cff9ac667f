// Logs: the server's recent log lines, polled with the `cursor` the previous answer gave
// (`after`, the newest line's Unix time, for servers that give no cursor), shown newest last.

import { api, describeError } from "./api.js";
import { byId, every, h, say } from "./dom.js";

const POLL_MS = 3000;
const FIRST_READ = 200;
/** Lines kept on the page; older ones are dropped from the top. */
const MAX_LINES = 1000;
const LEVELS = { 10: "trace", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "fatal" };

/** A pino JSON line as "time level message {other fields}"; anything else as it is. */
export function formatLine(line) {
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return { level: "", text: line };
  }
  if (entry === null || typeof entry !== "object") return { level: "", text: line };
  const { time, level, msg, pid: _pid, hostname: _host, ...rest } = entry;
  const levelName = LEVELS[level] ?? String(level ?? "");
  const when = time ? new Date(time).toLocaleTimeString() : "";
  const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : "";
  return { level: levelName, text: `${when} ${levelName.toUpperCase()} ${msg ?? ""}${extra}`.trim() };
}

export function setupLogs() {
  const list = byId("logs-lines");
  const message = byId("logs-message");
  const pause = byId("logs-pause");
  let cursor;
  let after;

  function show(lines, replace) {
    const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 8;
    if (replace) list.replaceChildren();
    for (const line of lines) {
      const { level, text } = formatLine(line);
      list.append(h("li", { class: level ? `level-${level}` : "", text }));
    }
    while (list.childElementCount > MAX_LINES) list.firstElementChild.remove();
    if (atBottom || replace) list.scrollTop = list.scrollHeight;
  }

  async function refresh() {
    const first = cursor === undefined && after === undefined;
    const query = first ? { limit: FIRST_READ } : cursor !== undefined ? { cursor } : { after };
    try {
      const answer = (await api("GET", "logs", { query })) ?? {};
      show(answer.lines ?? [], first || answer["cursor-reset"] === true);
      cursor = answer["next-cursor"];
      after = answer["latest-timestamp"] || after;
      if (first && !answer.lines?.length) say(message, "No log lines yet.");
      else say(message, "");
    } catch (err) {
      say(message, describeError(err), "error");
    }
  }

  const poll = every(POLL_MS, refresh);

  pause.addEventListener("click", () => {
    const paused = pause.getAttribute("aria-pressed") !== "true";
    pause.setAttribute("aria-pressed", String(paused));
    pause.textContent = paused ? "Resume" : "Pause";
    if (paused) poll.stop();
    else {
      poll.start();
      void refresh();
    }
  });

  byId("logs-clear").addEventListener("click", async () => {
    try {
      const answer = await api("DELETE", "logs");
      list.replaceChildren();
      say(message, `Cleared ${answer?.removed ?? 0} line(s).`);
    } catch (err) {
      say(message, describeError(err), "error");
    }
  });

  return {
    refresh,
    start() {
      if (pause.getAttribute("aria-pressed") !== "true") poll.start();
    },
    stop() {
      poll.stop();
      cursor = undefined;
      after = undefined;
      list.replaceChildren();
    },
  };
}
