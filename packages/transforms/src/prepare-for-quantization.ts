// The graph a quantizer should see: the opset it needs, constants folded (shape arithmetic included),
// identities and no-op layout ops gone, zero Pads inside Convs, and BatchNormalization / constant
// Mul-Add chains inside the Conv/Gemm/MatMul before them. onnxruntime's own quantizer runs its graph
// optimizer first for the same reason: scales fitted to a graph onnxruntime later rewrites are wrong.
import { eliminateDeadCode, type Model } from '@enxuto/ir';
import { eliminateIdentity } from './eliminate-identity.js';
import { foldAffine } from './fold-affine/fold-affine.js';
import { foldConstants, MAX_FOLDED_ELEMENTS } from './fold-constants.js';
import { foldPadIntoConv } from './fold-pad-into-conv.js';
import { inferShapes } from './infer-shapes.js';
import { removeNoopLayout } from './remove-noop-layout.js';
import { upgradeOpset } from './upgrade-opset/upgrade-opset.js';

export interface PrepareOptions {
  /** Lowest default-domain opset the result must have (default 13: per-axis QuantizeLinear). */
  opset?: number;
}

export interface PrepareStats {
  opset: { from: number; to: number };
  initializersDetached: number;
  constantsFolded: number;
  identitiesRemoved: number;
  transposesRemoved: number;
  reshapesRemoved: number;
  padsFolded: number;
  /** Affine ops folded into the layer before them, by op type. */
  affineFolded: Record<string, number>;
  gemmsFormed: number;
  deadNodesRemoved: number;
}

/**
 * Old (IR < 4) models list every initializer as a graph input too, which makes weights overridable
 * at run time and so not constants. Quantized weights must be constants: make them plain initializers.
 */
export function detachInitializerInputs(model: Model): number {
  const g = model.graph;
  const both = g.inputs.filter((v) => v.isInitializer());
  for (const v of both) g.removeInput(v);
  return both.length;
}

/** Prepares `model` in place; every step keeps what the model computes (up to float rounding). */
export function prepareForQuantization(model: Model, options: PrepareOptions = {}): PrepareStats {
  const { from, to } = upgradeOpset(model, options.opset ?? 13);
  const initializersDetached = detachInitializerInputs(model);
  inferShapes(model);
  const constantsFolded = foldConstants(model, { maxElements: MAX_FOLDED_ELEMENTS }).folded;
  const identitiesRemoved = eliminateIdentity(model).removed;
  const layout = removeNoopLayout(model);
  const padsFolded = foldPadIntoConv(model).folded;
  const affine = foldAffine(model);
  const dce = eliminateDeadCode(model);
  // Values the rewrites made (sunk Transposes, folded layers) get their shapes back.
  inferShapes(model);
  return {
    opset: { from, to },
    initializersDetached,
    constantsFolded,
    identitiesRemoved,
    transposesRemoved: layout.transposes,
    reshapesRemoved: layout.reshapes,
    padsFolded,
    affineFolded: affine.folded,
    gemmsFormed: affine.gemmsFormed,
    deadNodesRemoved: dce.removedNodes,
  };
}
