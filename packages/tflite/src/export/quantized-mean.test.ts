// int8 averages over the whole image (GlobalAveragePool, or an AveragePool whose window is the
// image: squeeze-excite blocks) become one MEAN that rounds straight to the following Q's
// parameters, as the QDQ model does. Kept at the input's parameters plus a QUANTIZE, the mean was
// rounded twice: mobilenet_v3_small's int8 file read back at cosine 0.9936 instead of 1.
import { attr, tensorFromValues, type Graph, type Value } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { exportAndRun, maxAbsDiff, noise, onnxModel, ops } from '../../test/export-harness.js';

const OUT_SCALE = 0.0037;

function qdq(g: Graph, v: Value, scale: number, zp: number, name: string): Value {
  const s = g.addInitializer(`${name}_s`, tensorFromValues('float32', [], [scale]));
  const z = g.addInitializer(`${name}_z`, tensorFromValues('uint8', [], [zp]));
  const q = g.addNode({ opType: 'QuantizeLinear', inputs: [v, s, z], outputs: [`${name}_q`] }).output();
  return g.addNode({ opType: 'DequantizeLinear', inputs: [q, s, z], outputs: [name] }).output();
}

const pools: [string, (g: Graph, x: Value) => Value][] = [
  ['GlobalAveragePool', (g, x) => g.addNode({ opType: 'GlobalAveragePool', inputs: [x], outputs: ['m'] }).output()],
  [
    'AveragePool over the whole image',
    (g, x) =>
      g
        .addNode({
          opType: 'AveragePool',
          inputs: [x],
          outputs: ['m'],
          attributes: { kernel_shape: attr.ints([6, 6]), strides: attr.ints([6, 6]) },
        })
        .output(),
  ],
];

describe('int8 export: a whole-image average is one MEAN at the output parameters', () => {
  for (const [name, pool] of pools) {
    it(name, async () => {
      const m = onnxModel(
        [1, 8, 6, 6],
        (g, x) => qdq(g, pool(g, qdq(g, x, 0.02, 128, 'xq')), OUT_SCALE, 100, 'y'),
        [1, 8, 1, 1],
      );
      const x = noise(8 * 36, 41);
      const { tflite, onnx, tfl } = await exportAndRun(m, x, { mode: 'int8' });
      expect(ops(tflite)).toEqual(['QUANTIZE', 'TRANSPOSE', 'MEAN', 'DEQUANTIZE', 'RESHAPE']);
      const mean = [...tflite.graph].find((n) => n.opType === 'MEAN')!;
      expect(mean.output().quant!.scale[0]).toBe(Math.fround(OUT_SCALE));
      expect(mean.output().quant!.zeroPoint[0]).toBe(100 - 128);
      // One rounding, as in the QDQ model: the interpreter lands at most one output step away.
      expect(maxAbsDiff(tfl, onnx)).toBeLessThanOrEqual(OUT_SCALE * 1.0001);
    });
  }
});
