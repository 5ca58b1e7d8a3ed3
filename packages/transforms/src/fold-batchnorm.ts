// BatchNormalization folding: Conv/Gemm followed by an inference-mode BatchNormalization becomes
// the Conv/Gemm alone, with the normalisation folded into its weight and bias (foldAffine limited
// to BatchNormalization).
import type { Model } from '@enxuto/ir';
import { foldAffine } from './fold-affine/fold-affine.js';

/** Folds every foldable BatchNormalization in place. */
export function foldBatchNorm(model: Model): { folded: number; removedInitializers: number } {
  const stats = foldAffine(model, { ops: ['BatchNormalization'], layers: ['Conv', 'ConvTranspose', 'Gemm'] });
  return { folded: stats.folded.BatchNormalization ?? 0, removedInitializers: stats.removedInitializers };
}
