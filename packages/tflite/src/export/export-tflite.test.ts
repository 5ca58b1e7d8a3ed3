// exportToTflite on hand-built 2-5 node graphs: the exact TFLite structure (ops, fused options,
// layouts, weight layouts) and, through the real interpreter, the same numbers as onnxruntime.
import { attr, tensorFromValues, UnsupportedError, type Graph, type Node, type Value } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { exportAndRun, maxAbsDiff, noise, onnxModel, ops, weight } from '../../test/export-harness.js';
import { lowerTfliteToOnnx } from '../lower/to-onnx.js';
import { exportToTflite } from './export-tflite.js';
import { runOrt } from '../../test/export-harness.js';

/** Float32 outputs agree with onnxruntime to this (accumulation order differs). */
const TOL = 1e-4;
const conv = (k: number, extra: Record<string, ReturnType<typeof attr.int>> = {}) => ({
  kernel_shape: attr.ints([k, k]),
  ...extra,
});
const node = (m: ReturnType<typeof exportToTflite>, op: string): Node => [...m.graph].find((n) => n.opType === op)!;

describe('exportToTflite: layout', () => {
  it('Conv + bias Add + Relu -> one CONV_2D (OHWI weights, fused RELU) between border transposes', async () => {
    const m = onnxModel(
      [1, 3, 6, 6],
      (g, x) => {
        const c = g
          .addNode({
            opType: 'Conv',
            inputs: [x, weight(g, 'w', [4, 3, 3, 3])],
            outputs: ['c'],
            attributes: conv(3, { pads: attr.ints([1, 1, 1, 1]) }),
          })
          .output();
        const b = g.addInitializer('b', tensorFromValues('float32', [4, 1, 1], [0.5, -0.5, 1, -1]));
        const a = g.addNode({ opType: 'Add', inputs: [c, b], outputs: ['a'] }).output();
        return g.addNode({ opType: 'Relu', inputs: [a], outputs: ['y'] }).output();
      },
      [1, 4, 6, 6],
    );
    const { tflite, onnx, tfl } = await exportAndRun(m, noise(108, 3));
    expect(ops(tflite)).toEqual(['TRANSPOSE', 'CONV_2D', 'TRANSPOSE']);
    const c = node(tflite, 'CONV_2D');
    expect(c.getString('padding')).toBe('SAME');
    expect(c.getString('fused_activation_function')).toBe('RELU');
    expect(c.input(1)!.shape).toEqual([4, 3, 3, 3]);
    // OHWI: element [o=1, h=0, w=2, i=1] is ONNX OIHW [1, 1, 0, 2].
    const onnxW = m.graph.value('w')!.const!.toFloat32();
    expect(c.input(1)!.const!.toFloat32()[((1 * 3 + 0) * 3 + 2) * 3 + 1]).toBe(onnxW[((1 * 3 + 1) * 3 + 0) * 3 + 2]);
    expect(Array.from(c.input(2)!.const!.toFloat32())).toEqual([0.5, -0.5, 1, -1]);
    expect([...node(tflite, 'TRANSPOSE').input(1)!.const!.values()]).toEqual([0, 2, 3, 1]);
    expect(tflite.graph.inputs[0]!.shape).toEqual([1, 3, 6, 6]);
    expect(tflite.graph.outputs[0]!.name).toBe('y');
    expect(tflite.graph.outputs[0]!.shape).toEqual([1, 4, 6, 6]);
    expect(maxAbsDiff(tfl, onnx)).toBeLessThan(TOL);
  });

  it("inputLayout 'NHWC' declares the input NHWC (no border transpose in); a single channel moves by RESHAPE", async () => {
    const build = (c: number) =>
      onnxModel(
        [1, c, 5, 5],
        (g, x) =>
          g
            .addNode({ opType: 'Conv', inputs: [x, weight(g, 'w', [2, c, 3, 3])], outputs: ['y'], attributes: conv(3) })
            .output(),
        [1, 2, 3, 3],
      );
    const nhwc = await exportAndRun(build(3), noise(75, 5), { inputLayout: 'NHWC' });
    expect(ops(nhwc.tflite)).toEqual(['CONV_2D', 'TRANSPOSE']);
    expect(nhwc.tflite.graph.inputs[0]!.shape).toEqual([1, 5, 5, 3]);
    expect(node(nhwc.tflite, 'CONV_2D').getString('padding')).toBe('VALID');
    expect(maxAbsDiff(nhwc.tfl, nhwc.onnx)).toBeLessThan(TOL);
    const one = await exportAndRun(build(1), noise(25, 6));
    expect(ops(one.tflite)).toEqual(['RESHAPE', 'CONV_2D', 'TRANSPOSE']);
    expect(maxAbsDiff(one.tfl, one.onnx)).toBeLessThan(TOL);
  });

  it('an ONNX Transpose to NHWC folds away: the conv output already is NHWC', async () => {
    const m = onnxModel(
      [1, 2, 4, 4],
      (g, x) => {
        const c = g
          .addNode({ opType: 'Conv', inputs: [x, weight(g, 'w', [3, 2, 1, 1])], outputs: ['c'], attributes: conv(1) })
          .output();
        return g
          .addNode({ opType: 'Transpose', inputs: [c], outputs: ['y'], attributes: { perm: attr.ints([0, 2, 3, 1]) } })
          .output();
      },
      [1, 4, 4, 3],
    );
    const { tflite, onnx, tfl } = await exportAndRun(m, noise(32, 8), { inputLayout: 'NHWC' });
    expect(ops(tflite)).toEqual(['CONV_2D']);
    expect(maxAbsDiff(tfl, onnx)).toBeLessThan(TOL);
  });

  it('Flatten after a conv block: the NHWC->NCHW order goes into the FULLY_CONNECTED weights (no TRANSPOSE)', async () => {
    const m = onnxModel(
      [1, 2, 4, 4],
      (g, x) => {
        const c = g
          .addNode({
            opType: 'Conv',
            inputs: [x, weight(g, 'w', [3, 2, 3, 3])],
            outputs: ['c'],
            attributes: conv(3, { pads: attr.ints([1, 1, 1, 1]) }),
          })
          .output();
        const f = g.addNode({ opType: 'Flatten', inputs: [c], outputs: ['f'] }).output();
        return g
          .addNode({
            opType: 'Gemm',
            inputs: [f, weight(g, 'fc', [5, 48], 9), weight(g, 'fb', [5], 10)],
            outputs: ['y'],
            attributes: { transB: attr.int(1) },
          })
          .output();
      },
      [1, 5],
    );
    const { tflite, onnx, tfl } = await exportAndRun(m, noise(32, 11));
    expect(ops(tflite)).toEqual(['TRANSPOSE', 'CONV_2D', 'RESHAPE', 'FULLY_CONNECTED']);
    expect(node(tflite, 'FULLY_CONNECTED').input(1)!.shape).toEqual([5, 48]);
    expect(maxAbsDiff(tfl, onnx)).toBeLessThan(TOL);
  });

  it('a Reshape feeding a non-dense op gets the explicit TRANSPOSE back to NCHW first', async () => {
    const m = onnxModel(
      [1, 2, 3, 3],
      (g, x) => {
        const c = g
          .addNode({ opType: 'Conv', inputs: [x, weight(g, 'w', [2, 2, 1, 1])], outputs: ['c'], attributes: conv(1) })
          .output();
        const s = g.addInitializer('s', tensorFromValues('int64', [2], [1n, 18n]));
        const r = g.addNode({ opType: 'Reshape', inputs: [c, s], outputs: ['r'] }).output();
        return g.addNode({ opType: 'Softmax', inputs: [r], outputs: ['y'] }).output();
      },
      [1, 18],
    );
    const { tflite, onnx, tfl } = await exportAndRun(m, noise(18, 12));
    expect(ops(tflite)).toEqual(['TRANSPOSE', 'CONV_2D', 'TRANSPOSE', 'RESHAPE', 'SOFTMAX']);
    expect(maxAbsDiff(tfl, onnx)).toBeLessThan(TOL);
  });
});

