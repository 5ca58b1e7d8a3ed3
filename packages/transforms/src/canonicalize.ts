// The clean-up every writer of a runtime-specific format wants first: constant subgraphs computed,
// identities bypassed, dead code gone.
import { eliminateDeadCode, type Model } from '@enxuto/ir';
import { eliminateIdentity } from './eliminate-identity.js';
import { foldConstants } from './fold-constants.js';
import { inferShapes, pinInputDims } from './infer-shapes.js';
import { unrollLstm } from './unroll-lstm.js';

export interface CanonicalizeOptions {
  /** Fix symbolic input dimensions to this size first (formats with static shapes). */
  pinInputDims?: number;
  /** Unroll LSTMs into per-step primitive ops (formats without a usable fused LSTM). */
  unrollLstm?: boolean;
}

export interface CanonicalizeStats {
  pinnedDims: number;
  inferredShapes: number;
  folded: number;
  unrolledLstms: number;
  removedIdentities: number;
  removedNodes: number;
  removedInitializers: number;
}

/** Canonicalizes `model` in place (callers that must keep the model pass a clone). */
export function canonicalize(model: Model, options: CanonicalizeOptions = {}): CanonicalizeStats {
  const pinnedDims = options.pinInputDims !== undefined ? pinInputDims(model, options.pinInputDims).pinned : 0;
  const inferredShapes = inferShapes(model).inferred;
  const fold = foldConstants(model);
  // LSTM weights are often assembled by Concat/Unsqueeze: unroll once they are constants.
  const unrolledLstms = options.unrollLstm ? unrollLstm(model).unrolled : 0;
  if (unrolledLstms > 0) {
    inferShapes(model);
    fold.folded += foldConstants(model).folded;
  }
  const removedIdentities = eliminateIdentity(model).removed;
  const dce = eliminateDeadCode(model);
  return {
    pinnedDims,
    inferredShapes,
    folded: fold.folded,
    unrolledLstms,
    removedIdentities,
    removedNodes: dce.removedNodes,
    removedInitializers: fold.removedInitializers + dce.removedInitializers,
  };
}
