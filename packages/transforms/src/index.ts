// @enxuto/transforms: pure graph rewrites on the IR (no passes, no I/O). The graph passes wrap
// them; the format writers canonicalize with them. Dead-code elimination and constOf live in
// @enxuto/ir, as every pass needs them.
export { canonicalize, type CanonicalizeOptions, type CanonicalizeStats } from './canonicalize.js';
export { eliminateIdentity, type EliminateIdentityOptions } from './eliminate-identity.js';
export { foldBatchNorm } from './fold-batchnorm.js';
export { foldPadIntoConv } from './fold-pad-into-conv.js';
export { removeNoopLayout, type RemoveNoopLayoutStats } from './remove-noop-layout.js';
export {
  detachInitializerInputs,
  prepareForQuantization,
  type PrepareOptions,
  type PrepareStats,
} from './prepare-for-quantization.js';
export { foldAffine, type FoldAffineOptions, type FoldAffineStats } from './fold-affine/fold-affine.js';
export {
  foldConstants,
  MAX_FOLDED_ELEMENTS,
  type FoldConstantsOptions,
  type FoldConstantsStats,
} from './fold-constants.js';
export { inferShapes, pinInputDims } from './infer-shapes.js';
export { bypassNode, setConstInput } from './graph-utils.js';
export { batchNormScaleShift, foldBias, scaleAlongAxis, type BatchNormParams } from './kernels/batchnorm.js';
export { broadcastIndex, broadcastShape } from './kernels/broadcast.js';
export { evaluateOp, FOLDABLE_OPS } from './kernels/evaluate-op.js';
export { concat, gather, slice } from './kernels/gather-concat-slice.js';
export { MAX_UNROLLED_STEPS, unrollLstm } from './unroll-lstm.js';
export { upgradeOpset, type UpgradeOpsetStats } from './upgrade-opset/upgrade-opset.js';
export { NEWEST_OPSET, OLDEST_OPSET } from './upgrade-opset/op-changes.js';
export { lstmGateWeights, LSTM_GATES, type GateWeights } from './kernels/lstm-weights.js';
export {
  dequantizeForFloatRuntime,
  hasQdqNodes,
  type DequantizeForFloatRuntimeStats,
} from './dequantize-for-float-runtime.js';
export { findInt32Overflow, INT32_MAX, int32Overflow, type Int32Overflow } from './int32-dims.js';
