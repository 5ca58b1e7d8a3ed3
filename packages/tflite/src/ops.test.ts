// The ops the toolkit must handle: each becomes a `tflite` node whose attributes are its builtin
// options, and is written back with exactly the options, opcode and version it was read with.
import { attr, Model, tensorFromValues, tensorType } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { opcode, operator, tensor } from '../test/tiny-model.js';
import { readTflite } from './read.js';
import { decodeModel } from './schema/decode.js';
import { encodeModel } from './schema/encode.js';
import { BuiltinOperator, type BuiltinOptionsT, type ModelT } from './schema/schema.generated.js';
import { writeTflite } from './write.js';

const TABLE: [keyof typeof BuiltinOperator, BuiltinOptionsT | undefined][] = [
  [
    'CONV_2D',
    {
      type: 'Conv2DOptions',
      value: {
        padding: 1,
        stride_w: 2,
        stride_h: 3,
        fused_activation_function: 1,
        dilation_w_factor: 1,
        dilation_h_factor: 2,
        quantized_bias_type: 0,
      },
    },
  ],
  [
    'DEPTHWISE_CONV_2D',
    {
      type: 'DepthwiseConv2DOptions',
      value: {
        padding: 0,
        stride_w: 1,
        stride_h: 1,
        depth_multiplier: 2,
        fused_activation_function: 3,
        dilation_w_factor: 2,
        dilation_h_factor: 2,
      },
    },
  ],
  [
    'TRANSPOSE_CONV',
    {
      type: 'TransposeConvOptions',
      value: { padding: 0, stride_w: 2, stride_h: 2, fused_activation_function: 0, quantized_bias_type: 0 },
    },
  ],
  [
    'FULLY_CONNECTED',
    {
      type: 'FullyConnectedOptions',
      value: {
        fused_activation_function: 1,
        weights_format: 0,
        keep_num_dims: true,
        asymmetric_quantize_inputs: false,
        quantized_bias_type: 0,
      },
    },
  ],
  ['ADD', { type: 'AddOptions', value: { fused_activation_function: 3, pot_scale_int16: false } }],
  ['SUB', { type: 'SubOptions', value: { fused_activation_function: 0, pot_scale_int16: true } }],
  ['MUL', { type: 'MulOptions', value: { fused_activation_function: 1 } }],
  ['DIV', { type: 'DivOptions', value: { fused_activation_function: 0 } }],
  ['RELU', undefined],
  ['RELU6', undefined],
  ['LEAKY_RELU', { type: 'LeakyReluOptions', value: { alpha: Math.fround(0.2) } }],
  ['LOGISTIC', undefined],
  ['TANH', undefined],
  ['SOFTMAX', { type: 'SoftmaxOptions', value: { beta: 1.5 } }],
  [
    'MAX_POOL_2D',
    {
      type: 'Pool2DOptions',
      value: { padding: 1, stride_w: 2, stride_h: 2, filter_width: 3, filter_height: 3, fused_activation_function: 0 },
    },
  ],
  [
    'AVERAGE_POOL_2D',
    {
      type: 'Pool2DOptions',
      value: { padding: 0, stride_w: 1, stride_h: 1, filter_width: 2, filter_height: 2, fused_activation_function: 3 },
    },
  ],
  ['MEAN', { type: 'ReducerOptions', value: { keep_dims: true } }],
  ['RESHAPE', { type: 'ReshapeOptions', value: { new_shape: [1, -1] } }],
  ['CONCATENATION', { type: 'ConcatenationOptions', value: { axis: 3, fused_activation_function: 0 } }],
  ['PAD', { type: 'PadOptions', value: {} }],
  ['TRANSPOSE', { type: 'TransposeOptions', value: {} }],
  [
    'STRIDED_SLICE',
    {
      type: 'StridedSliceOptions',
      value: { begin_mask: 1, end_mask: 2, ellipsis_mask: 0, new_axis_mask: 0, shrink_axis_mask: 4, offset: false },
    },
  ],
  ['QUANTIZE', { type: 'QuantizeOptions', value: {} }],
  ['DEQUANTIZE', { type: 'DequantizeOptions', value: {} }],
  [
    'UNIDIRECTIONAL_SEQUENCE_LSTM',
    {
      type: 'UnidirectionalSequenceLSTMOptions',
      value: {
        fused_activation_function: 4,
        cell_clip: 10,
        proj_clip: 0,
        time_major: false,
        asymmetric_quantize_inputs: false,
        diagonal_recurrent_tensors: false,
      },
    },
  ],
];

