// TF (graph-model) ops -> ONNX-domain IR ops. One fixed table keyed by op name: a model.json can
// only pick among these functions. Layout-sensitive ops (convolutions, pools) are wrapped in
// NHWC<->NCHW transposes that fold-transposes.ts later cancels where they meet.
import {
  attr,
  type Attr,
  type DataType,
  reshapeTensor,
  tensorFromValues,
  UnsupportedError,
  type Value,
} from '@enxuto/ir';
import { attrBool, attrFloat, attrInt, attrInts, attrString, attrStrings, attrType, type TfNode } from './graphdef.js';
import type { ImportContext } from './import-context.js';
import { formatError } from './json.js';
import { NCHW_TO_NHWC, NHWC_TO_NCHW, transposeTensor } from './kernels.js';

export type TfImporter = (ctx: ImportContext, n: TfNode) => Value | Value[];

const BIG = 2 ** 31 - 1;

function dataFormat(n: TfNode): 'NHWC' | 'NCHW' {
  const f = attrString(n, 'data_format', 'NHWC').toUpperCase();
  if (f !== 'NHWC' && f !== 'NCHW') {
    throw new UnsupportedError(`data_format ${f} is not supported`, {
      code: 'tfjs/unsupported-attr',
      ...n.where,
      field: 'attr.data_format',
    });
  }
  return f;
}

/** [h, w] of a 4-element NHWC/NCHW attribute list (strides, ksize, dilations). */
function spatial(n: TfNode, key: string, fmt: 'NHWC' | 'NCHW'): number[] {
  const v = attrInts(n, key) ?? [1, 1, 1, 1];
  if (v.length !== 4 || v.some((x) => x < 1)) {
    throw formatError(`${key} must be 4 positive integers`, 'tfjs/bad-attr', n.where, `attr.${key}`);
  }
  return fmt === 'NHWC' ? [v[1]!, v[2]!] : [v[2]!, v[3]!];
}

function padding(n: TfNode, fmt: 'NHWC' | 'NCHW'): Record<string, Attr> {
  const p = attrString(n, 'padding', 'VALID').toUpperCase();
  if (p === 'SAME') return { auto_pad: attr.string('SAME_UPPER') };
  if (p === 'VALID') return { pads: attr.ints([0, 0, 0, 0]) };
  if (p === 'EXPLICIT') {
    const e = attrInts(n, 'explicit_paddings') ?? [];
    if (e.length !== 8 || e.some((x) => x < 0)) {
      throw formatError(
        'explicit_paddings must be 8 non-negative integers',
        'tfjs/bad-attr',
        n.where,
        'attr.explicit_paddings',
      );
    }
    const [h, w] = fmt === 'NHWC' ? [1, 2] : [2, 3];
    return { pads: attr.ints([e[2 * h]!, e[2 * w]!, e[2 * h + 1]!, e[2 * w + 1]!]) };
  }
  throw formatError(`unknown padding '${p}'`, 'tfjs/bad-attr', n.where, 'attr.padding');
}

/** Activations TF fuses into convolutions and matmuls (fused_ops), applied in the op's own layout. */
function activation(ctx: ImportContext, n: TfNode, kind: string, x: Value, extra: Value | undefined): Value {
  switch (kind) {
    case 'Relu':
      return ctx.op('Relu', [x], {}, n.name);
    case 'Relu6':
      return ctx.op('Clip', [x, ctx.floatScalar('zero', 0), ctx.floatScalar('six', 6)], {}, n.name);
    case 'Elu':
      return ctx.op('Elu', [x], {}, n.name);
    case 'Sigmoid':
      return ctx.op('Sigmoid', [x], {}, n.name);
    case 'Tanh':
      return ctx.op('Tanh', [x], {}, n.name);
    case 'LeakyRelu':
      return ctx.op('LeakyRelu', [x], { alpha: attr.float(attrFloat(n, 'leakyrelu_alpha', 0.2)) }, n.name);
    case 'Prelu':
      if (!extra) throw formatError('Prelu needs an alpha input', 'tfjs/missing-input', n.where, 'input');
      return ctx.op('PRelu', [x, extra], {}, n.name);
    default:
      throw new UnsupportedError(`fused activation ${kind} is not supported`, {
        code: 'tfjs/unsupported-op',
        ...n.where,
        field: 'attr.fused_ops',
      });
  }
}