describe('exportToTflite: op mapping', () => {
  it('depthwise Conv (group = channels) -> DEPTHWISE_CONV_2D with 1HWO weights; Clip(0, 6) fused as RELU6', async () => {
    const m = onnxModel(
      [1, 3, 5, 5],
      (g, x) => {
        const c = g
          .addNode({
            opType: 'Conv',
            inputs: [x, weight(g, 'w', [6, 1, 3, 3]), weight(g, 'b', [6], 4)],
            outputs: ['c'],
            attributes: conv(3, { group: attr.int(3), strides: attr.ints([2, 2]), pads: attr.ints([1, 1, 1, 1]) }),
          })
          .output();
        const lo = g.addInitializer('lo', tensorFromValues('float32', [], [0]));
        const hi = g.addInitializer('hi', tensorFromValues('float32', [], [6]));
        return g.addNode({ opType: 'Clip', inputs: [c, lo, hi], outputs: ['y'] }).output();
      },
      [1, 6, 3, 3],
    );
    const { tflite, onnx, tfl } = await exportAndRun(
      m,
      noise(75, 13).map((v) => v * 8),
    );
    expect(ops(tflite)).toEqual(['TRANSPOSE', 'DEPTHWISE_CONV_2D', 'TRANSPOSE']);
    const d = node(tflite, 'DEPTHWISE_CONV_2D');
    expect(d.input(1)!.shape).toEqual([1, 3, 3, 6]);
    expect(d.getInt('depth_multiplier')).toBe(2);
    expect(d.getString('fused_activation_function')).toBe('RELU6');
    expect(maxAbsDiff(tfl, onnx)).toBeLessThan(TOL);
  });

  it('MatMul + Add -> FULLY_CONNECTED with the bias; Gemm + Relu -> fused RELU; Sigmoid -> LOGISTIC', async () => {
    const m = onnxModel(
      [2, 6],
      (g, x) => {
        const mm = g.addNode({ opType: 'MatMul', inputs: [x, weight(g, 'w1', [6, 4])], outputs: ['mm'] }).output();
        const a = g.addNode({ opType: 'Add', inputs: [mm, weight(g, 'b1', [4], 2)], outputs: ['a'] }).output();
        const gm = g
          .addNode({
            opType: 'Gemm',
            inputs: [a, weight(g, 'w2', [4, 3], 3), weight(g, 'b2', [3], 5)],
            outputs: ['gm'],
            attributes: { alpha: attr.float(0.5), beta: attr.float(2) },
          })
          .output();
        const r = g.addNode({ opType: 'Relu', inputs: [gm], outputs: ['r'] }).output();
        return g.addNode({ opType: 'Sigmoid', inputs: [r], outputs: ['y'] }).output();
      },
      [2, 3],
    );
    const { tflite, onnx, tfl } = await exportAndRun(m, noise(12, 14));
    expect(ops(tflite)).toEqual(['FULLY_CONNECTED', 'FULLY_CONNECTED', 'LOGISTIC']);
    const [fc1, fc2] = [...tflite.graph].filter((n) => n.opType === 'FULLY_CONNECTED');
    expect(fc1!.input(1)!.shape).toEqual([4, 6]);
    expect(fc1!.getString('fused_activation_function')).toBe('NONE');
    expect(fc2!.getString('fused_activation_function')).toBe('RELU');
    expect(maxAbsDiff(tfl, onnx)).toBeLessThan(TOL);
  });

  it('pools: MaxPool with pads TFLite SAME cannot express -> PADV2(lowest) + VALID; AveragePool; GlobalAveragePool -> MEAN', async () => {
    const m = onnxModel(
      [1, 2, 5, 5],
      (g, x) => {
        const p = g
          .addNode({
            opType: 'MaxPool',
            inputs: [x],
            outputs: ['p'],
            attributes: { kernel_shape: attr.ints([2, 2]), pads: attr.ints([1, 1, 0, 0]) },
          })
          .output();
        const a = g
          .addNode({
            opType: 'AveragePool',
            inputs: [p],
            outputs: ['a'],
            attributes: { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) },
          })
          .output();
        return g.addNode({ opType: 'GlobalAveragePool', inputs: [a], outputs: ['y'] }).output();
      },
      [1, 2, 1, 1],
    );
    const { tflite, onnx, tfl } = await exportAndRun(
      m,
      noise(50, 15).map((v) => v - 2),
    );
    expect(ops(tflite)).toEqual(['TRANSPOSE', 'PADV2', 'MAX_POOL_2D', 'AVERAGE_POOL_2D', 'MEAN', 'RESHAPE']);
    expect(node(tflite, 'MAX_POOL_2D').getString('padding')).toBe('VALID');
    expect(maxAbsDiff(tfl, onnx)).toBeLessThan(TOL);
  });

  it('Concat on channels -> CONCATENATION axis 3; Pad -> PAD with NHWC paddings; Slice -> STRIDED_SLICE; Mul/Sub by constants', async () => {
    const m = onnxModel(
      [1, 2, 4, 4],
      (g, x) => {
        const c1 = g
          .addNode({ opType: 'Conv', inputs: [x, weight(g, 'w1', [2, 2, 1, 1])], outputs: ['c1'], attributes: conv(1) })
          .output();
        const c2 = g
          .addNode({
            opType: 'Conv',
            inputs: [x, weight(g, 'w2', [3, 2, 1, 1], 8)],
            outputs: ['c2'],
            attributes: conv(1),
          })
          .output();
        const cat = g
          .addNode({ opType: 'Concat', inputs: [c1, c2], outputs: ['cat'], attributes: { axis: attr.int(1) } })
          .output();
        const pads = g.addInitializer('pads', tensorFromValues('int64', [8], [0n, 0n, 1n, 0n, 0n, 1n, 0n, 2n]));
        const pd = g.addNode({ opType: 'Pad', inputs: [cat, pads], outputs: ['pd'] }).output();
        const st = (n: string, v: bigint[]) => g.addInitializer(n, tensorFromValues('int64', [v.length], v));
        const sl = g
          .addNode({
            opType: 'Slice',
            inputs: [pd, st('starts', [1n, 0n]), st('ends', [4n, 100n]), st('axes', [1n, 3n]), st('steps', [1n, 2n])],
            outputs: ['sl'],
          })
          .output();
        const k = g.addInitializer('k', tensorFromValues('float32', [3, 1, 1], [1, 2, 3]));
        const mu = g.addNode({ opType: 'Mul', inputs: [sl, k], outputs: ['mu'] }).output();
        return g
          .addNode({
            opType: 'Sub',
            inputs: [mu, g.addInitializer('one', tensorFromValues('float32', [], [1]))],
            outputs: ['y'],
          })
          .output();
      },
      [1, 3, 5, 3],
    );
    const { tflite, onnx, tfl } = await exportAndRun(m, noise(32, 16));
    expect(ops(tflite)).toEqual([
      'TRANSPOSE',
      'CONV_2D',
      'CONV_2D',
      'CONCATENATION',
      'PAD',
      'STRIDED_SLICE',
      'MUL',
      'SUB',
      'TRANSPOSE',
    ]);
    expect(node(tflite, 'CONCATENATION').getInt('axis')).toBe(3);
    expect([...node(tflite, 'PAD').input(1)!.const!.values()]).toEqual([0, 0, 1, 0, 0, 2, 0, 1]); // N, H, W, C rows
    expect(node(tflite, 'MUL').input(1)!.shape).toEqual([1, 1, 1, 3]);
    expect(maxAbsDiff(tfl, onnx)).toBeLessThan(TOL);
  });

  it('ConvTranspose -> TRANSPOSE_CONV (OHWI weights, output_shape input); LeakyRelu and Tanh', async () => {
    const m = onnxModel(
      [1, 2, 3, 3],
      (g, x) => {
        const ct = g
          .addNode({
            opType: 'ConvTranspose',
            inputs: [x, weight(g, 'w', [2, 3, 3, 3]), weight(g, 'b', [3], 2)],
            outputs: ['ct'],
            attributes: { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]) },
          })
          .output();
        const lr = g
          .addNode({ opType: 'LeakyRelu', inputs: [ct], outputs: ['lr'], attributes: { alpha: attr.float(0.2) } })
          .output();
        return g.addNode({ opType: 'Tanh', inputs: [lr], outputs: ['y'] }).output();
      },
      [1, 3, 7, 7],
    );
    const { tflite, onnx, tfl } = await exportAndRun(m, noise(18, 17));
    expect(ops(tflite)).toEqual(['TRANSPOSE', 'TRANSPOSE_CONV', 'LEAKY_RELU', 'TANH', 'TRANSPOSE']);
    const t = node(tflite, 'TRANSPOSE_CONV');
    expect(t.input(1)!.shape).toEqual([3, 3, 3, 2]);
    expect([...t.input(0)!.const!.values()]).toEqual([1, 7, 7, 3]);
    expect(maxAbsDiff(tfl, onnx)).toBeLessThan(TOL);
  });

  it('refuses what TFLite cannot run with an UnsupportedError naming the op', () => {
    const gelu = onnxModel(
      [1, 4],
      (g, x) => g.addNode({ opType: 'Erf', inputs: [x], outputs: ['y'] }).output(),
      [1, 4],
    );
    expect(() => exportToTflite(gelu)).toThrow(UnsupportedError);
    expect(() => exportToTflite(gelu)).toThrow(
      expect.objectContaining({
        code: 'tflite/export-unsupported',
        node: 'Erf(y)',
        message: expect.stringContaining('Erf'),
      }),
    );
    const grouped = onnxModel(
      [1, 4, 3, 3],
      (g, x) =>
        g
          .addNode({
            opType: 'Conv',
            inputs: [x, weight(g, 'w', [4, 2, 1, 1])],
            outputs: ['y'],
            attributes: { group: attr.int(2), kernel_shape: attr.ints([1, 1]) },
          })
          .output(),
      [1, 4, 3, 3],
    );
    expect(() => exportToTflite(grouped)).toThrow(
      expect.objectContaining({ code: 'tflite/export-unsupported', field: 'group' }),
    );
    const zeroStride = onnxModel(
      [1, 1, 4, 4],
      (g, x) =>
        g
          .addNode({
            opType: 'MaxPool',
            inputs: [x],
            outputs: ['y'],
            attributes: { kernel_shape: attr.ints([2, 2]), strides: attr.ints([0, 1]) },
          })
          .output(),
      [1, 1, 2, 2],
    );
    expect(() => exportToTflite(zeroStride)).toThrow(
      expect.objectContaining({ code: 'tflite/export-unsupported', field: 'strides' }),
    );
    expect(() => exportToTflite(gelu, { mode: 'int8' })).toThrow(
      expect.objectContaining({ code: 'tflite/export-needs-qdq' }),
    );
    expect(() => exportToTflite(gelu, { mode: 'int4' as 'int8' })).toThrow(
      expect.objectContaining({ code: 'tflite/bad-mode' }),
    );
  });
});

