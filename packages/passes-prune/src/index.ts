// @enxuto/passes-prune: unstructured (magnitude, OBD), N:M and structured channel pruning, with
// gradual schedules and fine-tuning through @enxuto/train. Browser-safe.
import type { PassDefinition } from '@enxuto/pass';
import { pruneChannels } from './passes/prune-channels.js';
import { pruneMagnitude } from './passes/prune-magnitude.js';
import { pruneNm } from './passes/prune-nm.js';
import { pruneObd } from './passes/prune-obd.js';
import { storeSparse } from './passes/store-sparse.js';

export { pruneChannels, pruneMagnitude, pruneNm, pruneObd, storeSparse };
export { pruneChannelsOptions, chooseChannels, type PruneChannelsOptions } from './passes/prune-channels.js';
export { pruneMagnitudeOptions } from './passes/prune-magnitude.js';
export { pruneNmOptions } from './passes/prune-nm.js';
export { pruneObdOptions } from './passes/prune-obd.js';
export { storeSparseOptions } from './passes/store-sparse.js';
export { runUnstructured, scheduleSchema, type ScoreFn, type UnstructuredOptions } from './unstructured.js';
export {
  selectMasks,
  selectionSchema,
  planSparsity,
  type SelectionOptions,
  type SparsityPlan,
  type EdgeDecision,
} from './selection.js';
export {
  applyMask,
  countNonZero,
  globalMasks,
  layerMask,
  magnitudeScores,
  maskLowest,
  prunedCount,
  sortedOrder,
  type GlobalLayer,
} from './kernels/masks.js';
export { nmMask, satisfiesNm } from './kernels/nm.js';
export { obdSaliency } from './kernels/obd.js';
export { polynomialSparsity, polynomialSteps, type PolynomialSchedule } from './kernels/schedule.js';
export { channelNorms, channelSums, keepHighest, sliceAxis } from './kernels/channel-scores.js';
export { sparseBytes, toSparseIfSmaller } from './kernels/sparse.js';
export {
  findPrunableLayers,
  matchesPattern,
  PRUNABLE_OPS,
  type PrunableLayer,
  type PrunableOp,
} from './graph/layers.js';
export {
  applyLayerMask,
  layerSparsity,
  sparsityTotals,
  type LayerSparsity,
  type SparsityTotals,
} from './graph/apply-masks.js';
export { analyzeChannels, type ChannelAnalysis } from './graph/channel-analysis.js';
export { rewriteChannels, keptIndices } from './graph/channel-rewrite.js';
export { countFlops, type FlopCount } from './graph/flops.js';
export { fisherDiagonal, type FisherEstimator, type HessianOptions } from './training/hessian.js';
export {
  finetune,
  finetuneSchema,
  distillSchema,
  type FinetuneOptions,
  type DistillOptions,
} from './training/finetune.js';

/** Every pass of this package: what the built-in registry lists. */
export const passes: readonly PassDefinition[] = [pruneMagnitude, pruneNm, pruneObd, pruneChannels, storeSparse];
