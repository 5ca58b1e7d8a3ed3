// The graph a quantizer should see: the opset it needs, constants folded (shape arithmetic included),
// identities and no-op layout ops gone, zero Pads inside Convs, and BatchNormalization / constant
// Mul-Add chains inside the Conv/Gemm/MatMul before them. onnxruntime's own quantizer runs its graph
// optimizer first for the same reason: scales fitted to a graph onnxruntime later rewrites are wrong.
import { float32Tensor, type Model, walkGraphs } from '@enxuto/ir';
import { eliminateDeadCode } from './eliminate-dead-code.js';
import { constOf, dropUnusedInitializers } from './graph-utils.js';
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
  /** float16 weights made float32 (see widenFloat16Weights). */
  float16Widened: number;
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

/**
 * float16 weights behind Cast(to float32) (TFLite's float16 models) become float32 initializers, so
 * the quantizer sees constant weights. Constant folding leaves these alone: there it would double
 * the file a format writer produces.
 */
export function widenFloat16Weights(model: Model): number {
  let widened = 0;
  for (const g of walkGraphs(model.graph)) {
    for (const n of [...g.nodes]) {
      const src = n.input(0);
      const t = constOf(src);
      if (n.opType !== 'Cast' || n.domain !== '' || n.getInt('to') !== 1 || src?.isGraphInput()) continue;
      if (t?.dtype !== 'float16' && t?.dtype !== 'bfloat16') continue;
      const y = n.output(0);
      if (y.isGraphOutput()) continue;
      const v = g.addInitializer(g.uniqueName(`${y.name}_float32`), float32Tensor([...t.shape], t.toFloat32()));
      g.replaceAllUsesWith(y, v);
      const name = y.name;
      g.remove(n);
      g.rename(v, name);
      dropUnusedInitializers(g, [src]);
      widened++;
    }
  }
  return widened;
}

/** Prepares `model` in place; every step keeps what the model computes (up to float rounding). */
export function prepareForQuantization(model: Model, options: PrepareOptions = {}): PrepareStats {
  const { from, to } = upgradeOpset(model, options.opset ?? 13);
  const initializersDetached = detachInitializerInputs(model);
  const float16Widened = widenFloat16Weights(model);
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
    float16Widened,
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
