import * as tf from '@tensorflow/tfjs';
import { attr } from '@enxuto/ir';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../node.js';
import { OpAttrs } from './op-attrs.js';
import type { OpContext } from './op-types.js';
import { dequantizeLinear, quantizeLinear } from './quantize.js';

const ctx = (types: OpContext['inputTypes']): OpContext => ({
  opset: 21,
  training: true,
  node: 'q',
  outputs: 1,
  nextSeed: () => 1,
  inputTypes: types,
});

beforeAll(async () => {
  await initBackend('wasm');
});

describe('QuantizeLinear / DequantizeLinear', () => {
  it('quantizes per axis with zero points, rounding half to even and saturating', () => {
    const x = tf.tensor2d([
      [0.25, 1, -3],
      [10, 2.5, 1000],
    ]);
    const scale = tf.tensor1d([0.5, 1]); // per row (axis 0)
    const zp = tf.tensor1d([0, 10], 'int32');
    const q = quantizeLinear([x, scale, zp], OpAttrs.of({ axis: attr.int(0) }), ctx([undefined, undefined, 'int8']));
    // row 0: 0.5 -> 0 (half to even), 2, -6; row 1: 20, 12 (12.5 -> 12), 1010 -> saturates at 127
    expect(Array.from(q.dataSync())).toEqual([0, 2, -6, 20, 12, 127]);
    const dq = dequantizeLinear([q, scale, zp], OpAttrs.of({ axis: attr.int(0) }));
    expect(Array.from(dq.dataSync())).toEqual([0, 1, -3, 10, 2, 117]);
  });

  it('passes gradients straight through a QDQ pair inside the range, and stops them when clipped', () => {
    const scale = tf.scalar(0.1);
    const zp = tf.scalar(0, 'int32');
    const qdq = (x: tf.Tensor) =>
      dequantizeLinear(
        [quantizeLinear([x, scale, zp], OpAttrs.of({}), ctx([undefined, undefined, 'uint8'])), scale, zp],
        OpAttrs.of({}),
      );
    const g = tf.grad((x: tf.Tensor) => qdq(x).sum())(tf.tensor1d([0.3, 5, -1, 30]));
    // uint8 with scale 0.1 holds [0, 25.5]: -1 and 30 are clipped.
    expect(Array.from(g.dataSync()).map((v) => +v.toFixed(5))).toEqual([1, 1, 0, 0]);
  });
});
