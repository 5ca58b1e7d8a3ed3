// One small function per TFLite op: from a `tflite` node to float ONNX ops (opset 20/21). Tensors keep
// TFLite's NHWC layout; spatial ops are wrapped in Transposes to NCHW and back, and weights are
// transposed by Transpose nodes on constants (onnxruntime folds them). Each returns the float
// result for every output of the node.
import { attr, type Attr, type Node, type Value } from '@enxuto/ir';
import { constInts, quantOf, type LowerContext } from './context.js';
import { MATH_LOWERINGS } from './ops-math.js';
import { SHAPE_LOWERINGS } from './ops-shape.js';
import { lowerConvolution2DTransposeBias, lowerTransposeConv } from './ops-transpose-conv.js';
import {
  activation,
  binary,
  convSpatial,
  constantInput,
  inNchw,
  input,
  optionalInput,
  spatial,
  TO_NCHW,
  transpose,
  unary,
  unsupported,
  weights,
  type Lowering,
} from './helpers.js';

function pool(opType: string): Lowering {
  return (ctx, n) => [
    inNchw(
      ctx,
      n,
      input(ctx, n, 0),
      (x) =>
        ctx.op(opType, [x], {
          kernel_shape: attr.ints([n.getInt('filter_height', 1), n.getInt('filter_width', 1)]),
          ...spatial(n),
        })[0]!,
    ),
  ];
}

function lstm(ctx: LowerContext, n: Node): Value[] {
  const present = (i: number) => n.inputs[i] !== null && n.inputs[i] !== undefined;
  if (!present(1) || !present(5)) unsupported(n, 'CIFG LSTMs (no input gate) have no ONNX LSTM form', 'inputs[1]');
  for (const i of [9, 10, 11, 16, 17, 20, 21, 22, 23]) {
    if (present(i)) unsupported(n, 'peephole, projection and layer-norm LSTMs have no ONNX LSTM form', `inputs[${i}]`);
  }
  if (
    n.inputs.slice(0, 20).some((v) => v !== null && v !== undefined && v.quant !== undefined && v.dtype !== 'float32')
  ) {
    unsupported(n, 'integer (quantized) LSTM kernels have no ONNX form', 'inputs');
  }
  const w = (indices: number[]) => {
    // ONNX gate order is i, o, f, c; TFLite's inputs are i, f, c, o.
    const cat = ctx.op(
      'Concat',
      indices.map((i) => input(ctx, n, i)),
      { axis: attr.int(0) },
      'lstm_w',
    )[0]!;
    return ctx.op('Unsqueeze', [cat, ctx.int64('axis0', [0])], {}, 'lstm_w3')[0]!;
  };
  const Wx = w([1, 4, 2, 3]);
  const Rx = w([5, 8, 6, 7]);
  const bias = ctx.op(
    'Concat',
    [input(ctx, n, 12), input(ctx, n, 15), input(ctx, n, 13), input(ctx, n, 14)],
    { axis: attr.int(0) },
    'lstm_b',
  )[0]!;
  const zeros = ctx.op('Mul', [bias, ctx.float32('zero', [0])], {}, 'lstm_rb')[0]!;
  const B = ctx.op(
    'Unsqueeze',
    [ctx.op('Concat', [bias, zeros], { axis: attr.int(0) }, 'lstm_wb_rb')[0]!, ctx.int64('axis0', [0])],
    {},
    'lstm_b2',
  )[0]!;
  const timeMajor = n.getInt('time_major', 0) !== 0;
  // onnxruntime runs only time-major LSTMs (layout 0): batch-major data is transposed around it.
  const x = timeMajor ? input(ctx, n, 0) : transpose(ctx, input(ctx, n, 0), [1, 0, 2], 'lstm_x');
  // States [batch, hidden] -> [num_directions = 1, batch, hidden].
  const state = (i: number) => ctx.op('Unsqueeze', [input(ctx, n, i), ctx.int64('axis', [0])], {}, 'lstm_state')[0]!;
  const hidden = n.inputs[5]?.shape?.[0];
  if (typeof hidden !== 'number') unsupported(n, 'the hidden size must be static', 'inputs[5]');
  const act = n.getString('fused_activation_function', 'TANH');
  const cellAct =
    act === 'TANH'
      ? 'Tanh'
      : act === 'RELU'
        ? 'Relu'
        : unsupported(n, `activation ${act}`, 'fused_activation_function');
  const attrs: Record<string, Attr> = {
    hidden_size: attr.int(hidden),
    activations: attr.strings(['Sigmoid', cellAct, cellAct]),
  };
  const [Y] = ctx.op('LSTM', [x, Wx, Rx, B, null, state(18), state(19)], attrs, 'lstm', 3);
  // Y: [seq, 1, batch, hidden] -> drop the direction axis (and go back to batch-major).
  const y = ctx.op('Squeeze', [Y!, ctx.int64('axis', [1])], {}, 'lstm_y')[0]!;
  return [timeMajor ? y : transpose(ctx, y, [1, 0, 2], 'lstm_y_bm')];
}

