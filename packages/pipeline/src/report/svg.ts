// Small inline-SVG charts for the HTML report: no scripts, no external files.

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface Point {
  label: string;
  x: number;
  y: number;
}

const W = 560;
const H = 300;
const PAD = { left: 64, right: 24, top: 20, bottom: 48 };

function ticks(min: number, max: number, n = 4): number[] {
  if (min === max) return [min];
  return Array.from({ length: n + 1 }, (_, i) => min + ((max - min) * i) / n);
}

function extent(vals: number[]): [number, number] {
  let lo = Math.min(...vals);
  let hi = Math.max(...vals);
  if (lo === hi) {
    const d = Math.abs(lo) * 0.05 || 1;
    lo -= d;
    hi += d;
  }
  return [lo, hi];
}

interface Frame {
  sx: (v: number) => number;
  sy: (v: number) => number;
  axes: string;
}

/** Scales and axes (ticks and labels) for points in a W x H chart. */
function frame(
  points: readonly Point[],
  xLabel: string,
  yLabel: string,
  fmtX: (v: number) => string,
  fmtY: (v: number) => string,
): Frame {
  const [x0, x1] = extent(points.map((p) => p.x));
  const [y0, y1] = extent(points.map((p) => p.y));
  const sx = (v: number) => PAD.left + ((v - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
  const sy = (v: number) => H - PAD.bottom - ((v - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom);
  const axes = [
    `<line x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}" class="axis"/>`,
    `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${H - PAD.bottom}" class="axis"/>`,
    ...ticks(x0, x1).map(
      (t) =>
        `<text x="${sx(t).toFixed(1)}" y="${H - PAD.bottom + 16}" class="tick" text-anchor="middle">${escapeHtml(fmtX(t))}</text>`,
    ),
    ...ticks(y0, y1).map(
      (t) =>
        `<text x="${PAD.left - 6}" y="${(sy(t) + 4).toFixed(1)}" class="tick" text-anchor="end">${escapeHtml(fmtY(t))}</text>`,
    ),
    `<text x="${(W + PAD.left) / 2}" y="${H - 8}" class="label" text-anchor="middle">${escapeHtml(xLabel)}</text>`,
    `<text x="14" y="${H / 2}" class="label" text-anchor="middle" transform="rotate(-90 14 ${H / 2})">${escapeHtml(yLabel)}</text>`,
  ];
  return { sx, sy, axes: axes.join('') };
}

/** SVG path data joining the points in order. */
function polyline(points: readonly Point[], f: Frame): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${f.sx(p.x).toFixed(1)},${f.sy(p.y).toFixed(1)}`).join(' ');
}

/** Points joined in order (each step of the pipeline), with axes and a label per point. */
export function lineScatter(
  id: string,
  points: Point[],
  xLabel: string,
  yLabel: string,
  fmtX: (v: number) => string,
  fmtY: (v: number) => string,
): string {
  if (points.length === 0) return '';
  const f = frame(points, xLabel, yLabel, fmtX, fmtY);
  const { sx, sy, axes } = f;
  const path = polyline(points, f);
  // Steps that change little land on (nearly) the same spot: label each cluster once, first to last.
  const leaderOf = points.map((p, i) =>
    points.findIndex((q, j) => j <= i && Math.hypot(sx(q.x) - sx(p.x), sy(q.y) - sy(p.y)) < 14),
  );
  const members = (i: number) => points.filter((_, j) => leaderOf[j] === i).map((q) => q.label);
  const dots = points.map((p, i) => {
    const names = leaderOf[i] === i ? members(i) : [];
    const label = names.length > 1 ? `${names[0]} … ${names.at(-1)}` : (names[0] ?? '');
    const anchor = sx(p.x) > W / 2 ? 'end' : 'start';
    const lx = sx(p.x) + (anchor === 'end' ? -8 : 8);
    return (
      `<g class="point" data-index="${i}" data-x="${p.x}" data-y="${p.y}"><circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="5"/>` +
      (label
        ? `<text x="${lx.toFixed(1)}" y="${(sy(p.y) - 8).toFixed(1)}" class="pl" text-anchor="${anchor}">${escapeHtml(label)}</text>`
        : '') +
      `<title>${escapeHtml(`${p.label}: ${fmtX(p.x)}, ${fmtY(p.y)}`)}</title></g>`
    );
  });
  return `<svg id="${id}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" xmlns="http://www.w3.org/2000/svg">${axes}<path d="${path}" class="line"/>${dots.join('')}</svg>`;
}

/** A point of a scatter plot, with a CSS class (e.g. its status) and an id for data attributes. */
export interface ScatterPoint extends Point {
  id: string;
  cls: string;
}

/**
 * Unjoined points (e.g. the trials of a sweep), with `line` (a subset, e.g. the Pareto front)
 * joined in order over them. Points carry their id and exact values in data attributes.
 */
export function scatterPlot(
  id: string,
  points: readonly ScatterPoint[],
  line: readonly Point[],
  xLabel: string,
  yLabel: string,
  fmtX: (v: number) => string,
  fmtY: (v: number) => string,
): string {
  if (points.length === 0) return '';
  const f = frame(points, xLabel, yLabel, fmtX, fmtY);
  const { sx, sy, axes } = f;
  const path = polyline(line, f);
  const dots = points.map(
    (p) =>
      `<g class="point ${escapeHtml(p.cls)}" data-id="${escapeHtml(p.id)}" data-x="${p.x}" data-y="${p.y}"><circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="5"/>` +
      `<title>${escapeHtml(`${p.label}: ${fmtX(p.x)}, ${fmtY(p.y)}`)}</title></g>`,
  );
  return `<svg id="${id}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" xmlns="http://www.w3.org/2000/svg">${axes}${path ? `<path d="${path}" class="line"/>` : ''}${dots.join('')}</svg>`;
}

/** Horizontal bars, one per item, values in [0, 1] unless `max` is given. */
export function barChart(
  id: string,
  items: { label: string; value: number }[],
  fmt: (v: number) => string,
  max?: number,
): string {
  if (items.length === 0) return '';
  const rowH = 18;
  const labelW = 180;
  const barW = W - labelW - 80;
  const top = Math.max(max ?? 0, ...items.map((i) => i.value), 1e-12);
  const h = items.length * rowH + 10;
  const rows = items.map((it, i) => {
    const w = Math.max(0, (it.value / top) * barW);
    const y = 5 + i * rowH;
    return (
      `<g class="bar" data-label="${escapeHtml(it.label)}" data-value="${it.value}">` +
      `<text x="${labelW - 6}" y="${y + 12}" class="tick" text-anchor="end">${escapeHtml(it.label.length > 28 ? `${it.label.slice(0, 27)}…` : it.label)}</text>` +
      `<rect x="${labelW}" y="${y + 2}" width="${w.toFixed(1)}" height="${rowH - 5}"/>` +
      `<text x="${(labelW + w + 4).toFixed(1)}" y="${y + 12}" class="tick">${escapeHtml(fmt(it.value))}</text></g>`
    );
  });
  return `<svg id="${id}" viewBox="0 0 ${W} ${h}" width="${W}" height="${h}" role="img" xmlns="http://www.w3.org/2000/svg">${rows.join('')}</svg>`;
}