describe('exportToTflite: modes', () => {
  const convFc = () =>
    onnxModel(
      [1, 2, 4, 4],
      (g, x) => {
        const c = g
          .addNode({
            opType: 'Conv',
            inputs: [x, weight(g, 'w', [4, 2, 3, 3]), weight(g, 'b', [4], 3)],
            outputs: ['c'],
            attributes: conv(3),
          })
          .output();
        const f = g.addNode({ opType: 'Flatten', inputs: [c], outputs: ['f'] }).output();
        return g.addNode({ opType: 'Gemm', inputs: [f, weight(g, 'fc', [16, 3], 4)], outputs: ['y'] }).output();
      },
      [1, 3],
    );

  it('float16: weights stored float16 behind DEQUANTIZE; outputs within 1e-2 of float32', async () => {
    const { tflite, onnx, tfl } = await exportAndRun(convFc(), noise(32, 20), { mode: 'float16' });
    expect(ops(tflite)).toEqual([
      'TRANSPOSE',
      'DEQUANTIZE',
      'DEQUANTIZE',
      'CONV_2D',
      'RESHAPE',
      'DEQUANTIZE',
      'DEQUANTIZE',
      'FULLY_CONNECTED',
    ]);
    const deq = [...tflite.graph].filter((n) => n.opType === 'DEQUANTIZE');
    expect(deq.every((n) => n.input(0)!.dtype === 'float16' && n.input(0)!.const !== undefined)).toBe(true);
    expect(maxAbsDiff(tfl, onnx)).toBeLessThan(1e-2);
  });

  it('dynamic-int8: int8 weights (conv per channel, FC per tensor), float activations and bias', async () => {
    const { tflite, onnx, tfl } = await exportAndRun(convFc(), noise(32, 21), { mode: 'dynamic-int8' });
    expect(ops(tflite)).toEqual(['TRANSPOSE', 'CONV_2D', 'RESHAPE', 'FULLY_CONNECTED']);
    const c = node(tflite, 'CONV_2D');
    expect(c.input(1)!.dtype).toBe('int8');
    expect(c.input(1)!.quant).toMatchObject({ axis: 0 });
    expect(c.input(1)!.quant!.scale.length).toBe(4);
    expect(c.input(2)!.dtype).toBe('float32');
    expect(c.output().dtype).toBe('float32');
    expect(node(tflite, 'FULLY_CONNECTED').input(1)!.quant!.scale.length).toBe(1);
    // int8 weights: error bounded by a few weight quantization steps over the reduction.
    expect(maxAbsDiff(tfl, onnx)).toBeLessThan(0.05);
  });

  it('the exported model lowers back to ONNX (lowerTfliteToOnnx) with the same outputs', async () => {
    const m = convFc();
    const x = noise(32, 22);
    const { tflite, tfl } = await exportAndRun(m, x);
    const back = lowerTfliteToOnnx(tflite);
    expect(maxAbsDiff(await runOrt(back, x), tfl)).toBeLessThan(TOL);
  });

  it('int8: Q/DQ pairs fold into int8 tensors; Conv and Add with quantized inputs and a Q after them run as int8 kernels', async () => {
    const qdq = (g: Graph, v: Value, scale: number, zp: number, name: string): Value => {
      const s = g.addInitializer(`${name}_s`, tensorFromValues('float32', [], [scale]));
      const z = g.addInitializer(`${name}_z`, tensorFromValues('uint8', [], [zp]));
      const q = g.addNode({ opType: 'QuantizeLinear', inputs: [v, s, z], outputs: [`${name}_q`] }).output();
      return g.addNode({ opType: 'DequantizeLinear', inputs: [q, s, z], outputs: [name] }).output();
    };
    const m = onnxModel(
      [1, 2, 4, 4],
      (g, x) => {
        const xq = qdq(g, x, 0.02, 128, 'xq');
        const wq = g.addInitializer('w_q', tensorFromValues('int8', [3, 2, 1, 1], [127, -50, 3, 100, -127, 20]));
        const ws = g.addInitializer('w_s', tensorFromValues('float32', [3], [0.01, 0.02, 0.005]));
        const wz = g.addInitializer('w_z', tensorFromValues('int8', [3], [0, 0, 0]));
        const w = g
          .addNode({
            opType: 'DequantizeLinear',
            inputs: [wq, ws, wz],
            outputs: ['w'],
            attributes: { axis: attr.int(0) },
          })
          .output();
        const bq = g.addInitializer('b_q', tensorFromValues('int32', [3], [500, -200, 1000]));
        const bs = g.addInitializer('b_s', tensorFromValues('float32', [3], [0.0002, 0.0004, 0.0001]));
        const b = g
          .addNode({
            opType: 'DequantizeLinear',
            inputs: [bq, bs, g.addInitializer('b_z', tensorFromValues('int32', [3], [0, 0, 0]))],
            outputs: ['b'],
            attributes: { axis: attr.int(0) },
          })
          .output();
        const c = g.addNode({ opType: 'Conv', inputs: [xq, w, b], outputs: ['c'], attributes: conv(1) }).output();
        const cq = qdq(g, c, 0.004, 128, 'cq');
        const a = g.addNode({ opType: 'Add', inputs: [cq, cq], outputs: ['a'] }).output();
        return qdq(g, a, 0.008, 128, 'y');
      },
      [1, 3, 4, 4],
    );
    const { tflite, onnx, tfl } = await exportAndRun(m, noise(32, 30), { mode: 'int8' });
    expect(ops(exportToTflite(m))).toEqual(['TRANSPOSE', 'CONV_2D', 'ADD', 'TRANSPOSE']); // other modes drop the Q/DQ pairs
    expect(ops(tflite)).toEqual(['QUANTIZE', 'TRANSPOSE', 'CONV_2D', 'ADD', 'DEQUANTIZE', 'TRANSPOSE']);
    const c = node(tflite, 'CONV_2D');
    expect(c.inputs.map((v) => v!.dtype)).toEqual(['int8', 'int8', 'int32']);
    expect(Array.from(c.input(1)!.quant!.scale)).toEqual([0.01, 0.02, 0.005].map(Math.fround));
    expect(c.input(1)!.quant!.axis).toBe(0);
    expect(Array.from(c.input(2)!.const!.values() as Int32Array)).toEqual([500, -200, 1000]);
    expect(c.output().quant).toMatchObject({ dtype: 'int8', zeroPoint: Int32Array.of(0) });
    expect(node(tflite, 'QUANTIZE').output().quant!.zeroPoint[0]).toBe(0); // uint8 128 -> int8 0
    expect(node(tflite, 'ADD').output().quant!.scale[0]).toBe(Math.fround(0.008));
    // Integer kernels vs onnxruntime's float-between-QDQ: at most one output step (0.008) apart.
    expect(maxAbsDiff(tfl, onnx)).toBeLessThanOrEqual(0.008 + 1e-6);
  });
});

