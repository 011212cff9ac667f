// Provider keys: the API-key credentials in config.yaml (`gemini-api-key`, `claude-api-key`,
// `codex-api-key`) and the `openai-compatibility` providers. Keys are always shown masked.
// Adding sends the whole list back with PUT (the API has no append for these lists), read
// fresh just before, so a change made elsewhere a moment ago is not lost.

import { api, describeError } from "./api.js";
import { byId, confirmButton, fill, h, mask, say } from "./dom.js";

const KEY_LISTS = [
  { key: "gemini-api-key", label: "Gemini" },
  { key: "claude-api-key", label: "Claude" },
  { key: "codex-api-key", label: "Codex" },
];
const COMPAT = "openai-compatibility";

const modelNames = (models) =>
  (models ?? []).map((m) => (m.alias ? `${m.name} → ${m.alias}` : m.name)).join(", ");

function table(caption, head, rows) {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      {},
      h("caption", { text: caption }),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          head.map((t) => h("th", { scope: "col", text: t })),
        ),
      ),
      h("tbody", {}, rows),
    ),
  );
}

/** "a, b=c" → [{name: "a"}, {name: "b", alias: "c"}] */
export function parseModels(text) {
  return text
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [name, alias] = part.split("=").map((s) => s.trim());
      return alias ? { name, alias } : { name };
    });
}

export function setupProviderKeys() {
  const lists = byId("provider-keys-lists");
  const message = byId("provider-keys-message");
  const keyForm = byId("provider-key-add");
  const compatForm = byId("compat-add");

  async function run(task, done) {
    try {
      await task();
      say(message, done);
      await refresh();
      return true;
    } catch (err) {
      say(message, describeError(err), "error");
      return false;
    }
  }

  async function append(listKey, entry) {
    const current = (await api("GET", listKey))?.[listKey] ?? [];
    await api("PUT", listKey, { json: [...current, entry] });
  }

  function keyTable({ key, label }, entries) {
    if (entries.length === 0) return h("p", { class: "empty", text: `${label}: no keys.` });
    const rows = entries.map((entry, index) =>
      h(
        "tr",
        {},
        h("td", {}, h("code", { text: mask(entry["api-key"]) })),
        h("td", { text: entry["base-url"] || "default" }),
        h("td", { text: entry.prefix || "—" }),
        h("td", { text: modelNames(entry.models) || "all" }),
        h(
          "td",
          {},
          confirmButton("Remove", `Remove ${label} key ${index + 1}`, () =>
            run(() => api("DELETE", key, { query: { index } }), `${label} key removed.`),
          ),
        ),
      ),
    );
    return table(`${label} keys`, ["Key", "Base URL", "Prefix", "Models", "Actions"], rows);
  }

  function compatTable(entries) {
    if (entries.length === 0) return h("p", { class: "empty", text: "OpenAI-compatible providers: none." });
    const rows = entries.map((entry) =>
      h(
        "tr",
        {},
        h("th", { scope: "row", text: entry.name }),
        h("td", { text: entry["base-url"] }),
        h(
          "td",
          {},
          h("code", {
            text: (entry["api-key-entries"] ?? []).map((e) => mask(e["api-key"])).join(", ") || "none",
          }),
        ),
        h("td", { text: modelNames(entry.models) || "none" }),
        h("td", { text: entry.disabled ? "disabled" : "enabled" }),
        h(
          "td",
          {},
          confirmButton("Remove", `Remove provider ${entry.name}`, () =>
            run(
              () => api("DELETE", COMPAT, { query: { name: entry.name } }),
              `Provider ${entry.name} removed.`,
            ),
          ),
        ),
      ),
    );
    return table(
      "OpenAI-compatible providers",
      ["Name", "Base URL", "Keys", "Models", "State", "Actions"],
      rows,
    );
  }

  async function refresh() {
    try {
      const answers = await Promise.all(
        [...KEY_LISTS.map((l) => l.key), COMPAT].map((key) => api("GET", key)),
      );
      fill(
        lists,
        KEY_LISTS.map((list, i) => keyTable(list, answers[i]?.[list.key] ?? [])),
        compatTable(answers[KEY_LISTS.length]?.[COMPAT] ?? []),
      );
    } catch (err) {
      say(message, describeError(err), "error");
    }
  }

  keyForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const listKey = byId("provider-key-kind").value;
    const entry = { "api-key": byId("provider-key-value").value.trim() };
    if (!entry["api-key"]) return say(message, "Enter the API key.", "error");
    const base = byId("provider-key-base").value.trim();
    const prefix = byId("provider-key-prefix").value.trim();
    if (base) entry["base-url"] = base;
    if (prefix) entry.prefix = prefix;
    if (await run(() => append(listKey, entry), "Provider key added.")) keyForm.reset();
  });

  compatForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = byId("compat-name").value.trim();
    const base = byId("compat-base").value.trim();
    if (!name || !base) return say(message, "A provider needs a name and a base URL.", "error");
    const key = byId("compat-key").value.trim();
    const entry = { name, "base-url": base, models: parseModels(byId("compat-models").value) };
    if (key) entry["api-key-entries"] = [{ "api-key": key }];
    if (await run(() => append(COMPAT, entry), `Provider ${name} added.`)) compatForm.reset();
  });

  return {
    refresh,
    start() {},
    stop() {
      lists.replaceChildren();
      keyForm.reset();
      compatForm.reset();
    },
  };
}
