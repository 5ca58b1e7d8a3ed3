// @enxuto/passes-distill: knowledge distillation and fine-tuning passes on the TF.js training runtime.
export { kdLoss, softTargetKl, hardCrossEntropy, type KdLossOptions } from './kd-loss.js';
export { createAdapter, adapt, featureLoss, type FeatureAdapter, type FeaturePair } from './feature-adapter.js';
export { imageLayoutOf, jitterBatch, shiftImage, type ImageLayout } from './jitter.js';
export {
  distillTrain,
  evaluateStudent,
  type DistillTrainOptions,
  type DistillTrainResult,
  type DistillEpoch,
} from './distill-train.js';
export { initWeights, type InitKind } from './init.js';
export { mlpModel, type MlpSpec } from './mlp.js';
export { shrinkWidths, type ShrinkOptions, type ShrinkResult, type ShrunkLayer } from './shrink-widths.js';
export { zeroMasks } from './masks.js';
export { createDistillPass, distill, distillOptions, type DistillOptions, type ModelLoader } from './distill-pass.js';
export { finetune, finetuneOptions, type FinetuneOptions } from './finetune-pass.js';

import type { PassDefinition } from '@enxuto/pipeline';
import { distill } from './distill-pass.js';
import { finetune } from './finetune-pass.js';
/** Every pass of this package, for a registry (browser-safe: `distill` reads no model files). */
export const distillPasses: readonly PassDefinition[] = [distill, finetune];
