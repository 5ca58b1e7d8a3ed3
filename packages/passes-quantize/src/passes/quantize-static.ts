// quantize-static as a plain function: prepare -> calibrate -> QDQ (-> QOperator).
import { checkModel, cloneModel, eliminateDeadCode, type Model, type Tensor, type Value } from '@enxuto/ir';
import { definePass, type InferenceBackend } from '@enxuto/pass';
import { z } from 'zod';
import { contextCalibration } from '../calibrate/batches.js';
import { backendOf, latencyStats, progressOf } from '../calibrate/context.js';
import { collectHistograms } from '../calibrate/collect.js';
import type { CalibrationBatch } from '../calibrate/session.js';
import { rangeFromHistogram } from '../kernels/calibrate-methods.js';
import type { Range } from '../kernels/range.js';
import { insertQdq, type QdqReport } from '../graph/insert-qdq.js';
import { prepareForQuantization, type PrepareReport } from '../graph/prepare.js';
import { qdqToQOperator } from '../graph/to-qoperator.js';
import { compactNames } from '../graph/compact.js';

export const staticOptionsSchema = z.strictObject({
  format: z
    .enum(['qdq', 'qoperator'])
    .default('qdq')
    .describe(
      'qdq: QuantizeLinear/DequantizeLinear around float ops, fused by onnxruntime into integer kernels; qoperator: QLinearConv/QLinearMatMul/QGemm directly',
    ),
  perChannel: z
    .boolean()
    .default(true)
    .describe(
      'one weight scale per output channel (Conv axis 0, MatMul/Gemm output columns) instead of one per tensor',
    ),
  weightType: z.enum(['int8', 'uint8']).default('int8').describe('integer type of the weights'),
  weightSymmetric: z.boolean().default(true).describe('symmetric weights: zero point 0, range [-127, 127]'),
  weightBits: z
    .number()
    .int()
    .min(2)
    .max(8)
    .default(8)
    .describe(
      'weight grid in bits, stored in `weightType` (4: codes -7..7 when symmetric), so onnxruntime and TFLite run it with their int8 kernels',
    ),
  activationType: z
    .enum(['uint8', 'int8'])
    .default('uint8')
    .describe('integer type of the activations (uint8 is the fast path of onnxruntime on x86)'),
  activationSymmetric: z
    .boolean()
    .default(false)
    .describe('symmetric activation ranges (zero point in the middle); disables folding Relu into the quantization'),
  calibration: z
    .enum(['minmax', 'percentile', 'entropy', 'mse'])
    .default('mse')
    .describe(
      'how activation ranges are chosen from the calibration histograms; mse (the clip range with the least squared rounding + clipping error) keeps rare outliers from stretching a range: on the zoo it beat minmax on BlazeFace and emotion and tied elsewhere',
    ),
  percentile: z
    .number()
    .gt(0)
    .max(100)
    .default(99.999)
    .describe("share of values kept inside the range by 'percentile' calibration"),
  calibrationSamples: z
    .number()
    .int()
    .min(1)
    .default(256)
    .describe('calibration samples taken from the calibration dataset'),
  batchSize: z
    .number()
    .int()
    .min(1)
    .max(4096)
    .default(32)
    .describe('calibration batch size (a model with a fixed batch dim uses that instead)'),
  histogramBins: z
    .number()
    .int()
    .min(64)
    .max(1 << 16)
    .multipleOf(2)
    .default(2048)
    .describe('bins of each activation histogram; entropy calibration needs many more bins than quantization levels'),
  ops: z
    .array(z.string())
    .default(['Conv', 'Gemm', 'MatMul'])
    .describe('compute ops whose weights and activations are quantized'),
  exclude: z.array(z.string()).default([]).describe('node names (or output names) kept in float'),
  minInputChannels: z
    .number()
    .int()
    .min(0)
    .default(4)
    .describe(
      'Convs (group 1) with fewer input channels stay in float: onnxruntime runs them faster in float (typically the first layer on 1-3 channel images)',
    ),
  minChannels: z
    .number()
    .int()
    .min(0)
    .default(16)
    .describe(
      "narrow Convs stay in float: depthwise ones on fewer channels and others with a smaller reduction depth (input channels x kernel area); onnxruntime's int8 kernels work on 16 channels at a time and run such layers slower than float",
    ),
  reduceRange: z
    .boolean()
    .default(false)
    .describe(
      "7-bit weights, as onnxruntime's reduce_range: for x86 CPUs without VNNI, whose u8s8 int8 kernels add pairs of products in saturating int16 (the full 8-bit range can overflow there and lose accuracy)",
    ),
  fuseRelu: z.boolean().default(true).describe('fold a Relu after Conv/Gemm/MatMul into the output quantization'),
  compactNames: z
    .boolean()
    .default(true)
    .describe(
      'rename internal values to short names and drop their optional types (graph inputs/outputs keep theirs): on small models names cost as much as int8 weights',
    ),
  latencyCheck: z
    .boolean()
    .default(true)
    .describe(
      'time the quantized model against its source on the pass runtime (a few runs on one calibration sample) and warn in the log and the report when it is slower; the model bytes never depend on it',
    ),
  quantizeOthers: z
    .boolean()
    .default(true)
    .describe(
      'also quantize Add/Mul/Concat/AveragePool/Sigmoid/LeakyRelu/HardSigmoid/HardSwish whose inputs are all quantized (integer kernels in onnxruntime)',
    ),
});

