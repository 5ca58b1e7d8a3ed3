// @enxuto/passes-graph: graph clean-up passes, written with the same definePass API plugins use.
// The rewrites themselves live in @enxuto/transforms and @enxuto/ir (format writers use them too).
import type { PassDefinition } from '@enxuto/pass';
import { eliminateDeadCode } from './passes/eliminate-dead-code.js';
import { eliminateIdentity } from './passes/eliminate-identity.js';
import { foldBatchnorm } from './passes/fold-batchnorm.js';
import { foldConstants } from './passes/fold-constants.js';

export { eliminateDeadCode, eliminateIdentity, foldBatchnorm, foldConstants };
export { batchNormScaleShift, evaluateOp, FOLDABLE_OPS, foldBias, scaleAlongAxis } from '@enxuto/transforms';

/** Every pass of this package: what the built-in registry lists. */
export const passes: readonly PassDefinition[] = [foldBatchnorm, foldConstants, eliminateDeadCode, eliminateIdentity];
