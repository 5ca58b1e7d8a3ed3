// @enxuto/passes-distill: knowledge distillation and fine-tuning passes on the TF.js training runtime.
export { createAdapter, adapt, featureLoss, type FeatureAdapter, type FeaturePair } from './feature-adapter.js';
export { imageLayoutOf, jitterBatch, shiftImage, type ImageLayout } from './kernels/jitter.js';
export {
  trainStudent,
  jitterTransform,
  type TrainStudentOptions,
  type TrainStudentResult,
} from './student-training.js';
export { initWeights, type InitKind } from './kernels/init.js';
export { mlpModel, type MlpSpec } from './graph/mlp.js';
export { shrinkWidths, type ShrinkOptions, type ShrinkResult, type ShrunkLayer } from './graph/shrink-widths.js';
export { zeroMasks } from './graph/masks.js';
export { distill, distillOptions, type DistillOptions } from './passes/distill.js';
export { finetune, finetuneOptions, type FinetuneOptions } from './passes/finetune.js';

import type { PassDefinition } from '@enxuto/pass';
import { distill } from './passes/distill.js';
import { finetune } from './passes/finetune.js';
/** Every pass of this package, for a registry (browser-safe: `distill` reads model files through its context). */
export const passes: readonly PassDefinition[] = [distill, finetune];