describe('exportToTflite: shared constants', () => {
  it('a weight read by several Gemms (an unrolled recurrence) becomes one tensor and one buffer', async () => {
    const STEPS = 6;
    const m = onnxModel(
      [1, 16],
      (g, x) => {
        const w = weight(g, 'w', [16, 16]);
        const b = g.addInitializer('b', tensorFromValues('float32', [16], noise(16, 3)));
        let h = x;
        for (let i = 0; i < STEPS; i++) {
          const y = g
            .addNode({ opType: 'Gemm', inputs: [h, w, b], outputs: [`y${i}`], attributes: { transB: attr.int(1) } })
            .output();
          h = g.addNode({ opType: 'Tanh', inputs: [y], outputs: [`h${i}`] }).output();
        }
        return h;
      },
      [1, 16],
    );
    const { tflite, onnx, tfl } = await exportAndRun(m, noise(16, 5));
    const fcs = [...tflite.graph].filter((n) => n.opType === 'FULLY_CONNECTED');
    expect(fcs.length).toBe(STEPS);
    expect(new Set(fcs.map((n) => n.input(1))).size).toBe(1);
    expect(new Set(fcs.map((n) => n.input(2))).size).toBe(1);
    expect(tflite.graph.initializers().length).toBe(2);
    expect(maxAbsDiff(tfl, onnx)).toBeLessThan(TOL);
  });

  it('float16 mode: one float16 weight (and one zero bias) each behind one DEQUANTIZE', () => {
    const m = onnxModel(
      [1, 8],
      (g, x) => {
        const w = weight(g, 'w', [8, 8]);
        const a = g
          .addNode({ opType: 'Gemm', inputs: [x, w], outputs: ['a'], attributes: { transB: attr.int(1) } })
          .output();
        return g
          .addNode({ opType: 'Gemm', inputs: [a, w], outputs: ['y'], attributes: { transB: attr.int(1) } })
          .output();
      },
      [1, 8],
    );
    const t = exportToTflite(m, { mode: 'float16' });
    expect(t.graph.initializers().map((v) => v.const!.shape)).toEqual([[8, 8], [8]]);
    expect(ops(t)).toEqual(['DEQUANTIZE', 'DEQUANTIZE', 'FULLY_CONNECTED', 'FULLY_CONNECTED']);
  });
});
