// Each lowered builtin against the real TFLite interpreter: a one-op model runs in the interpreter
// and, lowered to ONNX, in onnxruntime on the same inputs.
import { attr, tensorFromBytes, UnsupportedError } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { noise } from '../../test/export-harness.js';
import { oneOp, relativeError, runBoth, runLowered, type OperandSpec } from '../../test/lower-harness.js';
import { TFLITE_CUSTOM_DOMAIN } from '../extras.js';
import { lowerTfliteToOnnx } from './to-onnx.js';

type Case = [
  string,
  OperandSpec[],
  { shape: number[]; dtype?: 'float32' | 'int32' | 'bool' | 'int64' }[],
  Record<string, number | string | number[]>?,
];

const X = (shape: number[]): OperandSpec => ({ shape });
const I32 = (data: number[], shape = [data.length]): OperandSpec => ({ shape, dtype: 'int32', data });
const F = (data: number[], shape = [data.length]): OperandSpec => ({ shape, data });

const CASES: Case[] = [
  ['HARD_SWISH', [X([1, 4, 4, 3])], [{ shape: [1, 4, 4, 3] }]],
  ['EXP', [X([2, 5])], [{ shape: [2, 5] }]],
  ['ABS', [X([2, 5])], [{ shape: [2, 5] }]],
  ['NEG', [X([2, 5])], [{ shape: [2, 5] }]],
  ['SQUARE', [X([2, 5])], [{ shape: [2, 5] }]],
  ['FLOOR', [X([2, 5])], [{ shape: [2, 5] }]],
  ['SIN', [X([2, 5])], [{ shape: [2, 5] }]],
  ['ELU', [X([2, 5])], [{ shape: [2, 5] }]],
  ['RELU_N1_TO_1', [X([2, 5])], [{ shape: [2, 5] }]],
  ['LOG_SOFTMAX', [X([2, 5])], [{ shape: [2, 5] }]],
  ['MINIMUM', [X([2, 5]), X([2, 5])], [{ shape: [2, 5] }]],
  ['MAXIMUM', [X([2, 5]), F([0.25])], [{ shape: [2, 5] }]],
  ['SQUARED_DIFFERENCE', [X([2, 5]), X([2, 5])], [{ shape: [2, 5] }]],
  ['FLOOR_DIV', [X([2, 5]), F([0.3])], [{ shape: [2, 5] }]],
  ['FLOOR_MOD', [X([2, 5]), F([-0.3])], [{ shape: [2, 5] }]],
  ['PRELU', [X([1, 3, 3, 4]), F([0.1, 0.2, -0.3, 0.4], [1, 1, 4])], [{ shape: [1, 3, 3, 4] }]],
  ['L2_NORMALIZATION', [X([2, 6])], [{ shape: [2, 6] }], { fused_activation_function: 'NONE' }],
  ['SUM', [X([2, 3, 4]), I32([1])], [{ shape: [2, 4] }], { keep_dims: 0 }],
  ['REDUCE_MAX', [X([2, 3, 4]), I32([0, 2])], [{ shape: [1, 3, 1] }], { keep_dims: 1 }],
  ['REDUCE_MIN', [X([2, 3, 4]), I32([2])], [{ shape: [2, 3] }], { keep_dims: 0 }],
  ['REDUCE_PROD', [X([2, 3, 4]), I32([1])], [{ shape: [2, 4] }], { keep_dims: 0 }],
  ['CUMSUM', [X([2, 5]), I32([1], [])], [{ shape: [2, 5] }], { exclusive: 1, reverse: 1 }],
  ['GREATER', [X([2, 5]), X([2, 5])], [{ shape: [2, 5], dtype: 'bool' }]],
  ['SELECT_V2', [{ shape: [2, 5], dtype: 'bool' }, X([2, 5]), F([7])], [{ shape: [2, 5] }]],
  ['SQUEEZE', [X([1, 3, 1, 2])], [{ shape: [3, 2] }], { squeeze_dims: [] }],
  ['EXPAND_DIMS', [X([3, 2]), I32([1], [])], [{ shape: [3, 1, 2] }]],
  ['SPLIT', [I32([1], []), X([2, 6])], [{ shape: [2, 3] }, { shape: [2, 3] }], { num_splits: 2 }],
  [
    'SPLIT_V',
    [X([2, 6]), I32([1, -1, 2]), I32([-1], [])],
    [{ shape: [2, 1] }, { shape: [2, 3] }, { shape: [2, 2] }],
    { num_splits: 3 },
  ],
  ['PACK', [X([2, 3]), X([2, 3])], [{ shape: [2, 2, 3] }], { values_count: 2, axis: 1 }],
  ['UNPACK', [X([2, 3])], [{ shape: [2] }, { shape: [2] }, { shape: [2] }], { num: 3, axis: 1 }],
  ['SLICE', [X([3, 4, 5]), I32([1, 0, 2]), I32([2, -1, 2])], [{ shape: [2, 4, 2] }]],
  ['GATHER', [X([5, 3]), I32([4, 0, 2])], [{ shape: [3, 3] }], { axis: 0, batch_dims: 0 }],
  ['GATHER_ND', [X([4, 3, 2]), I32([0, 1, 3, 2], [2, 2])], [{ shape: [2, 2] }]],
  ['TILE', [X([2, 3]), I32([2, 1])], [{ shape: [4, 3] }]],
  ['FILL', [I32([2, 3]), F([1.5], [])], [{ shape: [2, 3] }]],
  ['SHAPE', [X([2, 3, 4])], [{ shape: [3], dtype: 'int32' }], { out_type: 'INT32' }],
  ['CAST', [X([2, 5])], [{ shape: [2, 5], dtype: 'int32' }]],
  ['RANGE', [I32([1], []), I32([10], []), I32([3], [])], [{ shape: [3], dtype: 'int32' }]],
  ['REVERSE_V2', [X([3, 4]), I32([1])], [{ shape: [3, 4] }]],
  ['PADV2', [X([1, 2, 3]), I32([0, 0, 1, 2, 2, 1], [3, 2]), F([0.5], [])], [{ shape: [1, 5, 6] }]],
  ['MIRROR_PAD', [X([1, 4, 5]), I32([0, 0, 1, 2, 2, 1], [3, 2])], [{ shape: [1, 7, 8] }], { mode: 'REFLECT' }],
  [
    'RESIZE_BILINEAR',
    [X([1, 5, 7, 3]), I32([9, 4])],
    [{ shape: [1, 9, 4, 3] }],
    { align_corners: 0, half_pixel_centers: 1 },
  ],
  [
    'RESIZE_BILINEAR',
    [X([1, 5, 7, 3]), I32([9, 4])],
    [{ shape: [1, 9, 4, 3] }],
    { align_corners: 1, half_pixel_centers: 0 },
  ],
  [
    'RESIZE_BILINEAR',
    [X([1, 5, 7, 3]), I32([10, 14])],
    [{ shape: [1, 10, 14, 3] }],
    { align_corners: 0, half_pixel_centers: 0 },
  ],
  [
    'RESIZE_NEAREST_NEIGHBOR',
    [X([1, 5, 7, 3]), I32([9, 4])],
    [{ shape: [1, 9, 4, 3] }],
    { align_corners: 0, half_pixel_centers: 1 },
  ],
  [
    'RESIZE_NEAREST_NEIGHBOR',
    [X([1, 5, 7, 3]), I32([9, 4])],
    [{ shape: [1, 9, 4, 3] }],
    { align_corners: 1, half_pixel_centers: 0 },
  ],
  [
    'RESIZE_NEAREST_NEIGHBOR',
    [X([1, 5, 7, 3]), I32([9, 13])],
    [{ shape: [1, 9, 13, 3] }],
    { align_corners: 0, half_pixel_centers: 0 },
  ],
  // Dilated SAME convs: onnxruntime has no SAME auto_pad with dilations, so the pads are explicit.
  [
    'CONV_2D',
    [X([1, 9, 10, 3]), X([4, 3, 3, 3]), X([4])],
    [{ shape: [1, 5, 5, 4] }],
    { padding: 'SAME', stride_h: 2, stride_w: 2, dilation_h_factor: 2, dilation_w_factor: 3 },
  ],
  ['DEPTH_TO_SPACE', [X([1, 2, 3, 8])], [{ shape: [1, 4, 6, 2] }], { block_size: 2 }],
  ['SPACE_TO_DEPTH', [X([1, 4, 6, 2])], [{ shape: [1, 2, 3, 8] }], { block_size: 2 }],
  ['BATCH_MATMUL', [X([2, 3, 4]), X([2, 5, 4])], [{ shape: [2, 3, 5] }], { adj_x: 0, adj_y: 1 }],
  ['ARG_MAX', [X([3, 5]), I32([1], [])], [{ shape: [3], dtype: 'int32' }], { output_type: 'INT32' }],
  ['ARG_MIN', [X([3, 5]), I32([0], [])], [{ shape: [5], dtype: 'int32' }], { output_type: 'INT32' }],
];