function stridedSlice(ctx: LowerContext, n: Node): Value[] {
  const begin = constantInput(n, 1, 'begin');
  const end = constantInput(n, 2, 'end');
  const strides = n.inputs[3] ? constantInput(n, 3, 'strides') : begin.map(() => 1);
  if (n.getInt('ellipsis_mask', 0) !== 0 || n.getInt('new_axis_mask', 0) !== 0)
    unsupported(n, 'ellipsis and new-axis masks are not lowered', 'ellipsis_mask');
  if (n.getInt('offset', 0) !== 0) unsupported(n, 'offset slices are not lowered', 'offset');
  const beginMask = n.getInt('begin_mask', 0);
  const endMask = n.getInt('end_mask', 0);
  const shrink = n.getInt('shrink_axis_mask', 0);
  const BIG = 2 ** 62;
  const starts: number[] = [];
  const ends: number[] = [];
  begin.forEach((b, i) => {
    const step = strides[i]!;
    starts.push(beginMask & (1 << i) ? (step > 0 ? 0 : BIG) : b);
    if (shrink & (1 << i)) ends.push(b === -1 ? BIG : b + 1);
    else ends.push(endMask & (1 << i) ? (step > 0 ? BIG : -BIG) : end[i]!);
  });
  const axes = begin.map((_, i) => i);
  let y = ctx.op(
    'Slice',
    [
      input(ctx, n, 0),
      ctx.int64('starts', starts),
      ctx.int64('ends', ends),
      ctx.int64('axes', axes),
      ctx.int64('steps', strides),
    ],
    {},
    'slice',
  )[0]!;
  const squeezed = axes.filter((i) => shrink & (1 << i));
  if (squeezed.length > 0) y = ctx.op('Squeeze', [y, ctx.int64('axes', squeezed)])[0]!;
  return [y];
}