/** fused_ops of _FusedConv2D / _FusedMatMul: [BiasAdd?, activation?]. */
function fusedOps(n: TfNode): { bias: boolean; act: string | undefined } {
  const ops = attrStrings(n, 'fused_ops') ?? [];
  let bias = false;
  let act: string | undefined;
  for (const op of ops) {
    if (op === 'BiasAdd' && !bias && act === undefined) bias = true;
    else if (act === undefined && op !== 'BiasAdd') act = op;
    else
      throw new UnsupportedError(`fused_ops ${ops.join(',')} is not supported`, {
        code: 'tfjs/unsupported-op',
        ...n.where,
        field: 'attr.fused_ops',
      });
  }
  return { bias, act };
}

function conv(kind: 'conv' | 'depthwise', fused: boolean): TfImporter {
  return (ctx, n) => {
    const fmt = dataFormat(n);
    const strides = spatial(n, 'strides', fmt);
    const dilations = spatial(n, 'dilations', fmt);
    let x = ctx.input(n, 0);
    const f = ctx.input(n, 1);
    if (fmt === 'NHWC') x = ctx.transpose(x, NHWC_TO_NCHW, `${n.name}/to_nchw`);
    const attributes: Record<string, Attr> = {
      strides: attr.ints(strides),
      dilations: attr.ints(dilations),
      ...padding(n, fmt),
    };
    let w: Value;
    if (kind === 'conv') {
      w = ctx.transpose(f, [3, 2, 0, 1], `${n.name}/filter_oihw`);
    } else {
      const t = ctx.constData(f, n, 'filter');
      if (t.shape.length !== 4)
        throw formatError('depthwise filter must have rank 4', 'tfjs/bad-operand', n.where, 'filter');
      const [h, wd, c, m] = t.shape as [number, number, number, number];
      w = ctx.constant(`${n.name}/filter_oihw`, transposeTensor(reshapeTensor(t, [h, wd, 1, c * m]), [3, 2, 0, 1]));
      attributes.group = attr.int(c);
    }
    const { bias, act } = fused ? fusedOps(n) : { bias: false, act: undefined };
    const inputs: Value[] = [x, w];
    if (bias) inputs.push(ctx.input(n, 2));
    let y = ctx.op('Conv', inputs, attributes, n.name);
    if (fmt === 'NHWC') y = ctx.transpose(y, NCHW_TO_NHWC, `${n.name}/to_nhwc`);
    if (act) y = activation(ctx, n, act, y, n.inputs.length > 3 ? ctx.input(n, 3) : undefined);
    return y;
  };
}

function pool(onnxOp: 'MaxPool' | 'AveragePool'): TfImporter {
  return (ctx, n) => {
    const fmt = dataFormat(n);
    let x = ctx.input(n, 0);
    if (fmt === 'NHWC') x = ctx.transpose(x, NHWC_TO_NCHW, `${n.name}/to_nchw`);
    let y = ctx.op(
      onnxOp,
      [x],
      {
        kernel_shape: attr.ints(spatial(n, 'ksize', fmt)),
        strides: attr.ints(spatial(n, 'strides', fmt)),
        ...padding(n, fmt),
      },
      n.name,
    );
    if (fmt === 'NHWC') y = ctx.transpose(y, NCHW_TO_NHWC, `${n.name}/to_nhwc`);
    return y;
  };
}

