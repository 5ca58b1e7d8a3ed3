// HardSigmoid / HardSwish on quantized values, in ops onnxruntime runs as integer kernels.
// onnxruntime has no integer HardSigmoid or HardSwish: left float between Q/DQ they cost a
// dequantize, the float op, a Mul and a requantize per element, and the NHWC int8 chain around
// them breaks into Transposes (MobileNetV3: 31 such chains made int8 slower than float).
//   HardSigmoid(x) = clamp(alpha * x + beta, 0, 1) = clamp(x + beta/alpha, 0, 1/alpha) * alpha
// is an Add of a constant (QLinearAdd) whose QuantizeLinear range [0, hi/alpha] clamps at both ends,
// read back by a DequantizeLinear whose scale is alpha times the QuantizeLinear's: the same codes
// then mean HardSigmoid's values. HardSwish(x) = x * HardSigmoid(x) adds a Mul (QLinearMul).
import { constOf, dropUnusedInitializers, tensorFromValues, type Graph, type Node, type Value } from '@enxuto/ir';
import { scaleZeroPoint, type QuantType } from '../kernels/params.js';
import type { Range } from '../kernels/range.js';
import { addQuantParams } from './helpers.js';
import { addDequantizedWeight, quantizeWeightTensor } from './weights.js';

export const HARD_ACTIVATION_OPS = new Set(['HardSigmoid', 'HardSwish']);

export interface QuantizedValue {
  scale: Value;
  zeroPoint: Value;
  scaleValue: number;
}

export interface HardActivationContext {
  g: Graph;
  activationType: QuantType;
  /** Calibrated range of a value, by name. */
  range(name: string): Range | undefined;
  /** Puts a Q/DQ pair on `v` with the given (or calibrated) range; returns the DQ output. */
  quantize(v: Value, range?: Range): Value;
  /** Records a DequantizeLinear output made here as a quantized value later ops may read. */
  adopt(dq: Value, q: QuantizedValue): void;
}

/** Replaces the float constant input `index` of `node` by its quantized form behind a DequantizeLinear. */
export function quantizeConstantInput(g: Graph, node: Node, index: number, type: QuantType): void {
  const v = node.inputs[index];
  const c = constOf(v);
  if (!v || !c || c.dtype !== 'float32') return;
  const qw = quantizeWeightTensor(c, { type, symmetric: false, axis: undefined });
  g.setInput(node, index, addDequantizedWeight(g, v.name, qw, type));
  dropUnusedInitializers(g, [v]);
}

/**
 * Rewrites `node` (HardSigmoid or HardSwish reading the quantized value `x`) into integer-friendly
 * ops; returns false (and leaves the node alone) when it cannot: alpha <= 0, no calibrated output range.
 */
export function lowerHardActivation(node: Node, x: Value, ctx: HardActivationContext): boolean {
  const { g } = ctx;
  const y = node.outputs[0];
  const swish = node.opType === 'HardSwish';
  const alpha = swish ? 1 / 6 : node.getFloat('alpha', 0.2);
  const beta = swish ? 0.5 : node.getFloat('beta', 0.5);
  const yRange = y ? ctx.range(y.name) : undefined;
  if (!y || !yRange || !(alpha > 0) || node.outputs.length !== 1) return false;
  // HardSigmoid's own range sets its grid; HardSwish's inner HardSigmoid spans [0, 1].
  const hi = swish ? 1 : Math.min(1, Math.max(yRange.max, 1 / 255));
  const name = y.name;
  const type = y.type;
  const offset = g.addInitializer(g.uniqueName(`${name}_offset`), tensorFromValues('float32', [], [beta / alpha]));
  const add = g.insertBefore(node, {
    opType: 'Add',
    name: g.uniqueName(`${name}_shifted`),
    inputs: [x, offset],
    outputs: [g.uniqueName(`${name}_shifted`)],
  });
  quantizeConstantInput(g, add, 1, ctx.activationType);
  const shifted = add.outputs[0]!;
  const p = scaleZeroPoint({ min: 0, max: hi / alpha }, { type: ctx.activationType, symmetric: false });
  const qParams = addQuantParams(
    g,
    shifted.name,
    Float32Array.of(p.scale),
    Int32Array.of(p.zeroPoint),
    ctx.activationType,
  );
  const dqParams = addQuantParams(
    g,
    `${name}_hard_sigmoid`,
    Float32Array.of(p.scale * alpha),
    Int32Array.of(p.zeroPoint),
    ctx.activationType,
  );
  const q = g.insertBefore(node, {
    opType: 'QuantizeLinear',
    name: g.uniqueName(`${shifted.name}_QuantizeLinear`),
    inputs: [shifted, qParams.scale, qParams.zeroPoint],
    outputs: [g.uniqueName(`${shifted.name}_quantized`)],
  });
  q.outputs[0]!.type = { kind: 'tensor', dtype: ctx.activationType, ...(y.shape ? { shape: y.shape } : {}) };
  const dq = g.insertBefore(node, {
    opType: 'DequantizeLinear',
    name: g.uniqueName(`${name}_hard_sigmoid_DequantizeLinear`),
    inputs: [q.outputs[0]!, dqParams.scale, dqParams.zeroPoint],
    outputs: [g.uniqueName(`${name}_hard_sigmoid`)],
  });
  const sigmoid = dq.outputs[0]!;
  const hardSigmoid = { ...dqParams, scaleValue: p.scale * alpha };
  let result = sigmoid;
  if (swish) {
    const mul = g.insertBefore(node, {
      opType: 'Mul',
      name: node.name || g.uniqueName(`${name}_Mul`),
      inputs: [x, sigmoid],
      outputs: [g.uniqueName(`${name}_product`)],
    });
    result = mul.outputs[0]!;
  }
  g.replaceAllUsesWith(y, result);
  if (y.isGraphOutput()) g.setOutputs(g.outputs.map((v) => (v === y ? result : v)));
  g.remove(node);
  g.rename(result, name);
  result.type = type ?? { kind: 'tensor', dtype: 'float32' };
  if (swish) ctx.quantize(result, yRange);
  else ctx.adopt(result, hardSigmoid);
  return true;
}
