// Two small SVG charts drawn by hand: columns over a sequence (time) and horizontal bars for a
// ranking. Each is a <figure> whose SVG has a text summary for screen readers, plus the exact
// numbers in a collapsible table. Colours come from CSS, so light and dark themes both work.

import { formatNumber, h } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  for (const child of children) if (child) el.append(child);
  return el;
}

const tooltip = (text) => svg("title", {}, text);

/** A round upper bound for the axis, so grid labels read 0, 50, 100 rather than 0, 47, 94. */
export function niceMax(value) {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((s) => s * magnitude >= value) ?? 10;
  return step * magnitude;
}

const compact = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 });

function summary(title, points) {
  if (points.length === 0) return `${title}: no data`;
  const top = points.reduce((a, b) => (b.value > a.value ? b : a));
  const total = points.reduce((sum, p) => sum + p.value, 0);
  return `${title}: ${points.length} entries, total ${formatNumber(total)}, highest ${formatNumber(top.value)} at ${top.label}`;
}

function figure(title, points, chart) {
  const rows = points.map((p) =>
    h("tr", {}, h("th", { scope: "row", text: p.label }), h("td", { text: formatNumber(p.value) })),
  );
  return h(
    "figure",
    { class: "chart" },
    h("figcaption", { text: title }),
    points.length ? chart : h("p", { class: "empty", text: "No data yet." }),
    points.length
      ? h("details", {}, h("summary", { text: "Show numbers" }), h("table", {}, h("tbody", {}, rows)))
      : null,
  );
}

/** Vertical columns, in the given order; `points` is [{label, value}]. */
export function columnChart(title, points) {
  const width = 600;
  const height = 200;
  const left = 44;
  const bottom = 24;
  const plotW = width - left - 8;
  const plotH = height - bottom - 8;
  const max = niceMax(Math.max(0, ...points.map((p) => p.value)));
  const slot = plotW / Math.max(points.length, 1);
  const labelEvery = Math.ceil(points.length / 12);
  const chart = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-label": summary(title, points),
  });

  for (const fraction of [0, 0.5, 1]) {
    const y = 8 + plotH * (1 - fraction);
    chart.append(
      svg("line", { x1: left, x2: width - 8, y1: y, y2: y, class: "grid" }),
      svg(
        "text",
        { x: left - 6, y: y + 4, "text-anchor": "end", class: "axis" },
        compact.format(max * fraction),
      ),
    );
  }
  points.forEach((p, i) => {
    const barH = (p.value / max) * plotH;
    const x = left + i * slot + slot * 0.1;
    chart.append(
      svg(
        "rect",
        { x, y: 8 + plotH - barH, width: Math.max(slot * 0.8, 1), height: barH, class: "bar" },
        tooltip(`${p.label}: ${formatNumber(p.value)}`),
      ),
    );
    if (i % labelEvery === 0) {
      chart.append(
        svg("text", { x: x + slot * 0.4, y: height - 6, "text-anchor": "middle", class: "axis" }, p.label),
      );
    }
  });
  return figure(title, points, chart);
}

/** Horizontal bars, largest first, at most `limit` of them. */
export function barList(title, points, limit = 10) {
  const shown = [...points].sort((a, b) => b.value - a.value).slice(0, limit);
  const width = 600;
  const rowH = 26;
  const labelW = 190;
  const plotW = width - labelW - 70;
  const max = Math.max(1, ...shown.map((p) => p.value));
  const chart = svg("svg", {
    viewBox: `0 0 ${width} ${shown.length * rowH + 4}`,
    role: "img",
    "aria-label": summary(title, shown),
  });
  shown.forEach((p, i) => {
    const y = i * rowH + 4;
    const barW = Math.max((p.value / max) * plotW, 1);
    const label = p.label.length > 26 ? `${p.label.slice(0, 25)}…` : p.label;
    chart.append(
      svg("text", { x: labelW - 8, y: y + 16, "text-anchor": "end", class: "axis" }, tooltip(p.label), label),
      svg(
        "rect",
        { x: labelW, y, width: barW, height: rowH - 8, class: "bar" },
        tooltip(`${p.label}: ${formatNumber(p.value)}`),
      ),
      svg("text", { x: labelW + barW + 6, y: y + 14, class: "axis" }, formatNumber(p.value)),
    );
  });
  return figure(title, shown, chart);
}
