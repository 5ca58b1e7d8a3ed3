// QuantizeLinear / DequantizeLinear (per-tensor, per-axis, blocked). Quantized values stay float32
// tensors holding integers, and QuantizeLinear passes gradients straight through inside the
// representable range, so a QDQ graph trains as fake-quantization (quantization-aware training).
import * as tf from '@tensorflow/tfjs';
import { integerRange, UnsupportedError, type DataType } from '@enxuto/ir';
import type { OpAttrs } from './op-attrs.js';
import { normAxis, optionalInput, type OpContext, type OpInputs } from './op-types.js';

const CODE_TO_TYPE: Record<number, DataType> = {
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  21: 'uint4',
  22: 'int4',
  25: 'uint2',
  26: 'int2',
};

/** Scale or zero point broadcast against x: per tensor, per `axis`, or per block along it. */
function expandParam(p: tf.Tensor, x: tf.Tensor, axis: number, blockSize: number): tf.Tensor {
  if (p.size === 1 && blockSize === 0) return p.reshape([]);
  if (blockSize > 0) {
    const idx = Array.from({ length: x.shape[axis]! }, (_, i) => Math.floor(i / blockSize));
    return tf.gather(p, tf.tensor1d(idx, 'int32'), axis);
  }
  return p.reshape(x.shape.map((d, i) => (i === axis ? d : 1)));
}

function quantType(a: OpAttrs, ctx: OpContext, node: string): DataType {
  const declared = ctx.inputTypes?.[2];
  const code = a.int('output_dtype', 0);
  const t = declared ?? (code !== 0 ? CODE_TO_TYPE[code] : 'uint8');
  if (t === undefined || !/^u?int\d+$/.test(t)) {
    throw new UnsupportedError(`QuantizeLinear to ${t ?? `ONNX type ${code}`}`, { code: 'train/quant-type', node });
  }
  return t;
}

export function quantizeLinear(inputs: OpInputs, a: OpAttrs, ctx: OpContext): tf.Tensor {
  const [x, scale] = inputs as [tf.Tensor, tf.Tensor];
  const zp = optionalInput(inputs, 2);
  const axis = normAxis(a.int('axis', 1), x.rank);
  const block = a.int('block_size', 0);
  const { min, max } = integerRange(quantType(a, ctx, ctx.node));
  const s = expandParam(scale.toFloat(), x, axis, block);
  const z = zp ? expandParam(zp.toFloat(), x, axis, block) : tf.scalar(0);
  const fake = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xf = (args[0] as tf.Tensor).toFloat();
    const save = args[1] as tf.GradSaveFunc;
    const scaled = xf.div(s).round().add(z);
    const value = scaled.clipByValue(min, max);
    // Straight-through estimator: d round(x / s) / dx = 1 / s where the value was not clipped.
    const inRange = scaled.greaterEqual(min).logicalAnd(scaled.lessEqual(max));
    save([tf.where(inRange, tf.onesLike(xf).div(s), tf.zerosLike(xf))]);
    return { value, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => dy.mul(saved[0]!) };
  });
  return fake(x);
}

export function dequantizeLinear(inputs: OpInputs, a: OpAttrs): tf.Tensor {
  const [x, scale] = inputs as [tf.Tensor, tf.Tensor];
  const zp = optionalInput(inputs, 2);
  const axis = normAxis(a.int('axis', 1), x.rank);
  const block = a.int('block_size', 0);
  const s = expandParam(scale.toFloat(), x, axis, block);
  const xf = x.toFloat();
  return (zp ? xf.sub(expandParam(zp.toFloat(), x, axis, block)) : xf).mul(s);
}
