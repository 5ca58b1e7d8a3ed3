// report.html of a sweep: one self-contained page (inline CSS and SVG, no scripts, a CSP that
// forbids fetching anything) with the Pareto front of size x quality, latency x quality of the
// measured candidates, and a table of every trial. Numbers carry exact values in data attributes.
import { escapeHtml, REPORT_CSS, scatterPlot, type EvalMetrics, type ScatterPoint } from '@enxuto/pipeline';
import { formatDuration } from './duration.js';
import { quality } from './objective.js';
import { formatMetric } from './progress.js';
import type { SweepResults } from './results.js';
import { settingsLabel, type TrialRecord } from './trial.js';

const kb = (v: number) => (v >= 1e6 ? `${(v / 1e6).toFixed(2)} MB` : `${(v / 1e3).toFixed(1)} kB`);
const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
const ms = (v: number) => `${v.toFixed(3)} ms`;

function qualityLabel(r: SweepResults): string {
  return r.trials.some((t) => t.metrics?.after?.accuracy !== undefined) ? 'top-1 accuracy' : 'agreement with input';
}

function points(r: SweepResults, x: (m: EvalMetrics) => number | undefined): ScatterPoint[] {
  const front = new Set(r.pareto);
  return r.trials.flatMap((t) => {
    const m = t.metrics?.after;
    const xv = m ? x(m) : undefined;
    const yv = quality(m);
    if (xv === undefined || yv === undefined) return [];
    const cls = [t.status, front.has(t.id) ? 'front' : '', r.best?.id === t.id ? 'best' : ''].filter(Boolean).join(' ');
    return [{ id: t.id, label: `${t.id} ${settingsLabel(t.settings)}`, x: xv, y: yv, cls }];
  });
}

function sizePlot(r: SweepResults): string {
  const pts = points(r, (m) => m.sizeBytes);
  if (pts.length === 0) return '<p>No trial measured size and quality (declare data.evaluation to plot accuracy).</p>';
  const front = r.pareto.map((id) => pts.find((p) => p.id === id)).filter((p): p is ScatterPoint => p !== undefined);
  return scatterPlot('plot-pareto', pts, front, 'model size', qualityLabel(r), kb, pct);
}

function latencyPlot(r: SweepResults): string {
  const pts = points(r, (m) => m.latencyP50Ms);
  if (pts.length === 0) return '<p>No latency measured.</p>';
  const sorted = [...pts].sort((a, b) => a.x - b.x);
  const front: ScatterPoint[] = [];
  for (const p of sorted) if (p.y > (front.at(-1)?.y ?? Number.NEGATIVE_INFINITY)) front.push(p);
  return scatterPlot('plot-latency', pts, front, 'latency p50, batch 1', qualityLabel(r), ms, pct);
}

function cell(field: string, v: number | undefined, fmt: (v: number) => string): string {
  if (v === undefined || !Number.isFinite(v)) return '<td class="na">–</td>';
  return `<td class="num" data-field="${field}" data-value="${v}">${escapeHtml(fmt(v))}</td>`;
}

function row(r: SweepResults, t: TrialRecord): string {
  const a = t.metrics?.after;
  const why =
    t.error?.message ??
    (t.gates ?? [])
      .filter((g) => !g.passed)
      .map((g) => g.reason ?? g.metric)
      .join('; ');
  const flags = [r.pareto.includes(t.id) ? 'Pareto' : '', r.best?.id === t.id ? 'best' : ''].filter(Boolean).join(', ');
  return (
    `<tr data-id="${escapeHtml(t.id)}" class="${escapeHtml(t.status)}${r.best?.id === t.id ? ' best' : ''}"><td>${t.index + 1}</td><td><code>${escapeHtml(t.id)}</code></td>` +
    `<td><code>${escapeHtml(settingsLabel(t.settings))}</code></td><td class="status-${escapeHtml(t.status)}">${escapeHtml(t.status)}${why ? ` <small>${escapeHtml(why)}</small>` : ''}</td>` +
    `${cell('sizeBytes', a?.sizeBytes, kb)}${cell('accuracy', a?.accuracy, pct)}${cell('agreement', a?.agreement, pct)}${cell('latencyP50Ms', a?.latencyP50Ms, ms)}` +
    `${cell('seconds', t.seconds, (v) => `${v.toFixed(1)} s`)}<td>${escapeHtml(t.worker)}${t.attempts > 1 ? ` <small>(attempt ${t.attempts})</small>` : ''}</td><td>${flags}</td></tr>`
  );
}

const CSS = `${REPORT_CSS}
.point.passed circle{fill:#2d5fb0}.point.gate-failed circle,.point.error circle,.point.timeout circle{fill:#c9cdd6}
.point.front circle{stroke:#173a70;stroke-width:2}.point.best circle{fill:#2a8a4a;r:7}
.status-passed{color:#2a8a4a}.status-gate-failed,.status-error,.status-timeout{color:#b23}tr.best td{background:#eef8f0}`;

export function renderSweepHtml(r: SweepResults): string {
  const o = r.sweep.objective;
  const best = r.best ? r.trials.find((t) => t.id === r.best!.id) : undefined;
  const bv = best?.metrics?.after?.[o.metric as keyof EvalMetrics];
  const passed = r.trials.filter((t) => t.status === 'passed').length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>enxuto sweep</title><style>${CSS}</style></head><body>
<h1>enxuto sweep <span class="status ${passed > 0 ? 'ok' : 'gate-failed'}" id="status">${escapeHtml(r.sweep.status)}</span></h1>
<p>Base pipeline <code>${escapeHtml(r.sweep.pipeline)}</code>; ${r.trials.length} of ${r.sweep.planned} trials recorded, <span id="passed" data-value="${passed}">${passed}</span> passed their gates; ${escapeHtml(r.sweep.engine)}; ${escapeHtml(formatDuration(r.durationSeconds))}.</p>
<p>Objective: ${o.direction === 'min' ? 'minimize' : 'maximize'} <code>${escapeHtml(o.metric)}</code>.
${best ? `Best: <code id="best">${escapeHtml(best.id)}</code> <code>${escapeHtml(settingsLabel(best.settings))}</code>${typeof bv === 'number' ? `, ${escapeHtml(o.metric)} <span data-field="best.${escapeHtml(o.metric)}" data-value="${bv}">${escapeHtml(formatMetric(o.metric, bv))}</span>` : ''}.` : '<strong id="best">No trial passed its gates.</strong>'}</p>
<h2>Size vs quality (the Pareto front joined)</h2>${sizePlot(r)}
<h2>Latency vs quality (measured after the sweep, one model at a time)</h2>${latencyPlot(r)}
${r.input.latencyP50Ms !== undefined ? `<p>Input model: <span data-field="input.latencyP50Ms" data-value="${r.input.latencyP50Ms}">${escapeHtml(ms(r.input.latencyP50Ms))}</span>.</p>` : ''}
<h2>Trials</h2>
<table id="trials"><thead><tr><th>#</th><th>id</th><th>settings</th><th>status</th><th>size</th><th>accuracy</th><th>agreement</th><th>latency p50</th><th>time</th><th>worker</th><th></th></tr></thead>
<tbody>${r.trials.map((t) => row(r, t)).join('')}</tbody></table>
</body></html>
`;
}
