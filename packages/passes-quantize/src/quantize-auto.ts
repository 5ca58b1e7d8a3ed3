// quantize-auto: accuracy-aware mixed precision. Each candidate layer's sensitivity is the output
// error (MSE against the float model on calibration data) when only that layer is quantized; then
// everything is quantized and, while the accuracy gate fails, the most sensitive layer still in
// int8 goes back to float.
import { checkModel, cloneModel, type Model } from '@enxuto/ir';
import { z } from 'zod';
import type { CalibrationBatch, QuantBackend } from './calibrate/session.js';
import { evaluateModel, outputMse } from './calibrate/evaluate.js';
import { compactNames } from './graph/compact.js';
import { insertQdq } from './graph/insert-qdq.js';
import { prepareForQuantization } from './graph/prepare.js';
import { qdqToQOperator, removeDead } from './graph/to-qoperator.js';
import { calibrateRanges, staticOptionsSchema } from './quantize-static.js';

export const autoOptionsSchema = staticOptionsSchema.extend({
  maxAccuracyDrop: z
    .number()
    .min(0)
    .max(1)
    .default(0.005)
    .describe('largest top-1 accuracy drop (fraction, on the evaluation data) the quantized model may have'),
  maxOutputError: z
    .number()
    .min(0)
    .default(0.01)
    .describe('without labelled evaluation data: largest output MSE relative to the float output variance'),
  evaluationSamples: z.number().int().min(1).default(2000).describe('evaluation samples used by the gate'),
});
export type AutoOptions = z.output<typeof autoOptionsSchema>;

export interface LayerDecision {
  node: string;
  output: string;
  opType: string;
  /** Output MSE when only this layer is int8, relative to the float output variance. */
  sensitivity: number;
  precision: 'int8' | 'float32';
}

export interface AutoResult {
  model: Model;
  layers: LayerDecision[];
  floatAccuracy?: number;
  accuracy?: number;
  relativeError: number;
}

function variance(x: Float32Array): number {
  let m = 0;
  for (const v of x) m += v;
  m /= x.length || 1;
  let s = 0;
  for (const v of x) s += (v - m) ** 2;
  return s / (x.length || 1) || 1;
}

export async function quantizeAuto(
  model: Model,
  backend: QuantBackend,
  calibration: () => Iterable<CalibrationBatch>,
  evaluation: (() => Iterable<CalibrationBatch>) | undefined,
  options: Partial<AutoOptions> = {},
  onProgress?: (done: number, total: number, what: string) => void,
): Promise<AutoResult> {
  const o = autoOptionsSchema.parse(options);
  const base = cloneModel(model);
  prepareForQuantization(base);
  const ranges = await calibrateRanges(base, backend, calibration(), o);
  const build = (exclude: string[]): { model: Model; layers: { node: string; output: string; opType: string }[] } => {
    const m = cloneModel(base);
    const r = insertQdq(m, ranges, { ...o, exclude: [...o.exclude, ...exclude] });
    if (o.format === 'qoperator') qdqToQOperator(m);
    else removeDead(m.graph);
    return { model: m, layers: r.layers };
  };
  const all = build([]).layers;
  const names = all.map((l) => l.output);
  const sensData = [...calibration()];
  const ref = await evaluateModel(base, backend, sensData);
  const scale = variance(ref.outputs);
  const layers: LayerDecision[] = [];
  for (let i = 0; i < all.length; i++) {
    onProgress?.(i, all.length, 'layer sensitivity');
    const only = build(names.filter((n) => n !== names[i]));
    const r = await evaluateModel(only.model, backend, sensData);
    layers.push({
      node: all[i]!.node,
      output: all[i]!.output,
      opType: all[i]!.opType,
      sensitivity: outputMse(ref.outputs, r.outputs) / scale,
      precision: 'int8',
    });
  }
  const evalData = evaluation ? [...evaluation()].slice(0) : undefined;
  const labelled = !!evalData && evalData.every((b) => b.labels);
  const floatAcc = labelled ? (await evaluateModel(base, backend, evalData!)).accuracy : undefined;
  const bySensitivity = [...layers].sort((a, b) => b.sensitivity - a.sensitivity);
  const excluded: string[] = [];
  for (;;) {
    const candidate = build(excluded).model;
    let ok: boolean;
    let accuracy: number | undefined;
    let relativeError: number;
    if (labelled) {
      const r = await evaluateModel(candidate, backend, evalData!);
      accuracy = r.accuracy;
      relativeError = NaN;
      ok = floatAcc! - r.accuracy <= o.maxAccuracyDrop;
    } else {
      const r = await evaluateModel(candidate, backend, sensData);
      relativeError = outputMse(ref.outputs, r.outputs) / scale;
      ok = relativeError <= o.maxOutputError;
    }
    if (ok || excluded.length === bySensitivity.length) {
      for (const l of layers) l.precision = excluded.includes(l.output) ? 'float32' : 'int8';
      const final = excluded.length === bySensitivity.length ? cloneModel(base) : candidate;
      if (o.compactNames) compactNames(final, { unnamedOps: ['QuantizeLinear', 'DequantizeLinear'] });
      checkModel(final);
      const r = await evaluateModel(final, backend, sensData);
      return {
        model: final,
        layers,
        relativeError: outputMse(ref.outputs, r.outputs) / scale,
        ...(floatAcc !== undefined ? { floatAccuracy: floatAcc } : {}),
        ...(accuracy !== undefined ? { accuracy } : {}),
      };
    }
    excluded.push(bySensitivity[excluded.length]!.output);
  }
}
