// The Compare card's two tables: each model's figures side by side, then B against A.
import type { ComparisonResult } from './compare-run.js';
import { table } from './dom.js';
import { formatBytes } from './memory.js';
import type { LoadedModel } from './model-source.js';

export function comparisonTables(ma: LoadedModel, mb: LoadedModel, r: ComparisonResult): HTMLElement[] {
  const {
    diff,
    latency: [la, lb],
    top1,
  } = r;
  const ratio = (x: number, y: number) => (y > 0 ? `${(x / y).toFixed(2)}×` : '–');
  return [
    table(
      ['', `A: ${ma.name}`, `B: ${mb.name}`],
      [
        ['precision', ma.precision ?? '–', mb.precision ?? '–'],
        ['size', formatBytes(ma.size), formatBytes(mb.size)],
        ['p50 latency', `${la.p50Ms.toFixed(2)} ms`, `${lb.p50Ms.toFixed(2)} ms`],
        ['p95 latency', `${la.p95Ms.toFixed(2)} ms`, `${lb.p95Ms.toFixed(2)} ms`],
        ['top-1 (first input)', String(top1[0] ?? '–'), String(top1[1] ?? '–')],
      ],
      'compare-models',
    ),
    table(
      ['B vs A', 'value'],
      [
        ['size ratio', ratio(mb.size, ma.size)],
        ['speed-up (p50)', ratio(la.p50Ms, lb.p50Ms)],
        ['top-1 agreement', `${(diff.top1Agreement * 100).toFixed(1)}% of ${diff.samples}`],
        ['max |Δ output|', diff.maxAbsDiff.toPrecision(3)],
        ['mean |Δ output|', diff.meanAbsDiff.toPrecision(3)],
        ['max |Δ probability|', diff.maxProbDiff.toPrecision(3)],
      ],
      'compare-diff',
    ),
  ];
}
