// Evaluating a few ONNX ops on constant tensors, for constant folding. Pure: tensors in, tensors
// out; undefined when the op/type combination is not handled (the node then stays).
import {
  reshapeTarget,
  reversedAxes,
  shapeSize,
  tensorFromValues,
  transposeValues,
  type DataType,
  type Node,
  type Tensor,
  type TypedArray,
} from '@enxuto/ir';
import { broadcastIndex, broadcastShape } from './broadcast.js';
import { evaluateMaskOp, MASK_OPS } from './compare-select.js';
import { concat, gather, slice } from './gather-concat-slice.js';

/** Folding must not turn a small graph into a huge file. */
export const MAX_FOLDED_ELEMENTS = 1 << 22;

const FLOATY: ReadonlySet<DataType> = new Set(['float32', 'float64']);
const INTY: ReadonlySet<DataType> = new Set(['int32', 'int64']);

function ints(t: Tensor): number[] {
  return Array.from(t.values() as ArrayLike<number | bigint>, (v) => Number(v));
}

function binary(op: string, a: Tensor, b: Tensor): Tensor | undefined {
  if (a.dtype !== b.dtype || !(FLOATY.has(a.dtype) || INTY.has(a.dtype))) return undefined;
  const shape = broadcastShape(a.shape, b.shape);
  if (!shape || shapeSize(shape) > MAX_FOLDED_ELEMENTS) return undefined;
  const ia = broadcastIndex(a.shape, shape);
  const ib = broadcastIndex(b.shape, shape);
  const n = ia.length;
  if (a.dtype === 'int64') {
    const va = a.values() as BigInt64Array;
    const vb = b.values() as BigInt64Array;
    const out = new BigInt64Array(n);
    for (let k = 0; k < n; k++) {
      const x = va[ia[k]!]!;
      const y = vb[ib[k]!]!;
      if (op === 'Div' && y === 0n) return undefined;
      out[k] = op === 'Add' ? x + y : op === 'Sub' ? x - y : op === 'Mul' ? x * y : x / y;
    }
    return tensorFromValues('int64', shape, out);
  }
  const va = a.values() as Float32Array | Float64Array | Int32Array;
  const vb = b.values() as Float32Array | Float64Array | Int32Array;
  const out =
    a.dtype === 'float32' ? new Float32Array(n) : a.dtype === 'float64' ? new Float64Array(n) : new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const x = va[ia[k]!]!;
    const y = vb[ib[k]!]!;
    if (op === 'Div' && a.dtype === 'int32') {
      if (y === 0) return undefined;
      out[k] = Math.trunc(x / y);
    } else out[k] = op === 'Add' ? x + y : op === 'Sub' ? x - y : op === 'Mul' ? x * y : x / y;
  }
  return tensorFromValues(a.dtype, shape, out);
}

function reshape(node: Node, data: Tensor, shapeT: Tensor): Tensor | undefined {
  const shape = reshapeTarget(data.shape, data.size, ints(shapeT), node.getInt('allowzero', 0) === 1);
  return shape ? retype(data, shape) : undefined;
}

function retype(t: Tensor, shape: number[]): Tensor {
  return tensorFromValues(t.dtype, shape, t.values() as ArrayLike<number | bigint>);
}

function axesOf(node: Node, axesInput: Tensor | undefined): number[] | undefined {
  if (axesInput) return ints(axesInput);
  return node.getInts('axes');
}

function unsqueeze(node: Node, data: Tensor, axesT: Tensor | undefined): Tensor | undefined {
  const axes = axesOf(node, axesT);
  if (!axes) return undefined;
  const rank = data.shape.length + axes.length;
  const norm = axes.map((a) => (a < 0 ? a + rank : a)).sort((x, y) => x - y);
  const shape = [...data.shape];
  for (const a of norm) {
    if (a < 0 || a > shape.length) return undefined;
    shape.splice(a, 0, 1);
  }
  return retype(data, shape);
}

function squeeze(node: Node, data: Tensor, axesT: Tensor | undefined): Tensor | undefined {
  const axes = axesOf(node, axesT);
  const rank = data.shape.length;
  const drop = new Set(
    (axes ?? data.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)).map((a) => (a < 0 ? a + rank : a)),
  );
  if ([...drop].some((a) => data.shape[a] !== 1)) return undefined;
  return retype(
    data,
    data.shape.filter((_, i) => !drop.has(i)),
  );
}