function matmul(fused: boolean): TfImporter {
  return (ctx, n) => {
    let a = ctx.input(n, 0);
    let b = ctx.input(n, 1);
    if (attrBool(n, 'transpose_a', false)) a = ctx.transpose(a, [1, 0], `${n.name}/a_t`);
    if (attrBool(n, 'transpose_b', false)) b = ctx.transpose(b, [1, 0], `${n.name}/b_t`);
    let y = ctx.op('MatMul', [a, b], {}, n.name);
    if (fused) {
      const { bias, act } = fusedOps(n);
      if (bias) y = ctx.op('Add', [y, ctx.input(n, 2)], {}, n.name);
      if (act) y = activation(ctx, n, act, y, n.inputs.length > 3 ? ctx.input(n, 3) : undefined);
    }
    return y;
  };
}

function batchMatmul(): TfImporter {
  return (ctx, n) => {
    if (attrBool(n, 'adj_x', false) || attrBool(n, 'adj_y', false)) {
      throw new UnsupportedError('BatchMatMul with adj_x/adj_y is not supported', {
        code: 'tfjs/unsupported-attr',
        ...n.where,
        field: 'attr.adj_x',
      });
    }
    return ctx.op('MatMul', [ctx.input(n, 0), ctx.input(n, 1)], {}, n.name);
  };
}

const unary =
  (op: string): TfImporter =>
  (ctx, n) =>
    ctx.op(op, [ctx.input(n, 0)], {}, n.name);
const binary =
  (op: string): TfImporter =>
  (ctx, n) =>
    ctx.op(op, [ctx.input(n, 0), ctx.input(n, 1)], {}, n.name);
const alias: TfImporter = (ctx, n) => ctx.input(n, 0);

function reduce(op: string): TfImporter {
  return (ctx, n) => {
    const axes = ctx.constInts(ctx.input(n, 1), n, 'reduction_indices');
    return ctx.op(
      op,
      [ctx.input(n, 0), ctx.int64s(`${n.name}/axes`, axes)],
      {
        keepdims: attr.int(attrBool(n, 'keep_dims', false) ? 1 : 0),
      },
      n.name,
    );
  };
}

/** A shape-like int operand as int64 (ONNX's Reshape/Slice/Pad want int64): converted if constant. */
function asInt64(ctx: ImportContext, v: Value, n: TfNode, base: string): Value {
  if (v.const && (v.const.dtype === 'int32' || v.const.dtype === 'int64')) {
    return v.const.dtype === 'int64' ? v : ctx.int64s(base, ctx.constInts(v, n, base), [...v.const.shape]);
  }
  return ctx.cast(v, 'int64', base);
}

const stridedSlice: TfImporter = (ctx, n) => {
  for (const m of ['ellipsis_mask', 'new_axis_mask']) {
    if (attrInt(n, m, 0) !== 0)
      throw new UnsupportedError(`StridedSlice ${m} is not supported`, {
        code: 'tfjs/unsupported-attr',
        ...n.where,
        field: `attr.${m}`,
      });
  }
  const begin = ctx.constInts(ctx.input(n, 1), n, 'begin');
  const end = ctx.constInts(ctx.input(n, 2), n, 'end');
  const steps = n.inputs.length > 3 ? ctx.constInts(ctx.input(n, 3), n, 'strides') : begin.map(() => 1);
  if (end.length !== begin.length || steps.length !== begin.length || steps.some((s) => s === 0)) {
    throw formatError(
      'begin, end and strides must have the same length and no zero stride',
      'tfjs/bad-operand',
      n.where,
      'strides',
    );
  }
  const bm = attrInt(n, 'begin_mask', 0);
  const em = attrInt(n, 'end_mask', 0);
  const sm = attrInt(n, 'shrink_axis_mask', 0);
  const starts: number[] = [];
  const ends: number[] = [];
  const shrink: number[] = [];
  begin.forEach((b, i) => {
    const s = steps[i]!;
    if (sm & (1 << i)) {
      starts.push(b);
      ends.push(b === -1 ? BIG : b + 1);
      steps[i] = 1;
      shrink.push(i);
      return;
    }
    starts.push(bm & (1 << i) ? (s > 0 ? 0 : BIG) : b);
    ends.push(em & (1 << i) ? (s > 0 ? BIG : -BIG) : end[i]!);
  });
  const axes = begin.map((_, i) => i);
  let y = ctx.op(
    'Slice',
    [
      ctx.input(n, 0),
      ctx.int64s(`${n.name}/starts`, starts),
      ctx.int64s(`${n.name}/ends`, ends),
      ctx.int64s(`${n.name}/axes`, axes),
      ctx.int64s(`${n.name}/steps`, steps),
    ],
    {},
    n.name,
  );
  if (shrink.length > 0) y = ctx.op('Squeeze', [y, ctx.int64s(`${n.name}/squeeze_axes`, shrink)], {}, n.name);
  return y;
};