function oneOpModel(op: keyof typeof BuiltinOperator, options: BuiltinOptionsT | undefined): ModelT {
  return {
    version: 3,
    operator_codes: [opcode(BuiltinOperator[op], 3)],
    buffers: [{ offset: 0, size: 0 }],
    subgraphs: [
      {
        tensors: [tensor('x', [1, 4, 4, 2]), tensor('y', [1, 4, 4, 2])],
        inputs: [0],
        outputs: [1],
        operators: [operator(0, [0], [1], options === undefined ? {} : { builtin_options: options })],
        debug_metadata_index: -1,
      },
    ],
  };
}

describe('ops as tflite-domain nodes', () => {
  it.each(TABLE)('%s keeps its options, opcode and version through read -> write', (op, options) => {
    const bytes = encodeModel(oneOpModel(op, options));
    const model = readTflite(bytes);
    const node = model.graph.nodes[0]!;
    expect(node.domain).toBe('tflite');
    expect(node.opType).toBe(op);
    expect(node.attributes.size).toBe(Object.keys(options?.value ?? {}).length);
    const back = decodeModel(writeTflite(model));
    const written = back.subgraphs![0]!.operators![0]!;
    expect(back.operator_codes![written.opcode_index]).toMatchObject({ builtin_code: BuiltinOperator[op], version: 3 });
    expect(written.builtin_options).toEqual(options);
  });

  it('enum options read as their names, numbers as numbers', () => {
    const node = readTflite(encodeModel(oneOpModel('CONV_2D', TABLE[0]![1]))).graph.nodes[0]!;
    expect(node.getString('padding')).toBe('VALID');
    expect(node.getString('fused_activation_function')).toBe('RELU');
    expect(node.getInt('stride_h')).toBe(3);
    const lstm = readTflite(encodeModel(oneOpModel('UNIDIRECTIONAL_SEQUENCE_LSTM', TABLE.at(-1)![1]))).graph.nodes[0]!;
    expect(lstm.getFloat('cell_clip')).toBe(10);
    expect(lstm.getInt('time_major')).toBe(0);
  });

  it('a node built by a pass (no reader extras) gets its conventional options table', () => {
    const model = new Model();
    model.opsetImports.clear();
    model.opsetImports.set('tflite', 3);
    const g = model.graph;
    const x = g.addInput('x', tensorType('float32', [1, 8, 8, 3]));
    const w = g.addInitializer('w', tensorFromValues('float32', [4, 3, 3, 3], new Float32Array(108).fill(0.25)));
    const b = g.addInitializer('b', tensorFromValues('float32', [4], new Float32Array(4)));
    const conv = g.addNode({
      opType: 'CONV_2D',
      domain: 'tflite',
      inputs: [x, w, b],
      outputs: ['y'],
      attributes: {
        padding: attr.string('SAME'),
        stride_w: attr.int(1),
        stride_h: attr.int(1),
        fused_activation_function: attr.string('RELU6'),
      },
    });
    conv.output().type = tensorType('float32', [1, 8, 8, 4]);
    const pool = g.addNode({
      opType: 'MAX_POOL_2D',
      domain: 'tflite',
      inputs: [conv.output()],
      outputs: ['z'],
      attributes: {
        filter_width: attr.int(2),
        filter_height: attr.int(2),
        stride_w: attr.int(2),
        stride_h: attr.int(2),
      },
    });
    pool.output().type = tensorType('float32', [1, 4, 4, 4]);
    g.setOutputs([pool.output()]);
    const back = decodeModel(writeTflite(model));
    const [c, p] = back.subgraphs![0]!.operators!;
    expect(c!.builtin_options).toEqual({
      type: 'Conv2DOptions',
      value: {
        padding: 0,
        stride_w: 1,
        stride_h: 1,
        fused_activation_function: 3,
        dilation_w_factor: 1,
        dilation_h_factor: 1,
        quantized_bias_type: 0,
      },
    });
    expect(p!.builtin_options?.type).toBe('Pool2DOptions');
    expect(back.subgraphs![0]!.tensors!.map((t) => t.name)).toEqual(['x', 'w', 'b', 'y', 'z']);
    expect(back.buffers!.map((buf) => buf.data?.length ?? 0)).toEqual([0, 432, 16]);
  });

  it('refuses attributes of the wrong kind and ops outside the tflite domains', () => {
    const model = readTflite(encodeModel(oneOpModel('CONV_2D', TABLE[0]![1])));
    const node = model.graph.nodes[0]!;
    node.setAttr('padding', attr.string('DIAGONAL'));
    expect(() => writeTflite(model)).toThrow(
      expect.objectContaining({ code: 'tflite/bad-attribute', field: 'padding' }),
    );
    node.setAttr('padding', attr.string('SAME'));
    node.opType = 'NOT_AN_OP';
    expect(() => writeTflite(model)).toThrow(expect.objectContaining({ code: 'tflite/unwritable', field: 'opType' }));
  });
});
