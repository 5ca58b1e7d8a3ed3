// Constant folding of the ops that build masks and index ranges (attention masks, position ids):
// Range, ConstantOfShape, Expand, comparisons, logic, Where. Values are taken as numbers (int64
// constants of shape arithmetic are small); results keep ONNX's output types.
import { shapeSize, tensorFromValues, type DataType, type Node, type Tensor } from '@enxuto/ir';
import { broadcastIndex, broadcastShape } from './broadcast.js';

const MAX_ELEMENTS = 1 << 22;

function numbers(t: Tensor): number[] {
  return Array.from(t.values() as ArrayLike<number | bigint>, Number);
}

function make(dtype: DataType, shape: number[], values: number[]): Tensor {
  return tensorFromValues(dtype, shape, dtype === 'int64' || dtype === 'uint64' ? values.map(BigInt) : values);
}

const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  Equal: (a, b) => a === b,
  Less: (a, b) => a < b,
  Greater: (a, b) => a > b,
  LessOrEqual: (a, b) => a <= b,
  GreaterOrEqual: (a, b) => a >= b,
  And: (a, b) => a !== 0 && b !== 0,
  Or: (a, b) => a !== 0 || b !== 0,
  Xor: (a, b) => (a !== 0) !== (b !== 0),
};

/** Elementwise over broadcast operands; `pick` gets the operand values at one output position. */
function broadcastMap(inputs: Tensor[], dtype: DataType, pick: (v: number[]) => number): Tensor | undefined {
  let shape: number[] | undefined = [...inputs[0]!.shape];
  for (const t of inputs.slice(1)) shape = shape && broadcastShape(shape, t.shape);
  if (shape === undefined || shapeSize(shape) > MAX_ELEMENTS) return undefined;
  const values = inputs.map(numbers);
  const index = inputs.map((t) => broadcastIndex(t.shape, shape!));
  const out = Array.from({ length: shapeSize(shape) }, (_, k) => pick(values.map((v, i) => v[index[i]![k]!]!)));
  return make(dtype, shape, out);
}

function range(start: Tensor, limit: Tensor, delta: Tensor): Tensor | undefined {
  const [s, l, d] = [numbers(start)[0]!, numbers(limit)[0]!, numbers(delta)[0]!];
  if (d === 0) return undefined;
  const count = Math.max(Math.ceil((l - s) / d), 0);
  if (count > MAX_ELEMENTS) return undefined;
  return make(
    start.dtype,
    [count],
    Array.from({ length: count }, (_, i) => s + i * d),
  );
}

function constantOfShape(node: Node, shapeT: Tensor): Tensor | undefined {
  const shape = numbers(shapeT);
  if (shape.some((d) => d < 0) || shapeSize(shape) > MAX_ELEMENTS) return undefined;
  const value = node.getTensor('value');
  const dtype = value?.dtype ?? 'float32';
  const fill = value === undefined ? 0 : numbers(value)[0]!;
  return make(dtype, shape, new Array<number>(shapeSize(shape)).fill(fill));
}

function expand(data: Tensor, shapeT: Tensor): Tensor | undefined {
  const target = broadcastShape(data.shape, numbers(shapeT));
  if (target === undefined || shapeSize(target) > MAX_ELEMENTS) return undefined;
  const v = numbers(data);
  const idx = broadcastIndex(data.shape, target);
  return make(
    data.dtype,
    target,
    Array.from(idx, (i) => v[i]!),
  );
}

/** Folds the mask/range ops, or undefined when `node` is none of them or its inputs do not fit. */
export function evaluateMaskOp(node: Node, inputs: (Tensor | undefined)[]): Tensor | undefined {
  if (inputs.some((t) => t === undefined || t.dtype === 'string')) return undefined;
  const ts = inputs as Tensor[];
  const compare = COMPARE[node.opType];
  if (compare !== undefined && ts.length === 2) return broadcastMap(ts, 'bool', ([a, b]) => (compare(a!, b!) ? 1 : 0));
  switch (node.opType) {
    case 'Not':
      return broadcastMap(ts, 'bool', ([a]) => (a === 0 ? 1 : 0));
    case 'Where':
      return ts.length === 3 ? broadcastMap(ts, ts[1]!.dtype, ([c, x, y]) => (c !== 0 ? x! : y!)) : undefined;
    case 'Range':
      return ts.length === 3 ? range(ts[0]!, ts[1]!, ts[2]!) : undefined;
    case 'ConstantOfShape':
      return ts.length === 1 ? constantOfShape(node, ts[0]!) : undefined;
    case 'Expand':
      return ts.length === 2 ? expand(ts[0]!, ts[1]!) : undefined;
    default:
      return undefined;
  }
}

export const MASK_OPS = [
  'Equal',
  'Less',
  'Greater',
  'LessOrEqual',
  'GreaterOrEqual',
  'And',
  'Or',
  'Xor',
  'Not',
  'Where',
  'Range',
  'ConstantOfShape',
  'Expand',
] as const;
