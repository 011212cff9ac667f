// The config.yaml editor: GET/PUT `config.yaml`. The server checks the text before saving and
// answers problems as "config.yaml:<line>:<column> <key>: <message>"; each is listed with a
// button that puts the cursor on that line. Unsaved edits are never overwritten by a refresh,
// and saving over a file that changed on the server since it was loaded needs a second press.

import { ApiError, api, describeError } from "./api.js";
import { byId, fill, h, say } from "./dom.js";

const POSITION = /:(\d+):(\d+)\s+(.*)$/s;

/** {line, column, text} of a problem string; line 0 when it names no position. */
export function parseProblem(problem) {
  const match = POSITION.exec(problem);
  if (!match) return { line: 0, column: 0, text: problem };
  return { line: Number(match[1]), column: Number(match[2]), text: match[3] };
}

export function setupConfigEditor({ onSaved }) {
  const area = byId("config-text");
  const position = byId("config-position");
  const message = byId("config-message");
  const problems = byId("config-problems");
  /** The text as last loaded from or saved to the server. */
  let base = "";
  let overwriteArmed = false;

  const dirty = () => area.value !== base;

  function showPosition() {
    const before = area.value.slice(0, area.selectionStart);
    const line = before.split("\n").length;
    const column = before.length - before.lastIndexOf("\n");
    position.textContent = `Line ${line}, column ${column}`;
  }

  /** Selects line `line` (1-based) from `column` and scrolls it into view. */
  function goTo(line, column) {
    const lines = area.value.split("\n");
    const n = Math.min(Math.max(line, 1), lines.length);
    let start = 0;
    for (let i = 0; i < n - 1; i++) start += lines[i].length + 1;
    const end = start + lines[n - 1].length;
    area.focus();
    area.setSelectionRange(Math.min(start + Math.max(column - 1, 0), end), end);
    const lineHeight = Number.parseFloat(getComputedStyle(area).lineHeight) || 18;
    area.scrollTop = Math.max(0, (n - 3) * lineHeight);
    showPosition();
  }

  function listProblems(items, kind) {
    fill(
      problems,
      items.map((raw) => {
        const p = parseProblem(raw);
        const where = p.line ? `Line ${p.line}, column ${p.column}` : "";
        return h(
          "li",
          { class: kind },
          p.line
            ? h("button", {
                type: "button",
                class: "link",
                text: where,
                onclick: () => goTo(p.line, p.column),
              })
            : null,
          h("span", { text: p.line ? `: ${p.text}` : p.text }),
        );
      }),
    );
  }

  async function load(force) {
    const text = await api("GET", "config.yaml", { raw: true });
    if (force || !dirty()) {
      area.value = text;
      base = text;
      overwriteArmed = false;
      return;
    }
    if (text !== base)
      say(message, "config.yaml changed on the server; Reload to see it (your edits would be lost).");
  }

  async function refresh() {
    try {
      await load(false);
    } catch (err) {
      const missing = err instanceof ApiError && err.status === 404;
      say(message, missing ? "This server was not started from a config file." : describeError(err), "error");
    }
  }

  async function save() {
    say(message, "Checking…");
    problems.replaceChildren();
    try {
      const current = await api("GET", "config.yaml", { raw: true });
      if (current !== base && !overwriteArmed) {
        overwriteArmed = true;
        say(
          message,
          "config.yaml changed on the server since it was loaded here. Press Save again to replace it with your text, or Reload.",
          "error",
        );
        return;
      }
      const result = await api("PUT", "config.yaml", { text: area.value });
      base = area.value;
      overwriteArmed = false;
      const warnings = result?.warnings ?? [];
      say(
        message,
        warnings.length ? `Saved and applied, with ${warnings.length} warning(s):` : "Saved and applied.",
      );
      listProblems(warnings, "warning");
      await onSaved();
    } catch (err) {
      if (err instanceof ApiError && err.problems.length > 0) {
        say(message, `Not saved: ${err.problems.length} problem(s) in the file.`, "error");
        listProblems(err.problems, "error");
        return;
      }
      say(message, describeError(err), "error");
    }
  }

  area.addEventListener("keyup", showPosition);
  area.addEventListener("click", showPosition);
  area.addEventListener("input", () => say(message, dirty() ? "Unsaved changes." : ""));
  byId("config-save").addEventListener("click", save);
  byId("config-reload").addEventListener("click", async () => {
    try {
      await load(true);
      problems.replaceChildren();
      say(message, "Reloaded from the server.");
    } catch (err) {
      say(message, describeError(err), "error");
    }
  });

  return {
    refresh,
    start() {},
    stop() {
      // Forget the file's text (it holds upstream keys) when the user logs out.
      area.value = "";
      base = "";
      problems.replaceChildren();
      say(message, "");
    },
  };
}
