// quantize-auto: accuracy-aware mixed precision. Each candidate layer's sensitivity is the output
// error (MSE against the float model on calibration data) when only that layer is quantized; then
// everything is quantized and, while the accuracy gate fails, the most sensitive layer still in
// int8 goes back to float. With `sensitivity` (a quantize sensitivity sweep's sensitivity.json)
// the ranking is each layer's accuracy drop from the file instead, and layers that alone cost
// more than the allowed drop start in float: nothing is measured layer by layer.
import { checkModel, cloneModel, ConfigError, eliminateDeadCode, type Model } from '@enxuto/ir';
import {
  definePass,
  loadSensitivity,
  parseSensitivity,
  sensitivityLayer,
  sensitivityOption,
  type InferenceBackend,
} from '@enxuto/pass';
import { z } from 'zod';
import { datasetBatches } from '../calibrate/batches.js';
import { backendOf, latencyStats } from '../calibrate/context.js';
import type { CalibrationBatch } from '../calibrate/session.js';
import { evaluateModel, outputMse } from '../calibrate/evaluate.js';
import { compactNames } from '../graph/compact.js';
import { insertQdq } from '../graph/insert-qdq.js';
import { prepareForQuantization } from '../graph/prepare.js';
import { qdqToQOperator } from '../graph/to-qoperator.js';
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
  sensitivity: sensitivityOption,
});
export type AutoOptions = z.output<typeof autoOptionsSchema>;

export interface LayerDecision {
  node: string;
  output: string;
  opType: string;
  /**
   * Output MSE when only this layer is int8, relative to the float output variance; with a
   * sensitivity file, the accuracy (or agreement) drop it recorded (Infinity: its trial failed).
   */
  sensitivity: number;
  precision: 'int8' | 'float32';
}

export interface AutoResult {
  model: Model;
  layers: LayerDecision[];
  floatAccuracy?: number;
  accuracy?: number;
  relativeError: number;
  /** Where the layer ranking came from. */
  sensitivitySource: 'measured' | 'file';
}

type Candidate = { node: string; output: string; opType: string };

/** Layer sensitivities from a sensitivity file: every candidate must be in it. */
function sensitivitiesFromFile(value: NonNullable<AutoOptions['sensitivity']>, layers: readonly Candidate[]): number[] {
  if (typeof value === 'string') {
    throw new ConfigError(
      'quantizeAuto takes the sensitivity file contents; a path is read by the pass (ctx.readFile)',
      {
        code: 'pass/no-file-access',
        file: value,
        field: 'sensitivity',
      },
    );
  }
  const file = parseSensitivity(value, 'quantize');
  return layers.map((l) => {
    const entry = sensitivityLayer(file, [l.node, l.output]);
    if (!entry) {
      throw new ConfigError(`layer ${l.node || l.output} is not in the sensitivity file`, {
        code: 'sensitivity/layer-missing',
        ...(typeof value === 'string' ? { file: value } : {}),
        node: l.node,
        field: 'sensitivity',
      });
    }
    const drop = entry.results.find((r) => r.precision === 'int8')?.drop;
    return drop === null || drop === undefined ? Infinity : drop;
  });
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
  backend: InferenceBackend,
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
    else eliminateDeadCode(m);
    return { model: m, layers: r.layers };
  };
  const all = build([]).layers;
  const names = all.map((l) => l.output);
  const sensData = [...calibration()];
  const ref = await evaluateModel(base, backend, sensData);
  const scale = variance(ref.outputs);
  const fromFile = o.sensitivity !== undefined ? sensitivitiesFromFile(o.sensitivity, all) : undefined;
  const layers: LayerDecision[] = [];
  for (let i = 0; i < all.length; i++) {
    let sensitivity = fromFile?.[i];
    if (sensitivity === undefined) {
      onProgress?.(i, all.length, 'layer sensitivity');
      const only = build(names.filter((n) => n !== names[i]));
      const r = await evaluateModel(only.model, backend, sensData);
      sensitivity = outputMse(ref.outputs, r.outputs) / scale;
    }
    const { node, output, opType } = all[i]!;
    layers.push({ node, output, opType, sensitivity, precision: 'int8' });
  }
  const evalData = evaluation ? [...evaluation()].slice(0) : undefined;
  const labelled = !!evalData && evalData.every((b) => b.labels);
  const floatAcc = labelled ? (await evaluateModel(base, backend, evalData!)).accuracy : undefined;
  const bySensitivity = [...layers].sort((a, b) => b.sensitivity - a.sensitivity);
  // A layer whose recorded drop alone exceeds the allowed drop starts in float.
  const excluded: string[] = fromFile
    ? bySensitivity.filter((l) => l.sensitivity > o.maxAccuracyDrop).map((l) => l.output)
    : [];
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
        sensitivitySource: fromFile ? 'file' : 'measured',
        ...(floatAcc !== undefined ? { floatAccuracy: floatAcc } : {}),
        ...(accuracy !== undefined ? { accuracy } : {}),
      };
    }
    excluded.push(bySensitivity[excluded.length]!.output);
  }
}

export const quantizeAutoPass = definePass({
  name: 'quantize-auto',
  summary:
    'accuracy-aware mixed precision: int8 wherever the accuracy gate holds, the most sensitive layers stay float',
  options: autoOptionsSchema,
  needs: ['data', 'runtime'],
  inPlace: false,
  async run(model, options, ctx) {
    const calib = ctx.dataset('calibration');
    const evalData = ctx.data.evaluation;
    // A sensitivity path is read through the context (confined, protected, in the cache key).
    const sensitivity =
      options.sensitivity === undefined ? undefined : await loadSensitivity(options.sensitivity, 'quantize', ctx);
    const r = await quantizeAuto(
      model,
      backendOf(ctx),
      () => datasetBatches(model, calib, { batchSize: options.batchSize, limit: options.calibrationSamples }),
      evalData
        ? () => datasetBatches(model, evalData, { batchSize: options.batchSize, limit: options.evaluationSamples })
        : undefined,
      { ...options, sensitivity },
      (done, total, what) => {
        ctx.progress.update(done, total, what);
        ctx.throwIfAborted();
      },
    );
    const latency = options.latencyCheck ? await latencyStats(ctx, model, r.model, calib) : {};
    return {
      model: r.model,
      changed: r.layers.some((l) => l.precision === 'int8'),
      stats: {
        layers: r.layers.map((l) => ({
          name: l.node,
          opType: l.opType,
          sensitivity: l.sensitivity,
          precision: l.precision,
        })),
        ...(r.floatAccuracy !== undefined ? { floatAccuracy: r.floatAccuracy } : {}),
        ...(r.accuracy !== undefined ? { accuracy: r.accuracy } : {}),
        relativeOutputError: r.relativeError,
        sensitivitySource: r.sensitivitySource,
        ...latency,
      },
    };
  },
});