describe('TFLite builtins lowered to ONNX, against the TFLite interpreter', () => {
  it.each(CASES.map((c, i) => [`${c[0]} #${i}`, c] as const))(
    '%s',
    async (_label, [opType, operands, outputs, attrs]) => {
      const { tflite, onnx } = await runBoth(oneOp(opType, operands, outputs, attrs));
      tflite.forEach((t, i) => expect(relativeError(t, onnx[i]!), `output ${i}`).toBeLessThan(1e-5));
    },
  );

  it('EXP, LOG, SQRT, RSQRT, POW on positive inputs', async () => {
    const x = Float32Array.from(noise(10, 3), (v) => v + 1.5);
    for (const op of ['LOG', 'SQRT', 'RSQRT']) {
      const { tflite, onnx } = await runBoth(oneOp(op, [X([2, 5])], [{ shape: [2, 5] }]), [x]);
      expect(relativeError(tflite[0]!, onnx[0]!), op).toBeLessThan(1e-5);
    }
    const { tflite, onnx } = await runBoth(oneOp('POW', [X([2, 5]), F([1.7])], [{ shape: [2, 5] }]), [x]);
    expect(relativeError(tflite[0]!, onnx[0]!)).toBeLessThan(1e-5);
  });

  it('DEQUANTIZE of float16 weights (the converter float16 form) becomes a Cast to float32', async () => {
    const w = { shape: [2, 5], dtype: 'float16' as const, data: Array.from(noise(10, 5)) };
    const m = oneOp('DEQUANTIZE', [w], [{ shape: [2, 5] }]);
    const add = m.graph.addNode({
      opType: 'ADD',
      domain: 'tflite',
      inputs: [m.graph.addInput('x', m.graph.outputs[0]!.type), m.graph.outputs[0]!],
      outputs: ['z'],
    });
    add.output().type = m.graph.outputs[0]!.type;
    m.graph.setOutputs([add.output()]);
    const { tflite, onnx, lowered } = await runBoth(m);
    expect(lowered.graph.nodes.map((n) => n.opType)).toContain('Cast');
    expect(relativeError(tflite[0]!, onnx[0]!)).toBeLessThan(1e-6);
  });

  it("MediaPipe's Convolution2DTransposeBias is TRANSPOSE_CONV plus its bias, exactly", async () => {
    const weights = { shape: [3, 2, 2, 4], data: Array.from(noise(48, 9)) };
    const bias = { shape: [3], data: [0.5, -0.25, 1] };
    const custom = (padding: number, stride: number) => new Uint8Array(Int32Array.of(padding, stride, stride).buffer);
    for (const [padding, outHW] of [
      [1, 10],
      [2, 10],
    ] as const) {
      const m = oneOp(
        'Convolution2DTransposeBias',
        [X([1, 5, 5, 4]), weights, bias],
        [{ shape: [1, outHW, outHW, 3] }],
        {},
        TFLITE_CUSTOM_DOMAIN,
      );
      m.graph.nodes[0]!.setAttr('custom_options', attr.tensor(tensorFromBytes('uint8', [12], custom(padding, 2))));
      // The same computation as a builtin TRANSPOSE_CONV (bias input, version 3) in the interpreter.
      const ref = oneOp(
        'TRANSPOSE_CONV',
        [I32([1, outHW, outHW, 3]), weights, X([1, 5, 5, 4]), bias],
        [{ shape: [1, outHW, outHW, 3] }],
        { padding: padding === 1 ? 'SAME' : 'VALID', stride_h: 2, stride_w: 2 },
      );
      const x = noise(100, 4);
      const expected = (await runBoth(ref, [x])).tflite[0]!;
      const { onnx } = await runLowered(m, [x]);
      expect(relativeError(expected, onnx[0]!)).toBeLessThan(1e-5);
    }
  });

  it('an op without a lowering is an UnsupportedError naming the op and node', () => {
    const m = oneOp('Unknown_Custom', [X([2])], [{ shape: [2] }], {}, TFLITE_CUSTOM_DOMAIN);
    expect(() => lowerTfliteToOnnx(m)).toThrow(UnsupportedError);
    expect(() => lowerTfliteToOnnx(m)).toThrow(/custom op Unknown_Custom/);
  });

  it('MIRROR_PAD SYMMETRIC is refused with the mode named', () => {
    const m = oneOp('MIRROR_PAD', [X([1, 4]), I32([0, 0, 1, 1], [2, 2])], [{ shape: [1, 6] }], { mode: 'SYMMETRIC' });
    expect(() => lowerTfliteToOnnx(m)).toThrow(/SYMMETRIC has no ONNX Pad mode/);
  });
});