function cast(node: Node, data: Tensor): Tensor | undefined {
  const to = node.getInt('to');
  const target: DataType | undefined =
    to === 1 ? 'float32' : to === 7 ? 'int64' : to === 6 ? 'int32' : to === 11 ? 'float64' : undefined;
  // float16 weights behind a Cast (TFLite's float16 models, lowered) become float32 constants.
  if (target === 'float32' && data.dtype === 'float16')
    return tensorFromValues('float32', [...data.shape], data.toFloat32());
  if (!target || !(FLOATY.has(data.dtype) || INTY.has(data.dtype))) return undefined;
  const v = data.values() as ArrayLike<number | bigint>;
  if (INTY.has(target)) {
    const out: number[] = Array.from(v, (x) => Math.trunc(Number(x)));
    if (out.some((x) => !Number.isSafeInteger(x))) return undefined;
    return tensorFromValues(target, [...data.shape], target === 'int64' ? out.map((x) => BigInt(x)) : out);
  }
  return tensorFromValues(target, [...data.shape], Array.from(v, Number));
}

function transpose(node: Node, data: Tensor): Tensor | undefined {
  const rank = data.shape.length;
  const perm = node.getInts('perm') ?? reversedAxes(rank);
  if (perm.length !== rank) return undefined;
  const vals = data.values();
  if (
    !(
      vals instanceof Float32Array ||
      vals instanceof Int32Array ||
      vals instanceof Float64Array ||
      vals instanceof BigInt64Array
    )
  )
    return undefined;
  const Ctor = vals.constructor as new (n: number) => Float32Array;
  const r = transposeValues(vals as TypedArray as Float32Array, data.shape, perm, (n) => new Ctor(n) as Float32Array);
  return tensorFromValues(data.dtype, r.shape, r.values);
}

function unary(op: string, data: Tensor): Tensor | undefined {
  if (!FLOATY.has(data.dtype)) return undefined;
  const v = data.values() as Float32Array | Float64Array;
  const f =
    op === 'Neg'
      ? (x: number) => -x
      : op === 'Sqrt'
        ? Math.sqrt
        : op === 'Reciprocal'
          ? (x: number) => 1 / x
          : undefined;
  if (!f) return undefined;
  return tensorFromValues(data.dtype, [...data.shape], Array.from(v, f));
}

/** Ops constant folding can evaluate. */
export const FOLDABLE_OPS = [
  'Constant',
  'Identity',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Reshape',
  'Flatten',
  'Unsqueeze',
  'Squeeze',
  'Cast',
  'Transpose',
  'Gather',
  'Concat',
  'Slice',
  'Shape',
  'Neg',
  'Sqrt',
  'Reciprocal',
  ...MASK_OPS,
] as const;

function sliceOp(node: Node, inputs: (Tensor | undefined)[]): Tensor | undefined {
  const [data, starts, ends, axes, steps] = inputs;
  if (!data) return undefined;
  // Opset < 10 carries starts/ends/axes as attributes.
  if (node.inputs.length === 1) {
    const s = node.getInts('starts');
    const e = node.getInts('ends');
    return s && e ? slice(data, s, e, node.getInts('axes'), undefined) : undefined;
  }
  if (!starts || !ends) return undefined;
  return slice(data, ints(starts), ints(ends), axes && ints(axes), steps && ints(steps));
}

function flatten(node: Node, data: Tensor): Tensor | undefined {
  const rank = data.shape.length;
  const axis = node.getInt('axis', 1);
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a > rank) return undefined;
  const outer = shapeSize(data.shape.slice(0, a));
  return retype(data, [outer, data.size / Math.max(outer, 1)]);
}

/** The single output of `node` given constant inputs, or undefined when not handled. */
export function evaluateOp(node: Node, inputs: (Tensor | undefined)[]): Tensor | undefined {
  const [a, b] = inputs;
  switch (node.opType) {
    case 'Constant': {
      const t = node.getTensor('value');
      return t && t.dtype !== 'string' ? t : undefined;
    }
    case 'Identity':
      return a;
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div':
      return a && b ? binary(node.opType, a, b) : undefined;
    case 'Reshape':
      return a && b ? reshape(node, a, b) : undefined;
    case 'Unsqueeze':
      return a ? unsqueeze(node, a, b) : undefined;
    case 'Squeeze':
      return a ? squeeze(node, a, b) : undefined;
    case 'Cast':
      return a ? cast(node, a) : undefined;
    case 'Transpose':
      return a ? transpose(node, a) : undefined;
    case 'Flatten':
      return a ? flatten(node, a) : undefined;
    case 'Gather':
      return a && b ? gather(a, b, node.getInt('axis', 0)) : undefined;
    case 'Concat':
      return inputs.every((t) => t) && inputs.length > 0
        ? concat(inputs as Tensor[], node.getInt('axis', 0))
        : undefined;
    case 'Slice':
      return sliceOp(node, inputs);
    case 'Neg':
    case 'Sqrt':
    case 'Reciprocal':
      return a ? unary(node.opType, a) : undefined;
    default:
      return evaluateMaskOp(node, inputs);
  }
}
