// Client API keys (`api-keys`): the keys clients send to use the proxy. Shown masked until
// asked; added with PATCH {old, new} (which appends when `old` is not a key, in one atomic
// server-side step), edited with PATCH {index, value}, removed with DELETE ?index= (the index
// keeps the key itself out of URLs and access logs).

import { api, describeError } from "./api.js";
import { byId, confirmButton, fill, h, mask, say } from "./dom.js";

/** A random key in the usual `sk-` style: 24 random bytes, hex. */
function generateKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return `sk-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export function setupClientKeys() {
  const list = byId("client-keys-list");
  const message = byId("client-keys-message");
  const form = byId("client-keys-add");
  const input = byId("client-key-new");
  let keys = [];

  async function change(method, options, done) {
    try {
      await api(method, "api-keys", options);
      say(message, done);
      await refresh();
      return true;
    } catch (err) {
      say(message, describeError(err), "error");
      return false;
    }
  }

  function editor(li, key, index) {
    const field = h("input", {
      type: "text",
      value: key,
      "aria-label": `New value for key ${index + 1}`,
      autocomplete: "off",
      spellcheck: "false",
    });
    const save = h("button", { type: "submit", text: "Save" });
    const cancel = h("button", { type: "button", text: "Cancel", onclick: () => refresh() });
    const edit = h("form", { class: "row" }, field, save, cancel);
    edit.addEventListener("submit", async (event) => {
      event.preventDefault();
      const value = field.value.trim();
      if (!value) return say(message, "A key cannot be empty; use Remove instead.", "error");
      await change("PATCH", { json: { index, value } }, `Key ${index + 1} updated.`);
    });
    fill(li, edit);
    field.focus();
  }

  function item(key, index) {
    const text = h("code", { text: mask(key) });
    const show = h("button", {
      type: "button",
      "aria-pressed": "false",
      text: "Show",
      "aria-label": `Show key ${index + 1}`,
    });
    show.addEventListener("click", () => {
      const shown = show.getAttribute("aria-pressed") !== "true";
      show.setAttribute("aria-pressed", String(shown));
      show.textContent = shown ? "Hide" : "Show";
      text.textContent = shown ? key : mask(key);
    });
    const li = h(
      "li",
      { class: "row" },
      h("span", { class: "key-label", text: `Key ${index + 1}:` }),
      text,
      show,
    );
    li.append(
      h("button", {
        type: "button",
        text: "Edit",
        "aria-label": `Edit key ${index + 1}`,
        onclick: () => editor(li, key, index),
      }),
      confirmButton("Remove", `Remove key ${index + 1}`, () =>
        change("DELETE", { query: { index } }, `Key ${index + 1} removed.`),
      ),
    );
    return li;
  }

  async function refresh() {
    try {
      keys = (await api("GET", "api-keys"))?.["api-keys"] ?? [];
      fill(
        list,
        keys.length
          ? keys.map(item)
          : h("li", {
              class: "empty",
              text: "No client keys: every client that can reach the proxy may use it.",
            }),
      );
    } catch (err) {
      say(message, describeError(err), "error");
    }
  }

  byId("client-key-generate").addEventListener("click", () => {
    input.value = generateKey();
    input.focus();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) return say(message, "Type a key or press Generate first.", "error");
    if (keys.includes(key)) return say(message, "That key is already in the list.", "error");
    if (await change("PATCH", { json: { old: "", new: key } }, "Key added.")) input.value = "";
  });

  return {
    refresh,
    start() {},
    stop() {
      keys = [];
      list.replaceChildren();
      input.value = "";
    },
  };
}