const pad =
  (mode: 'constant' | 'mirror'): TfImporter =>
  (ctx, n) => {
    const p = ctx.constInts(ctx.input(n, 1), n, 'paddings');
    const rank = p.length / 2;
    const pads = [
      ...Array.from({ length: rank }, (_, i) => p[2 * i]!),
      ...Array.from({ length: rank }, (_, i) => p[2 * i + 1]!),
    ];
    const inputs: (Value | null)[] = [ctx.input(n, 0), ctx.int64s(`${n.name}/pads`, pads)];
    const attributes: Record<string, Attr> = {};
    if (mode === 'mirror') {
      const m = attrString(n, 'mode', 'REFLECT').toUpperCase();
      if (m !== 'REFLECT')
        throw new UnsupportedError(`MirrorPad mode ${m} is not supported`, {
          code: 'tfjs/unsupported-attr',
          ...n.where,
          field: 'attr.mode',
        });
      attributes.mode = attr.string('reflect');
    } else if (n.inputs.length > 2) {
      inputs.push(ctx.input(n, 2));
    }
    return ctx.op('Pad', inputs, attributes, n.name);
  };

const fusedBatchNorm: TfImporter = (ctx, n) => {
  const fmt = dataFormat(n);
  const [scale, offset, mean, variance] = [1, 2, 3, 4].map((i) =>
    ctx.constData(ctx.input(n, i), n, `input[${i}]`).toFloat32(),
  );
  const eps = attrFloat(n, 'epsilon', 0.001);
  const c = scale!.length;
  if ([offset, mean, variance].some((a) => a!.length !== c)) {
    throw formatError('batch-norm parameters differ in length', 'tfjs/bad-operand', n.where, 'input');
  }
  const a = new Float32Array(c);
  const b = new Float32Array(c);
  for (let i = 0; i < c; i++) {
    a[i] = scale![i]! / Math.sqrt(variance![i]! + eps);
    b[i] = offset![i]! - mean![i]! * a[i]!;
  }
  const shape = fmt === 'NHWC' ? [c] : [c, 1, 1];
  const y = ctx.op(
    'Mul',
    [ctx.input(n, 0), ctx.constant(`${n.name}/scale`, tensorFromValues('float32', shape, a))],
    {},
    n.name,
  );
  return ctx.op('Add', [y, ctx.constant(`${n.name}/shift`, tensorFromValues('float32', shape, b))], {}, n.name);
};

const biasAdd: TfImporter = (ctx, n) => {
  let bias = ctx.input(n, 1);
  if (dataFormat(n) === 'NCHW') {
    const t = ctx.constData(bias, n, 'bias');
    bias = ctx.constant(`${n.name}/bias_c11`, reshapeTensor(t, [t.size, 1, 1]));
  }
  return ctx.op('Add', [ctx.input(n, 0), bias], {}, n.name);
};

function castTo(n: TfNode, key: string, fallback: DataType): DataType {
  return attrType(n, key) ?? fallback;
}