export const LOWERINGS: Readonly<Record<string, Lowering>> = {
  ...MATH_LOWERINGS,
  ...SHAPE_LOWERINGS,
  ADD: binary('Add'),
  SUB: binary('Sub'),
  MUL: binary('Mul'),
  DIV: binary('Div'),
  RELU: unary('Relu'),
  RELU6: (ctx, n) => [ctx.op('Clip', [input(ctx, n, 0), ctx.float32('zero', [0]), ctx.float32('six', [6])])[0]!],
  LEAKY_RELU: unary('LeakyRelu', (n) => ({ alpha: attr.float(n.getFloat('alpha', 0.2)) })),
  LOGISTIC: unary('Sigmoid'),
  TANH: unary('Tanh'),
  SOFTMAX: (ctx, n) => {
    const beta = n.getFloat('beta', 1);
    const x = input(ctx, n, 0);
    const scaled = beta === 1 ? x : ctx.op('Mul', [x, ctx.float32('beta', [beta])])[0]!;
    return [ctx.op('Softmax', [scaled], { axis: attr.int(-1) })[0]!];
  },
  QUANTIZE: (ctx, n) => {
    // The driver quantizes the result with the output's parameters. Requantizing to a wide type
    // goes through doubles (the driver's spelled-out quantization takes doubles as they are).
    const out = n.outputs[0];
    const x = n.inputs[0];
    if (x && out && quantOf(x) !== undefined && /^u?int(32|64)$/.test(out.dtype ?? '')) return [ctx.realAsDouble(x, n)];
    return [ctx.op('Identity', [input(ctx, n, 0)])[0]!];
  },
  // float16 weights behind DEQUANTIZE (the converter's float16 models) become a Cast.
  DEQUANTIZE: (ctx, n) =>
    n.inputs[0]?.dtype === 'float16'
      ? [ctx.op('Cast', [input(ctx, n, 0)], { to: attr.int(1) })[0]!]
      : [ctx.op('Identity', [input(ctx, n, 0)])[0]!],
  // The reader already gives a sparse constant its dense values: DENSIFY passes them on.
  DENSIFY: (ctx, n) => [ctx.op('Identity', [input(ctx, n, 0)])[0]!],
  CONV_2D: (ctx, n) => {
    const w = weights(ctx, n, 1, TO_NCHW, 'conv_w'); // [O, KH, KW, I] -> [O, I, KH, KW]
    const b = optionalInput(ctx, n, 2);
    const attrs = convSpatial(n);
    return [inNchw(ctx, n, input(ctx, n, 0), (x) => ctx.op('Conv', b ? [x, w, b] : [x, w], attrs)[0]!)];
  },
  DEPTHWISE_CONV_2D: (ctx, n) => {
    const channels = n.inputs[0]?.shape?.[3];
    if (typeof channels !== 'number') unsupported(n, 'the input channel count must be static', 'inputs[0]');
    const w = weights(ctx, n, 1, [3, 0, 1, 2], 'dw_w'); // [1, KH, KW, C*M] -> [C*M, 1, KH, KW]
    const b = optionalInput(ctx, n, 2);
    const attrs = { ...convSpatial(n), group: attr.int(channels) };
    return [inNchw(ctx, n, input(ctx, n, 0), (x) => ctx.op('Conv', b ? [x, w, b] : [x, w], attrs)[0]!)];
  },
  TRANSPOSE_CONV: lowerTransposeConv,
  FULLY_CONNECTED: (ctx, n) => {
    const weights = n.inputs[1];
    const inner = weights?.shape?.[1];
    if (typeof inner !== 'number') unsupported(n, 'the weight shape must be static', 'inputs[1]');
    const w = input(ctx, n, 1);
    const b = optionalInput(ctx, n, 2);
    let y: Value;
    if (n.getInt('keep_num_dims', 0) !== 0) {
      y = ctx.op('MatMul', [input(ctx, n, 0), transpose(ctx, w, [1, 0], 'fc_wt')])[0]!;
      if (b) y = ctx.op('Add', [y, b])[0]!;
    } else {
      const x2 = ctx.op('Reshape', [input(ctx, n, 0), ctx.int64('fc_shape', [-1, inner])])[0]!;
      y = ctx.op('Gemm', b ? [x2, w, b] : [x2, w], { transB: attr.int(1) })[0]!;
    }
    return [activation(ctx, n, y)];
  },
  MAX_POOL_2D: pool('MaxPool'),
  AVERAGE_POOL_2D: pool('AveragePool'),
  RESHAPE: (ctx, n) => {
    const fromInput = constInts(n.inputs[1] ?? null);
    const shape = fromInput ?? n.getInts('new_shape');
    if (shape === undefined) {
      const dyn = n.inputs[1];
      if (!dyn) unsupported(n, 'no target shape', 'inputs[1]');
      return [ctx.op('Reshape', [input(ctx, n, 0), ctx.op('Cast', [ctx.raw(dyn, n)], { to: attr.int(7) })[0]!])[0]!];
    }
    return [ctx.op('Reshape', [input(ctx, n, 0), ctx.int64('shape', shape)])[0]!];
  },
  CONCATENATION: (ctx, n) => [
    activation(
      ctx,
      n,
      ctx.op(
        'Concat',
        n.inputs.map((_, i) => input(ctx, n, i)),
        { axis: attr.int(n.getInt('axis', 0)) },
      )[0]!,
    ),
  ],
  PAD: (ctx, n) => {
    const p = constantInput(n, 1, 'paddings');
    const rank = p.length / 2;
    const pads = [
      ...Array.from({ length: rank }, (_, i) => p[2 * i]!),
      ...Array.from({ length: rank }, (_, i) => p[2 * i + 1]!),
    ];
    return [ctx.op('Pad', [input(ctx, n, 0), ctx.int64('pads', pads)])[0]!];
  },
  TRANSPOSE: (ctx, n) => [transpose(ctx, input(ctx, n, 0), constantInput(n, 1, 'perm'))],
  STRIDED_SLICE: stridedSlice,
  UNIDIRECTIONAL_SEQUENCE_LSTM: lstm,
};

/** TFLite custom ops (domain tflite.custom) with an exact ONNX form, by custom code. */
export const CUSTOM_LOWERINGS: Readonly<Record<string, Lowering>> = {
  Convolution2DTransposeBias: lowerConvolution2DTransposeBias,
};
