// Model statistics used by `enxuto inspect`, reports and evaluation.
import type { DataType } from './dtype.js';
import type { Model } from './model.js';

/** Count of constant elements (weights) and of those that are non-zero. */
export function countParameters(model: Model): { total: number; nonZero: number } {
  let total = 0;
  let nonZero = 0;
  for (const g of model.allGraphs()) {
    for (const v of g.initializers()) {
      const t = v.const!;
      total += t.size;
      if (t.dtype === 'string') continue;
      const vals = t.values();
      for (let i = 0; i < vals.length; i++) if (vals[i] !== 0) nonZero++;
    }
  }
  return { total, nonZero };
}

/** Node count per op type (domain-qualified when not ai.onnx), including subgraphs and functions. */
export function opHistogram(model: Model): Record<string, number> {
  const h: Record<string, number> = {};
  for (const g of model.allGraphs()) {
    for (const n of g.nodes) {
      const k = n.domain && n.domain !== 'ai.onnx' ? `${n.domain}.${n.opType}` : n.opType;
      h[k] = (h[k] ?? 0) + 1;
    }
  }
  return Object.fromEntries(Object.entries(h).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

/** Bytes of constant data per element type. */
export function bytesPerDtype(model: Model): Partial<Record<DataType, number>> {
  const out: Partial<Record<DataType, number>> = {};
  for (const g of model.allGraphs()) {
    for (const v of g.initializers()) {
      const t = v.const!;
      out[t.dtype] = (out[t.dtype] ?? 0) + t.byteLength;
    }
  }
  return out;
}
