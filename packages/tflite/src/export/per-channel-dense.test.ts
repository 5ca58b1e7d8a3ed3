// int8 MatMul/Gemm with per-channel weights keep them: written as a 1x1 CONV_2D (per-channel in
// every TFLite runtime) instead of a FULLY_CONNECTED. Requantized per tensor (the old workaround
// for runtimes whose int8 FULLY_CONNECTED reads one scale), the file was no longer the quantized
// model: tfjs-mnist, tiny-bert and tiny-gpt2 read back below cosine 0.9999 of their int8 ONNX model.
import { attr, tensorFromValues, type Graph, type Value } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { exportAndRun, maxAbsDiff, noise, onnxModel, ops, runOrt } from '../../test/export-harness.js';

const K = 16;
const N = 6;
const OUT_SCALE = 0.05;
// Channel scales 64x apart: one shared scale would wipe out the small channels' weights.
const W_SCALES = [0.0005, 0.001, 0.004, 0.008, 0.016, 0.032];

function qdq(g: Graph, v: Value, scale: number, zp: number, name: string): Value {
  const s = g.addInitializer(`${name}_s`, tensorFromValues('float32', [], [scale]));
  const z = g.addInitializer(`${name}_z`, tensorFromValues('uint8', [], [zp]));
  const q = g.addNode({ opType: 'QuantizeLinear', inputs: [v, s, z], outputs: [`${name}_q`] }).output();
  return g.addNode({ opType: 'DequantizeLinear', inputs: [q, s, z], outputs: [name] }).output();
}

/** int8 weights [rows, cols] with per-channel scales along `axis`, behind a DequantizeLinear. */
function perChannelWeights(g: Graph, shape: [number, number], axis: number): { w: Value; q: Int8Array } {
  const q = Int8Array.from(noise(K * N, 5), (v) => Math.round(v * 127));
  const data = tensorFromValues('int8', shape, q);
  const wq = g.addInitializer('w_q', data);
  const ws = g.addInitializer('w_s', tensorFromValues('float32', [N], W_SCALES));
  const wz = g.addInitializer('w_z', tensorFromValues('int8', [N], new Int8Array(N)));
  const w = g
    .addNode({ opType: 'DequantizeLinear', inputs: [wq, ws, wz], outputs: ['w'], attributes: { axis: attr.int(axis) } })
    .output();
  return { w, q };
}

const cases: [string, number[], (g: Graph, x: Value) => { y: Value; q: Int8Array; transposed: boolean }][] = [
  [
    'MatMul on [1, 3, K] (a transformer projection)',
    [1, 3, K],
    (g, x) => {
      const { w, q } = perChannelWeights(g, [K, N], 1);
      return { y: g.addNode({ opType: 'MatMul', inputs: [x, w], outputs: ['mm'] }).output(), q, transposed: true };
    },
  ],
  [
    'Gemm transB on [2, K]',
    [2, K],
    (g, x) => {
      const { w, q } = perChannelWeights(g, [N, K], 0);
      const y = g
        .addNode({ opType: 'Gemm', inputs: [x, w], outputs: ['mm'], attributes: { transB: attr.int(1) } })
        .output();
      return { y, q, transposed: false };
    },
  ],
];

describe('int8 export: per-channel dense weights stay per channel', () => {
  for (const [name, shape, layer] of cases) {
    it(name, async () => {
      let weights: Int8Array = new Int8Array();
      let transposed = false;
      const m = onnxModel(
        shape,
        (g, x) => {
          const r = layer(g, qdq(g, x, 0.01, 128, 'xq'));
          weights = r.q;
          transposed = r.transposed;
          return qdq(g, r.y, OUT_SCALE, 128, 'y');
        },
        [...shape.slice(0, -1), N],
      );
      const x = noise(
        shape.reduce((p, d) => p * d, 1),
        9,
      );
      const { tflite, tfl } = await exportAndRun(m, x, { mode: 'int8' });
      const onnx = await runOrt(m, x, true);
      expect(ops(tflite)).toEqual(['QUANTIZE', 'RESHAPE', 'CONV_2D', 'RESHAPE', 'DEQUANTIZE']);
      const conv = [...tflite.graph].find((n) => n.opType === 'CONV_2D')!;
      const w = conv.input(1)!;
      // The file holds the model's own int8 weights and scales, one per output channel.
      expect(w.shape).toEqual([N, 1, 1, K]);
      expect(Array.from(w.quant!.scale)).toEqual(W_SCALES.map(Math.fround));
      expect(w.quant!.axis).toBe(0);
      const stored = w.const!.values() as Int8Array;
      for (let n = 0; n < N; n++)
        for (let k = 0; k < K; k++) expect(stored[n * K + k]).toBe(weights[transposed ? k * N + n : n * K + k]);
      // The interpreter lands at most one output step from the QDQ model run as the spec defines it.
      expect(maxAbsDiff(tfl, onnx)).toBeLessThanOrEqual(OUT_SCALE * 1.0001);
    });
  }
});
