// report.html: one self-contained page (inline CSS and SVG, no scripts, a CSP that forbids
// fetching anything). Every number shown carries its exact value in a data-value attribute.
import type { EvalMetrics } from '../eval/evaluate.js';
import type { PipelineReport } from './report-types.js';
import { barChart, escapeHtml, lineScatter, type Point } from './svg.js';

const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
const kb = (v: number) => (v >= 1e6 ? `${(v / 1e6).toFixed(2)} MB` : `${(v / 1e3).toFixed(1)} kB`);
const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v >= 100 ? 0 : 3)} ms`);
const int = (v: number) => v.toLocaleString('en-US');
const num = (v: number) =>
  Number.isInteger(v) ? String(v) : v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(2) : v.toPrecision(4);

const METRIC_ROWS: { key: keyof EvalMetrics; label: string; fmt: (v: number) => string }[] = [
  { key: 'sizeBytes', label: 'size', fmt: kb },
  { key: 'sizeRatio', label: 'size ratio', fmt: num },
  { key: 'accuracy', label: 'top-1 accuracy', fmt: pct },
  { key: 'top5', label: 'top-5 accuracy', fmt: pct },
  { key: 'agreement', label: 'top-1 agreement with input', fmt: pct },
  { key: 'cosine', label: 'output cosine similarity', fmt: num },
  { key: 'maxAbsError', label: 'max abs output error', fmt: num },
  { key: 'parameters', label: 'parameters', fmt: int },
  { key: 'nonZero', label: 'non-zero parameters', fmt: int },
  { key: 'latencyP50Ms', label: 'latency p50 (batch 1)', fmt: ms },
  { key: 'samples', label: 'evaluation samples', fmt: int },
];

function cell(metric: string, v: unknown, fmt: (v: number) => string): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '<td class="na">–</td>';
  return `<td class="num" data-metric="${metric}" data-value="${v}">${escapeHtml(fmt(v))}</td>`;
}

function metricsTable(r: PipelineReport): string {
  const b = r.metrics.before;
  const a = r.metrics.after;
  const rows = METRIC_ROWS.filter((m) => b?.[m.key] !== undefined || a?.[m.key] !== undefined).map(
    (m) =>
      `<tr><th>${m.label}</th>${cell(`before.${m.key}`, b?.[m.key], m.fmt)}${cell(`after.${m.key}`, a?.[m.key], m.fmt)}</tr>`,
  );
  return `<table id="metrics"><thead><tr><th></th><th>before</th><th>after</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function stepsTable(r: PipelineReport): string {
  if (r.steps.length === 0) return '<p>No passes.</p>';
  const rows = r.steps.map(
    (s) =>
      `<tr data-step="${s.index}"><td>${s.index + 1}</td><td><code>${escapeHtml(s.pass)}</code>${s.source !== 'builtin' ? ` <small>(${escapeHtml(s.source)})</small>` : ''}</td>` +
      `<td>${s.changed ? 'yes' : 'no'}</td><td>${s.cached ? 'yes' : 'no'}</td>${cell(`steps.${s.index}.durationMs`, s.durationMs, ms)}` +
      `${cell(`steps.${s.index}.metrics.sizeBytes`, s.metrics?.sizeBytes, kb)}${cell(`steps.${s.index}.metrics.accuracy`, s.metrics?.accuracy, pct)}` +
      `<td><code>${escapeHtml(JSON.stringify(s.options))}</code></td></tr>`,
  );
  return `<table id="steps"><thead><tr><th>#</th><th>pass</th><th>changed</th><th>cached</th><th>time</th><th>size</th><th>accuracy</th><th>options</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function sizeAccuracyPlot(r: PipelineReport): string {
  const pts: Point[] = [];
  const before = r.metrics.before;
  const y = (m: EvalMetrics | undefined) => m?.accuracy ?? m?.agreement;
  if (before && y(before) !== undefined) pts.push({ label: 'input', x: before.sizeBytes, y: y(before)! });
  for (const s of r.steps)
    if (s.metrics && y(s.metrics) !== undefined)
      pts.push({ label: `${s.index + 1}. ${s.pass}`, x: s.metrics.sizeBytes, y: y(s.metrics)! });
  if (pts.length === 0) return '<p>No evaluation data: declare data.evaluation to plot accuracy.</p>';
  const yLabel = before?.accuracy !== undefined ? 'top-1 accuracy' : 'agreement with input';
  return lineScatter('plot-size-accuracy', pts, 'model size', yLabel, kb, pct);
}

/** Per-layer plots from pass stats: `stats.layers: [{ name, sparsity?, quantError? }]`. */
function layerPlots(r: PipelineReport): string {
  const out: string[] = [];
  for (const s of r.steps) {
    const layers = Array.isArray(s.stats.layers) ? (s.stats.layers as unknown[]) : [];
    const rows = layers.filter(
      (l): l is { name: string; sparsity?: number; quantError?: number } =>
        l !== null && typeof l === 'object' && typeof (l as { name?: unknown }).name === 'string',
    );
    const sparsity = rows
      .filter((l) => typeof l.sparsity === 'number')
      .map((l) => ({ label: l.name, value: l.sparsity! }));
    const qerr = rows
      .filter((l) => typeof l.quantError === 'number')
      .map((l) => ({ label: l.name, value: l.quantError! }));
    if (sparsity.length)
      out.push(
        `<h3>Per-layer sparsity after ${escapeHtml(s.pass)}</h3>${barChart(`plot-sparsity-${s.index}`, sparsity, pct, 1)}`,
      );
    if (qerr.length)
      out.push(
        `<h3>Per-layer quantization error after ${escapeHtml(s.pass)}</h3>${barChart(`plot-qerror-${s.index}`, qerr, num)}`,
      );
  }
  return out.length ? out.join('') : '<p>No pass reported per-layer statistics.</p>';
}

function gatesList(r: PipelineReport): string {
  if (r.gates.length === 0) return '<p>No gates.</p>';
  return `<ul id="gates">${r.gates
    .map(
      (g) =>
        `<li class="${g.passed ? 'pass' : 'fail'}">${g.passed ? '✔' : '✘'} <code>${escapeHtml(g.metric)}</code> ${escapeHtml(g.reason ?? 'passed')}</li>`,
    )
    .join('')}</ul>`;
}

/** The report's style sheet (the sweep report extends it). */
export const REPORT_CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:960px;color:#1d2430;padding:0 1em}
h1{font-size:1.5em}h2{margin-top:1.6em;border-bottom:1px solid #dde;padding-bottom:.2em}
table{border-collapse:collapse;margin:.5em 0;max-width:100%}td code{word-break:break-all}#steps td:last-child{max-width:22em}td,th{padding:.25em .7em;border-bottom:1px solid #eef;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}.na{color:#999}
.status{display:inline-block;padding:.1em .6em;border-radius:1em;color:#fff}.ok{background:#2a8a4a}.gate-failed{background:#b23}
li.pass{color:#2a8a4a}li.fail{color:#b23}svg{background:#fafbfd;border:1px solid #eef;margin:.5em 0}
.axis{stroke:#889}.tick{font-size:11px;fill:#556}.label{font-size:12px;fill:#334}.line{fill:none;stroke:#7aa0d8;stroke-width:2}
.point circle{fill:#2d5fb0}.pl{font-size:11px;fill:#223}.bar rect{fill:#4c7fd0}code{font-size:.92em}`;

export function renderReportHtml(r: PipelineReport): string {
  const env = r.environment;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>enxuto report</title><style>${REPORT_CSS}</style></head><body>
<h1>enxuto report <span class="status ${r.status}" id="status">${r.status}</span></h1>
<p>Input <code>${escapeHtml(r.input.path)}</code> (${escapeHtml(r.input.format)}, <span data-metric="input.bytes" data-value="${r.input.bytes}">${escapeHtml(kb(r.input.bytes))}</span>), seed ${r.pipeline.seed}, ${escapeHtml(ms(r.durationMs))} in total.</p>
<h2>Before and after</h2>${metricsTable(r)}
<h2>Size vs accuracy, step by step</h2>${sizeAccuracyPlot(r)}
<h2>Steps</h2>${stepsTable(r)}
<h2>Per-layer statistics</h2>${layerPlots(r)}
<h2>Gates</h2>${gatesList(r)}
<h2>Outputs</h2>${r.outputs.length ? `<ul>${r.outputs.map((o) => `<li><code>${escapeHtml(o.path)}</code> ${escapeHtml(o.format)}, ${escapeHtml(kb(o.bytes))}</li>`).join('')}</ul>` : '<p>Nothing written.</p>'}
<h2>Environment</h2><p>enxuto ${escapeHtml(env.enxuto)}, Node ${escapeHtml(env.node)}, ${escapeHtml(env.platform)}/${escapeHtml(env.arch)}, ${env.cpus} CPUs, runtime ${escapeHtml(env.runtime)}.</p>
<h2>Plugins</h2>${r.plugins.length ? `<ul id="plugins">${r.plugins.map((p) => `<li><code>${escapeHtml(p.name)}</code> ${escapeHtml(p.version)} <small>${escapeHtml(p.path)}</small></li>`).join('')}</ul>` : '<p>None.</p>'}
</body></html>
`;
}
