// Routing strategy: GET/PUT `routing/strategy`.

import { api, describeError } from "./api.js";
import { byId, h, say } from "./dom.js";

export function setupRouting() {
  const form = byId("routing-form");
  const select = byId("routing-strategy");
  const message = byId("routing-message");

  async function refresh() {
    try {
      const { strategy } = (await api("GET", "routing/strategy")) ?? {};
      // A value this page does not know (a newer server) is still shown, not silently replaced.
      if (strategy && ![...select.options].some((o) => o.value === strategy)) {
        select.append(h("option", { value: strategy, text: strategy }));
      }
      if (strategy) select.value = strategy;
    } catch (err) {
      say(message, describeError(err), "error");
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = select.value;
    try {
      await api("PUT", "routing/strategy", { json: { value } });
      say(message, `Routing strategy is now ${value}.`);
      await refresh();
    } catch (err) {
      say(message, describeError(err), "error");
    }
  });

  return { refresh, start() {}, stop: () => say(message, "") };
}
