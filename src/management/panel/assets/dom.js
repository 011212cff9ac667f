// Small DOM helpers shared by the panel's sections. Data from the server is only ever set as
// text (never as HTML), so nothing it contains can run in the page.

/**
 * Creates an element. `props`: `class`, `text`, `on<event>` handlers, booleans (set when true)
 * and plain attributes. Children may be nodes, strings, arrays, or null/false (skipped).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") el.className = value;
    else if (name === "text") el.textContent = String(value);
    else if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, "");
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child);
  }
}

/** Replaces everything inside `el`. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/** The element with this id; a missing one is a bug in the page, so say which. */
export function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`control panel: #${id} is missing`);
  return el;
}

let announceTimer;

/** Says `message` in the page's status bar, which screen readers announce, for a few seconds. */
export function announce(message, kind = "info") {
  const bar = byId("announcer");
  bar.dataset.kind = kind;
  // Re-setting the same text would not be announced again: clear first.
  bar.textContent = "";
  clearTimeout(announceTimer);
  requestAnimationFrame(() => {
    bar.textContent = message;
  });
  announceTimer = setTimeout(() => {
    bar.textContent = "";
  }, 8000);
}

/** Shows `message` (or nothing) in a section's own message line. */
export function say(el, message, kind = "info") {
  el.dataset.kind = kind;
  el.textContent = message ?? "";
}

/** A secret shortened to its ends, so it can be recognised but not copied. */
export function mask(secret) {
  const s = String(secret ?? "");
  if (s.length <= 8) return "•".repeat(Math.max(s.length, 4));
  return `${s.slice(0, 4)}…${s.slice(-4)}`;
}

const numberFormat = new Intl.NumberFormat();
export const formatNumber = (n) => numberFormat.format(Number(n) || 0);

/** A readable local date-time for an ISO string or a Unix time in seconds or milliseconds. */
export function formatTime(value) {
  if (value === undefined || value === null || value === "") return "";
  const n = Number(value);
  const date = Number.isFinite(n) ? new Date(n < 1e12 ? n * 1000 : n) : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}

/**
 * A button that asks for a second click before a destructive `action`, so a stray press or
 * keystroke cannot delete anything. The question resets after a few seconds.
 */
export function confirmButton(label, accessibleName, action) {
  let armed = false;
  let timer;
  const button = h("button", { type: "button", class: "danger", "aria-label": accessibleName, text: label });
  const disarm = () => {
    armed = false;
    button.textContent = label;
    button.setAttribute("aria-label", accessibleName);
  };
  button.addEventListener("click", async () => {
    if (!armed) {
      armed = true;
      button.textContent = "Confirm";
      button.setAttribute("aria-label", `Confirm: ${accessibleName}`);
      timer = setTimeout(disarm, 5000);
      return;
    }
    clearTimeout(timer);
    disarm();
    button.disabled = true;
    try {
      await action();
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

/**
 * Runs `task` every `ms` while started, skipping turns while the tab is hidden or the previous
 * run is still going, so a slow server never piles up requests.
 */
export function every(ms, task) {
  let timer;
  let running = false;
  const tick = async () => {
    if (running || document.hidden) return;
    running = true;
    try {
      await task();
    } catch {
      // The task reports its own errors; keep polling.
    } finally {
      running = false;
    }
  };
  return {
    start() {
      clearInterval(timer);
      timer = setInterval(tick, ms);
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
