// OAuth logins: `GET <provider>-auth-url` starts one and answers the sign-in URL and a state;
// `GET get-auth-status?state=` then says wait, ok or error. When the provider's redirect cannot
// reach this server (it runs elsewhere), the user pastes the address the browser ended on and
// `POST oauth-callback` finishes the login. A server without the route for a provider answers
// 404, shown as "not available in this version".

import { ApiError, api, describeError } from "./api.js";
import { byId, fill, h, say } from "./dom.js";

const PROVIDERS = [
  { id: "codex", label: "OpenAI Codex" },
  { id: "anthropic", label: "Claude (Anthropic)" },
  { id: "gemini-cli", label: "Gemini CLI" },
  { id: "antigravity", label: "Antigravity" },
  { id: "qwen", label: "Qwen" },
  { id: "iflow", label: "iFlow" },
];

const POLL_MS = 2000;
/** Sign-in pages expire; stop asking after this long. */
const GIVE_UP_MS = 10 * 60_000;

function signInLink(provider, url) {
  return h(
    "p",
    {},
    h("a", {
      href: url,
      target: "_blank",
      rel: "noopener noreferrer",
      text: `Open the ${provider.label} sign-in page`,
    }),
  );
}

/** For a server the provider's redirect cannot reach: finish with the address the browser ended on. */
function pasteForm(provider, status, stillWaiting) {
  const id = `oauth-paste-${provider.id}`;
  const input = h("input", { id, type: "url", autocomplete: "off", spellcheck: "false" });
  const form = h(
    "form",
    { class: "row" },
    h("label", { for: id, text: "If the page could not return here, paste the address it ended on" }),
    input,
    h("button", { type: "submit", text: "Finish sign-in" }),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const redirect = input.value.trim();
    if (!redirect) return say(status, "Paste the address from the browser first.", "error");
    try {
      await api("POST", "oauth-callback", { json: { provider: provider.id, redirect_url: redirect } });
      // The status poll reports the outcome (unless it already has).
      if (stillWaiting()) say(status, "Finishing…");
    } catch (err) {
      say(status, describeError(err), "error");
    }
  });
  return form;
}

export function setupOAuth() {
  const list = byId("oauth-list");
  /** Live logins by provider id, so logging out can stop their polling. */
  const running = new Map();

  function stopLogin(id) {
    clearTimeout(running.get(id));
    running.delete(id);
  }

  function poll(provider, state, view, startedAt) {
    const check = async () => {
      if (!running.has(provider.id)) return;
      if (Date.now() - startedAt > GIVE_UP_MS) {
        view.finish("The sign-in took too long and was abandoned; start again.", "error");
        return;
      }
      try {
        const status = await api("GET", "get-auth-status", { query: { state } });
        if (status?.status === "ok") {
          view.finish(`Signed in to ${provider.label}; the credential was saved.`, "info");
          window.dispatchEvent(new Event("cpa:credentials-changed"));
          return;
        }
        if (status?.status === "error") {
          view.finish(`Sign-in failed: ${status.error || "unknown error"}`, "error");
          return;
        }
      } catch (err) {
        view.finish(describeError(err), "error");
        return;
      }
      running.set(provider.id, setTimeout(check, POLL_MS));
    };
    running.set(provider.id, setTimeout(check, POLL_MS));
  }

  function item(provider) {
    const status = h("p", { class: "message", "aria-live": "polite" });
    /** The sign-in link and the paste-the-redirect form, while a login is under way. */
    const pending = h("div");
    const startButton = h("button", { type: "button", text: `Sign in with ${provider.label}` });
    const cancel = h("button", { type: "button", text: "Cancel", hidden: true });
    const view = {
      finish(text, kind) {
        stopLogin(provider.id);
        say(status, text, kind);
        pending.replaceChildren();
        cancel.hidden = true;
        startButton.disabled = false;
      },
    };

    startButton.addEventListener("click", async () => {
      startButton.disabled = true;
      say(status, "Starting…");
      try {
        const answer = await api("GET", `${provider.id}-auth-url`, { query: { is_webui: "true" } });
        if (!answer?.url || !answer?.state) throw new Error("the server did not return a sign-in URL");
        if (answer.flow === "device") {
          // Device flow (Qwen): the user enters a code on the provider's page; nothing to paste back.
          fill(
            pending,
            signInLink(provider, answer.url),
            h("p", {}, "Code to enter: ", h("strong", { class: "user-code", text: answer.user_code ?? "" })),
          );
        } else {
          fill(
            pending,
            signInLink(provider, answer.url),
            pasteForm(provider, status, () => running.has(provider.id)),
          );
        }
        say(status, "Waiting for you to finish signing in…");
        cancel.hidden = false;
        running.set(provider.id, 0);
        poll(provider, answer.state, view, Date.now());
      } catch (err) {
        const missing = err instanceof ApiError && err.status === 404;
        view.finish(
          missing ? "Not available in this version." : describeError(err),
          missing ? "info" : "error",
        );
      }
    });
    cancel.addEventListener("click", () => view.finish("Cancelled.", "info"));

    return h("li", { class: "oauth-item" }, h("div", { class: "row" }, startButton, cancel), status, pending);
  }

  const render = () => fill(list, PROVIDERS.map(item));
  render();
  return {
    refresh: async () => {},
    start() {},
    stop() {
      for (const id of [...running.keys()]) stopLogin(id);
      render();
    },
  };
}
