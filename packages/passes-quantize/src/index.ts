// @enxuto/passes-quantize: int8 static/dynamic, weight-only int8/int4, float16, cross-layer
// equalization, bias correction and accuracy-aware mixed precision. Browser-safe.
import type { PassDefinition } from '@enxuto/pass';
import { biasCorrectionPass } from './passes/bias-correction.js';
import { quantizeAwqPass } from './passes/quantize-awq.js';
import { quantizeGptqPass } from './passes/quantize-gptq.js';
import { convertFloat16Pass } from './passes/convert-float16.js';
import { equalizeCrossLayerPass } from './passes/equalize-cross-layer.js';
import { quantizeAutoPass } from './passes/quantize-auto.js';
import { quantizeDynamicPass } from './passes/quantize-dynamic.js';
import { quantizeStaticPass } from './passes/quantize-static.js';
import { quantizeAwareTrainingPass } from './passes/quantize-aware-training.js';
import { quantizeWeightsPass } from './passes/quantize-weights.js';

export {
  quantizeStaticPass,
  quantizeAwareTrainingPass,
  quantizeDynamicPass,
  quantizeWeightsPass,
  quantizeGptqPass,
  quantizeAwqPass,
  convertFloat16Pass,
  equalizeCrossLayerPass,
  biasCorrectionPass,
  quantizeAutoPass,
};

/** Every pass of this package: what the built-in registry lists. */
export const passes: readonly PassDefinition[] = [
  quantizeStaticPass,
  quantizeAwareTrainingPass,
  quantizeDynamicPass,
  quantizeWeightsPass,
  quantizeGptqPass,
  quantizeAwqPass,
  convertFloat16Pass,
  equalizeCrossLayerPass,
  biasCorrectionPass,
  quantizeAutoPass,
];

// Plain-function API (what the passes run), for scripts and tests.
export {
  quantizeStatic,
  calibrateRanges,
  staticOptionsSchema,
  type StaticOptions,
  type StaticResult,
} from './passes/quantize-static.js';
export {
  quantizeAwareTraining,
  qatOptionsSchema,
  type QatOptions,
  type QatResult,
} from './passes/quantize-aware-training.js';
export { toFakeQuant, restoreQuantized, type FakeQuantWeight, type GridOf } from './graph/fake-quant.js';
export { quantizeDynamic, dynamicOptionsSchema, type DynamicOptions } from './passes/quantize-dynamic.js';
export {
  quantizeWeights,
  weightsOptionsSchema,
  type WeightsOptions,
} from './passes/quantize-weights.js';
export { toFloat16, float16OptionsSchema, type Float16Options } from './passes/convert-float16.js';
export { equalizeModel, equalizeOptionsSchema } from './passes/equalize-cross-layer.js';
export { biasCorrectModel, biasCorrectionOptionsSchema } from './passes/bias-correction.js';
export {
  quantizeCalibrated,
  gptqOptionsSchema,
  awqOptionsSchema,
  type GptqPassOptions,
  type AwqPassOptions,
  type CalibratedResult,
} from './calibrate/calibrated.js';
export { quantizeLayerwise, stagesOf, type LayerwiseOptions, type LayerwiseLayer } from './calibrate/layerwise.js';
export { calibrationBatches, tokenBatches, readsTokens } from './calibrate/token-batches.js';
export {
  quantizeAuto,
  autoOptionsSchema,
  type AutoOptions,
  type AutoResult,
  type LayerDecision,
} from './passes/quantize-auto.js';
export { datasetBatches, dataInput, batchSizeFor, type SampleSource } from './calibrate/batches.js';
export { collectHistograms, activationNames } from './calibrate/collect.js';
export { evaluateModel, evaluateSession, outputMse, type EvalResult } from './calibrate/evaluate.js';
export type { CalibrationBatch } from './calibrate/session.js';

// Graph rewrites.
export {
  prepareForQuantization,
  prepareFloat,
  foldConstantReshapes,
  foldConvBiasAdds,
  foldMatMulAddToGemm,
  detachInitializerInputs,
} from './graph/prepare.js';
export { insertQdq, type QdqReport, type LayerReport } from './graph/insert-qdq.js';
export { DEFAULT_QDQ_OPTIONS, PASS_THROUGH_OPS, type QdqOptions } from './graph/qdq-rules.js';
export { qdqToQOperator } from './graph/to-qoperator.js';
export { insertDynamic } from './graph/dynamic.js';
export { quantizeWeightsOnly } from './graph/weight-only.js';
export { findWeightNodes, weightMatrix, type WeightNode } from './graph/weight-nodes.js';
export { rewriteAsNBits } from './graph/nbits-nodes.js';
export type { StreamingHooks, TensorStore } from './graph/helpers.js';
export { quantizeBnb4, type Bnb4Options } from './graph/bnb4-nodes.js';
export { packBnb4, NF4, FP4 } from './kernels/bnb4.js';
export { convertFloat16 } from './graph/float16.js';
export { equalizeCrossLayer } from './graph/equalize.js';
export { correctBiases, correctableLayers } from './graph/bias-correction.js';
export { compactNames } from './graph/compact.js';

// Numeric kernels.
export { finiteRange, finiteRangePerAxis, axisLayout, type Range } from './kernels/range.js';
export {
  quantRange,
  scaleZeroPoint,
  scaleZeroPoints,
  perAxisParams,
  roundHalfEven,
  safeScale,
  SCALE_LIMITS,
  type QuantType,
  type QuantSpec,
  type ScaleType,
} from './kernels/params.js';
export { quantizePerTensor, quantizePerAxis, quantizeBlockwise } from './kernels/quantize.js';
export { blockwiseParams, blockRanges } from './kernels/blockwise.js';
export { packNBits, containerBits, type NBitsPacked } from './kernels/nbits.js';
export {
  quantizeGroupwise,
  dequantizeGroupwise,
  gridParams,
  DEFAULT_GRID,
  type GridSpec,
  type GroupQuantized,
} from './kernels/nbits-grid.js';
export { gptqQuantize, relativeOutputError, DEFAULT_GPTQ, type GptqOptions, type GptqResult } from './kernels/gptq.js';
export { awqScales, type AwqResult, type AwqWeight } from './kernels/awq.js';
export { InputStats } from './kernels/input-stats.js';
export { upperCholeskyOfInverse, choleskyLower } from './kernels/cholesky.js';
export { Histogram } from './kernels/histogram.js';
export {
  rangeFromHistogram,
  entropyThreshold,
  mseThreshold,
  absPercentile,
  type CalibrationMethod,
} from './kernels/calibrate-methods.js';
