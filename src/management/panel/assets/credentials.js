// Credentials: the OAuth files in auth-dir with provider, account, enabled state and live
// status (refreshed every few seconds), plus upload and delete.

import { api, describeError } from "./api.js";
import { byId, confirmButton, every, fill, formatTime, h, say } from "./dom.js";

const REFRESH_MS = 10_000;

/** The account a file belongs to, from whichever field the server reports. */
function accountOf(file) {
  return file.email || file.account || file.label || file.project_id || "—";
}

/** Status text, with the reason and the end of any cooldown when the server reports them. */
function statusOf(file) {
  if (file.disabled) return "disabled";
  const parts = [file.unavailable ? "cooling down" : file.status || "active"];
  if (file.status_message) parts.push(file.status_message);
  const until = file.next_retry_after || file.cooldown_until;
  if (until && new Date(until).getTime() > Date.now()) parts.push(`until ${formatTime(until)}`);
  return parts.join(" – ");
}

export function setupCredentials() {
  const table = byId("credentials-table");
  const message = byId("credentials-message");
  const upload = byId("credentials-upload");
  const input = byId("credentials-file");

  async function setEnabled(file, enabled, checkbox) {
    checkbox.disabled = true;
    try {
      await api("PATCH", "auth-files/status", { json: { name: file.name, disabled: !enabled } });
      say(message, `${file.name} ${enabled ? "enabled" : "disabled"}.`);
      await refresh();
    } catch (err) {
      checkbox.checked = !enabled;
      say(message, describeError(err), "error");
    } finally {
      checkbox.disabled = false;
    }
  }

  async function remove(file) {
    try {
      await api("DELETE", "auth-files", { query: { name: file.name } });
      say(message, `${file.name} deleted.`);
      await refresh();
    } catch (err) {
      say(message, describeError(err), "error");
    }
  }

  function row(file) {
    const toggle = h("input", {
      type: "checkbox",
      "aria-label": `${file.name} enabled`,
      checked: !file.disabled,
    });
    toggle.addEventListener("change", () => setEnabled(file, toggle.checked, toggle));
    return h(
      "tr",
      {},
      h("th", { scope: "row", text: file.name }),
      h("td", { text: file.provider || file.type || "unknown" }),
      h("td", { text: accountOf(file) }),
      h("td", {}, toggle),
      h("td", { text: statusOf(file), class: file.disabled || file.unavailable ? "muted" : "" }),
      h(
        "td",
        {},
        confirmButton("Delete", `Delete ${file.name}`, () => remove(file)),
      ),
    );
  }

  async function refresh() {
    try {
      const { files = [] } = (await api("GET", "auth-files")) ?? {};
      if (files.length === 0) {
        fill(
          table,
          h("p", { class: "empty", text: "No auth files yet. Upload one or start an OAuth login." }),
        );
        return;
      }
      const head = ["Name", "Provider", "Account", "Enabled", "Status", "Actions"];
      fill(
        table,
        h(
          "table",
          {},
          h("caption", { class: "visually-hidden", text: "Auth files" }),
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              head.map((t) => h("th", { scope: "col", text: t })),
            ),
          ),
          h("tbody", {}, files.map(row)),
        ),
      );
    } catch (err) {
      say(message, describeError(err), "error");
    }
  }

  upload.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!input.files?.length) {
      say(message, "Choose one or more .json files first.", "error");
      return;
    }
    const form = new FormData();
    for (const file of input.files) form.append("file", file, file.name);
    try {
      const result = await api("POST", "auth-files", { form });
      const failed = result?.failed?.map((f) => `${f.name}: ${f.error}`) ?? [];
      say(
        message,
        failed.length ? `Some files failed: ${failed.join("; ")}` : "Uploaded.",
        failed.length ? "error" : "info",
      );
      upload.reset();
      await refresh();
    } catch (err) {
      say(message, describeError(err), "error");
    }
  });

  // OAuth logins add files: show them as soon as one completes.
  window.addEventListener("cpa:credentials-changed", () => void refresh());
  const poll = every(REFRESH_MS, refresh);
  return {
    refresh,
    start: poll.start,
    stop() {
      poll.stop();
      table.replaceChildren();
    },
  };
}