export type StaticOptions = z.output<typeof staticOptionsSchema>;

export interface StaticResult {
  model: Model;
  prepare: PrepareReport;
  qdq: QdqReport;
  ranges: Map<string, Range>;
  converted?: Record<string, number>;
}

/** Activation ranges from calibration histograms. */
export async function calibrateRanges(
  model: Model,
  backend: InferenceBackend,
  batches: Iterable<CalibrationBatch>,
  o: Pick<StaticOptions, 'calibration' | 'percentile' | 'histogramBins' | 'activationType' | 'activationSymmetric'>,
  extra: { onProgress?: (n: number) => void; signal?: AbortSignal } = {},
): Promise<Map<string, Range>> {
  const hists = await collectHistograms(model, backend, batches, { bins: o.histogramBins, ...extra });
  const ranges = new Map<string, Range>();
  for (const [name, h] of hists) {
    const positiveLevels = o.activationSymmetric ? 127 : 255;
    ranges.set(
      name,
      rangeFromHistogram(h, o.calibration, { percentile: o.percentile, levels: h.min >= 0 ? positiveLevels : 127 }),
    );
  }
  return ranges;
}

export async function quantizeStatic(
  model: Model,
  backend: InferenceBackend,
  batches: Iterable<CalibrationBatch>,
  options: Partial<StaticOptions> = {},
  extra: {
    onProgress?: (n: number) => void;
    signal?: AbortSignal;
    /** Told each quantized weight initializer and the float weight it rounds. */
    onWeight?: (quantized: Value, float: Tensor) => void;
  } = {},
): Promise<StaticResult> {
  const o = staticOptionsSchema.parse(options);
  const m = cloneModel(model);
  const prepare = prepareForQuantization(m);
  const ranges = await calibrateRanges(m, backend, batches, o, extra);
  const qdq = insertQdq(m, ranges, o, extra.onWeight);
  let converted: Record<string, number> | undefined;
  if (o.format === 'qoperator') converted = qdqToQOperator(m).converted;
  else eliminateDeadCode(m);
  if (o.compactNames) compactNames(m, { unnamedOps: ['QuantizeLinear', 'DequantizeLinear'] });
  checkModel(m);
  return { model: m, prepare, qdq, ranges, ...(converted ? { converted } : {}) };
}

export const quantizeStaticPass = definePass({
  name: 'quantize-static',
  summary:
    'int8 weights and activations from calibration data (QDQ or QOperator, per-channel, min-max/percentile/entropy/MSE)',
  options: staticOptionsSchema,
  needs: ['data', 'runtime'],
  inPlace: false,
  async run(model, options, ctx) {
    const { batches, total } = contextCalibration(model, ctx, options);
    const r = await quantizeStatic(model, backendOf(ctx), batches, options, progressOf(ctx, total, 'calibrating'));
    ctx.logger.info(
      `quantized ${r.qdq.layers.length} layers, ${r.qdq.activations} activations; ${r.qdq.reluFused} Relu folded`,
    );
    const latency = options.latencyCheck ? await latencyStats(ctx, model, r.model, ctx.dataset('calibration')) : {};
    return {
      model: r.model,
      changed: r.qdq.layers.length > 0,
      stats: {
        layers: r.qdq.layers.map((l) => ({
          name: l.node,
          opType: l.opType,
          quantError: l.weightMse,
          precision: 'int8',
        })),
        activations: r.qdq.activations,
        reluFused: r.qdq.reluFused,
        format: options.format,
        calibration: options.calibration,
        calibrationSamples: total,
        ...(r.converted ? { converted: r.converted } : {}),
        ...latency,
      },
    };
  },
});