export const TF_IMPORTERS: ReadonlyMap<string, TfImporter> = new Map<string, TfImporter>([
  ['Identity', alias],
  ['StopGradient', alias],
  ['Snapshot', alias],
  ['PreventGradient', alias],
  ['Conv2D', conv('conv', false)],
  ['_FusedConv2D', conv('conv', true)],
  ['FusedConv2D', conv('conv', true)],
  ['DepthwiseConv2dNative', conv('depthwise', false)],
  ['FusedDepthwiseConv2dNative', conv('depthwise', true)],
  ['MaxPool', pool('MaxPool')],
  ['AvgPool', pool('AveragePool')],
  ['MatMul', matmul(false)],
  ['_FusedMatMul', matmul(true)],
  ['FusedMatMul', matmul(true)],
  ['BatchMatMul', batchMatmul()],
  ['BatchMatMulV2', batchMatmul()],
  ['BiasAdd', biasAdd],
  ['Add', binary('Add')],
  ['AddV2', binary('Add')],
  ['Sub', binary('Sub')],
  ['Mul', binary('Mul')],
  ['RealDiv', binary('Div')],
  ['Div', binary('Div')],
  ['Maximum', binary('Max')],
  ['Minimum', binary('Min')],
  ['Pow', binary('Pow')],
  ['Prelu', binary('PRelu')],
  [
    'SquaredDifference',
    (ctx, n) => {
      const d = ctx.op('Sub', [ctx.input(n, 0), ctx.input(n, 1)], {}, n.name);
      return ctx.op('Mul', [d, d], {}, n.name);
    },
  ],
  ['Relu', unary('Relu')],
  ['Elu', unary('Elu')],
  ['Sigmoid', unary('Sigmoid')],
  ['Tanh', unary('Tanh')],
  ['Exp', unary('Exp')],
  ['Log', unary('Log')],
  ['Sqrt', unary('Sqrt')],
  ['Neg', unary('Neg')],
  ['Abs', unary('Abs')],
  ['Floor', unary('Floor')],
  ['Ceil', unary('Ceil')],
  ['Round', unary('Round')],
  ['Reciprocal', unary('Reciprocal')],
  ['Softplus', unary('Softplus')],
  ['Erf', unary('Erf')],
  ['Sign', unary('Sign')],
  ['Rsqrt', (ctx, n) => ctx.op('Reciprocal', [ctx.op('Sqrt', [ctx.input(n, 0)], {}, n.name)], {}, n.name)],
  ['Square', (ctx, n) => ctx.op('Mul', [ctx.input(n, 0), ctx.input(n, 0)], {}, n.name)],
  ['Relu6', (ctx, n) => activation(ctx, n, 'Relu6', ctx.input(n, 0), undefined)],
  [
    'LeakyRelu',
    (ctx, n) => ctx.op('LeakyRelu', [ctx.input(n, 0)], { alpha: attr.float(attrFloat(n, 'alpha', 0.2)) }, n.name),
  ],
  ['ClipByValue', (ctx, n) => ctx.op('Clip', [ctx.input(n, 0), ctx.input(n, 1), ctx.input(n, 2)], {}, n.name)],
  ['Softmax', (ctx, n) => ctx.op('Softmax', [ctx.input(n, 0)], { axis: attr.int(-1) }, n.name)],
  ['LogSoftmax', (ctx, n) => ctx.op('LogSoftmax', [ctx.input(n, 0)], { axis: attr.int(-1) }, n.name)],
  [
    'Reshape',
    (ctx, n) => ctx.op('Reshape', [ctx.input(n, 0), asInt64(ctx, ctx.input(n, 1), n, `${n.name}/shape`)], {}, n.name),
  ],
  [
    'Squeeze',
    (ctx, n) => {
      const axes = attrInts(n, 'squeeze_dims') ?? attrInts(n, 'axis') ?? [];
      const inputs = [ctx.input(n, 0)];
      if (axes.length > 0) inputs.push(ctx.int64s(`${n.name}/axes`, axes));
      return ctx.op('Squeeze', inputs, {}, n.name);
    },
  ],
  [
    'ExpandDims',
    (ctx, n) =>
      ctx.op(
        'Unsqueeze',
        [ctx.input(n, 0), ctx.int64s(`${n.name}/axes`, ctx.constInts(ctx.input(n, 1), n, 'dim'))],
        {},
        n.name,
      ),
  ],
  ['Mean', reduce('ReduceMean')],
  ['Sum', reduce('ReduceSum')],
  ['Max', reduce('ReduceMax')],
  ['Min', reduce('ReduceMin')],
  [
    'ConcatV2',
    (ctx, n) => {
      if (n.inputs.length < 2)
        throw formatError('ConcatV2 needs inputs and an axis', 'tfjs/missing-input', n.where, 'input');
      const [axis] = ctx.constInts(ctx.input(n, n.inputs.length - 1), n, 'axis');
      const xs = n.inputs.slice(0, -1).map((_, i) => ctx.input(n, i));
      return ctx.op('Concat', xs, { axis: attr.int(axis ?? 0) }, n.name);
    },
  ],
  [
    'Pack',
    (ctx, n) => {
      const axis = attrInt(n, 'axis', 0);
      const xs = n.inputs.map((_, i) =>
        ctx.op('Unsqueeze', [ctx.input(n, i), ctx.int64s(`${n.name}/axes`, [axis])], {}, `${n.name}/unsqueeze`),
      );
      return ctx.op('Concat', xs, { axis: attr.int(axis) }, n.name);
    },
  ],
  ['Transpose', (ctx, n) => ctx.transpose(ctx.input(n, 0), ctx.constInts(ctx.input(n, 1), n, 'perm'), n.name)],
  ['Pad', pad('constant')],
  ['PadV2', pad('constant')],
  ['MirrorPad', pad('mirror')],
  ['StridedSlice', stridedSlice],
  [
    'Shape',
    (ctx, n) => ctx.cast(ctx.op('Shape', [ctx.input(n, 0)], {}, n.name), castTo(n, 'out_type', 'int32'), n.name),
  ],
  [
    'Cast',
    (ctx, n) => {
      const out = ctx.input(n, 0);
      const to = castTo(n, 'DstT', 'float32');
      return out.dtype === to ? ctx.op('Identity', [out], {}, n.name) : ctx.cast(out, to, n.name);
    },
  ],
  [
    'GatherV2',
    (ctx, n) => {
      const [axis] = n.inputs.length > 2 ? ctx.constInts(ctx.input(n, 2), n, 'axis') : [0];
      return ctx.op(
        'Gather',
        [ctx.input(n, 0), asInt64(ctx, ctx.input(n, 1), n, `${n.name}/indices`)],
        { axis: attr.int(axis ?? 0) },
        n.name,
      );
    },
  ],
  ['FusedBatchNorm', fusedBatchNorm],
  ['FusedBatchNormV3', fusedBatchNorm],
  [
    'AddN',
    (ctx, n) => {
      if (n.inputs.length === 0) throw formatError('AddN needs inputs', 'tfjs/missing-input', n.where, 'input');
      return n.inputs
        .slice(1)
        .reduce((acc, _, i) => ctx.op('Add', [acc, ctx.input(n, i + 1)], {}, n.name), ctx.input(n, 0));
    },
  ],
  [
    'Slice',
    (ctx, n) => {
      const begin = ctx.constInts(ctx.input(n, 1), n, 'begin');
      const size = ctx.constInts(ctx.input(n, 2), n, 'size');
      if (size.length !== begin.length || size.some((d) => d < -1))
        throw formatError('begin and size disagree', 'tfjs/bad-operand', n.where, 'size');
      const ends = begin.map((b, i) => (size[i] === -1 ? BIG : b + size[i]!));
      return ctx.op(
        'Slice',
        [
          ctx.input(n, 0),
          ctx.int64s(`${n.name}/starts`, begin),
          ctx.int64s(`${n.name}/ends`, ends),
          ctx.int64s(
            `${n.name}/axes`,
            begin.map((_, i) => i),
          ),
        ],
        {},
        n.name,
      );
    },
  ],
  [
    'Tile',
    (ctx, n) => ctx.op('Tile', [ctx.input(n, 0), asInt64(ctx, ctx.input(n, 1), n, `${n.name}/multiples`)], {}, n.name),
  ],
]);
