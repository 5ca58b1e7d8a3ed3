// @enxuto/passes-graph: graph clean-up passes, written with the same definePass API plugins use.
// The rewrites themselves live in @enxuto/transforms (format writers use them too).
import type { PassDefinition } from '@enxuto/pipeline';
import { eliminateDeadCode } from './eliminate-dead-code.js';
import { eliminateIdentity } from './eliminate-identity.js';
import { foldBatchnorm } from './fold-batchnorm.js';
import { foldConstants } from './fold-constants.js';

export { eliminateDeadCode, eliminateIdentity, foldBatchnorm, foldConstants };
export { batchNormScaleShift, evaluateOp, FOLDABLE_OPS, foldBias, scaleAlongAxis } from '@enxuto/transforms';

/** Every pass of this package, for a registry. */
export const graphPasses: readonly PassDefinition[] = [
  foldBatchnorm,
  foldConstants,
  eliminateDeadCode,
  eliminateIdentity,
];
