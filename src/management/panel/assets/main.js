// The page's entry: log in with the management key, then start every section. Each section is
// wired up once, as `{ refresh(), start(), stop() }`: `refresh` reloads it from the server,
// `start` begins its polling after a login, `stop` ends it and forgets what it showed.

import { ApiError, api, clearKey, describeError, getKey, setKey } from "./api.js";
import { setupClientKeys } from "./client-keys.js";
import { setupConfigEditor } from "./config-editor.js";
import { setupCredentials } from "./credentials.js";
import { announce, byId, say } from "./dom.js";
import { setupLogs } from "./logs.js";
import { setupOAuth } from "./oauth.js";
import { setupProviderKeys } from "./provider-keys.js";
import { setupRouting } from "./routing.js";
import { setupStatus } from "./status.js";
import { setupUsage } from "./usage.js";

/** Set up once the page has loaded; `refreshAll` lets a config edit update every section. */
let sections = [];
const refreshAll = () => Promise.allSettled(sections.map((s) => s.refresh()));

/** Why a key was refused, in words a user can act on. */
function loginProblem(err) {
  if (!(err instanceof ApiError)) return describeError(err);
  if (err.status === 401) return "Wrong management key.";
  if (err.status === 404) {
    return "The management API is turned off: set remote-management.secret-key in config.yaml, or start the server with MANAGEMENT_PASSWORD.";
  }
  return describeError(err);
}

function showLogin(message = "") {
  for (const s of sections) s.stop();
  byId("panel").hidden = true;
  byId("logout").hidden = true;
  byId("login").hidden = false;
  say(byId("login-error"), message, message ? "error" : "info");
  const input = byId("login-key");
  input.value = "";
  input.setAttribute("aria-invalid", message ? "true" : "false");
  input.focus();
}

function showPanel() {
  byId("login").hidden = true;
  byId("panel").hidden = false;
  byId("logout").hidden = false;
  for (const s of sections) s.start();
  void refreshAll();
  byId("status-title").focus();
}

async function logIn(key) {
  // Any management route proves the key; this one is cheap and changes nothing.
  await api("GET", "routing/strategy", { key });
  setKey(key);
  showPanel();
  announce("Logged in.");
}

function start() {
  sections = [
    setupStatus(),
    setupCredentials(),
    setupOAuth(),
    setupClientKeys(),
    setupProviderKeys(),
    setupRouting(),
    // A config edit can change what every other section shows.
    setupConfigEditor({ onSaved: refreshAll }),
    setupLogs(),
    setupUsage(),
  ];

  byId("login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const key = byId("login-key").value.trim();
    if (!key) {
      showLogin("Enter the management key.");
      return;
    }
    try {
      await logIn(key);
    } catch (err) {
      showLogin(loginProblem(err));
    }
  });

  byId("logout").addEventListener("click", () => {
    clearKey();
    showLogin();
    announce("Logged out.");
  });

  window.addEventListener("cpa:unauthorized", () => {
    clearKey();
    showLogin("The management key was not accepted any more; log in again.");
  });

  const saved = getKey();
  if (saved) {
    logIn(saved).catch((err) => {
      clearKey();
      showLogin(loginProblem(err));
    });
  } else {
    showLogin();
  }
}

start();
