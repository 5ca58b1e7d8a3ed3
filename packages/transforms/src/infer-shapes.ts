// Shape inference for the common inference ops, so Shape nodes of static tensors can fold. It only
// fills in values whose shape is unknown and stops quietly at ops it does not know.
import {
  constOf,
  tensorType,
  type DataType,
  type Dim,
  type Model,
  type Node,
  type Value,
  walkGraphs,
} from '@enxuto/ir';

type Shape = Dim[];

const SAME_SHAPE = new Set([
  'Relu',
  'Sigmoid',
  'Tanh',
  'Softmax',
  'LogSoftmax',
  'Identity',
  'Dropout',
  'Clip',
  'LeakyRelu',
  'Elu',
  'Selu',
  'HardSigmoid',
  'HardSwish',
  'Exp',
  'Log',
  'Neg',
  'Sqrt',
  'Abs',
  'Reciprocal',
  'Erf',
  'Cast',
  'BatchNormalization',
  'QuantizeLinear',
  'DequantizeLinear',
  'LRN',
  'InstanceNormalization',
  'LayerNormalization',
  'Softplus',
  'Gelu',
]);
const BROADCAST = new Set([
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Pow',
  'Max',
  'Min',
  'PRelu',
  'Where',
  'Equal',
  'Less',
  'Greater',
]);

const COMPARISONS = new Set(['Equal', 'Less', 'Greater']);
/** ONNX TensorProto codes Cast commonly targets. */
const CAST_TO: Record<number, DataType> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  6: 'int32',
  7: 'int64',
  9: 'bool',
  10: 'float16',
  11: 'float64',
};

/** The element type of `node`'s output, or undefined when not known. */
function outputDtype(node: Node): DataType | undefined {
  switch (node.opType) {
    case 'Cast':
      return CAST_TO[node.getInt('to', 0)];
    case 'QuantizeLinear':
      return node.input(2)?.dtype ?? 'uint8';
    case 'DequantizeLinear':
      return node.input(1)?.dtype ?? 'float32';
    case 'Shape':
      return 'int64';
    case 'Where':
      return node.input(1)?.dtype;
    default:
      return COMPARISONS.has(node.opType) ? 'bool' : node.input(0)?.dtype;
  }
}

const num = (d: Dim | undefined): d is number => typeof d === 'number' && d >= 0;

function broadcast(shapes: Shape[]): Shape | undefined {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: Shape = [];
  for (let i = 0; i < rank; i++) {
    const dims = shapes.map((s) => s[s.length - rank + i] ?? 1).filter((d) => d !== 1);
    if (dims.length === 0) out.push(1);
    else if (dims.every((d) => d === dims[0])) out.push(dims[0]!);
    else if (dims.some((d) => !num(d))) out.push(dims.find((d) => num(d)) ?? null);
    else return undefined;
  }
  return out;
}

function ints(v: Value | null | undefined): number[] | undefined {
  const t = constOf(v);
  return t && (t.dtype === 'int64' || t.dtype === 'int32')
    ? Array.from(t.values() as ArrayLike<number | bigint>, Number)
    : undefined;
}

/** Output spatial size of a conv / pool window (null when the input size is symbolic). */
function windowed(node: Node, x: Shape, kernel: number[]): Shape | undefined {
  const spatial = x.length - 2;
  if (spatial < 1 || kernel.length !== spatial) return undefined;
  const strides = node.getInts('strides') ?? kernel.map(() => 1);
  const dilations = node.getInts('dilations') ?? kernel.map(() => 1);
  const pads = node.getInts('pads') ?? new Array<number>(spatial * 2).fill(0);
  const autoPad = node.getString('auto_pad', 'NOTSET');
  const ceil = node.getInt('ceil_mode', 0) === 1;
  const out: Shape = [];
  for (let i = 0; i < spatial; i++) {
    const d = x[i + 2];
    if (!num(d)) {
      out.push(null);
      continue;
    }
    const s = strides[i] ?? 1;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      out.push(Math.ceil(d / s));
      continue;
    }
    const pad = autoPad === 'VALID' ? 0 : (pads[i] ?? 0) + (pads[i + spatial] ?? 0);
    const span = (dilations[i] ?? 1) * (kernel[i]! - 1) + 1;
    const q = (d + pad - span) / s;
    out.push((ceil ? Math.ceil(q) : Math.floor(q)) + 1);
  }
  return out;
}

function reshaped(x: Shape, spec: number[], allowZero: boolean): Shape | undefined {
  const out: Shape = spec.map((d, i) => (d === 0 && !allowZero ? (x[i] ?? null) : d));
  const minus = out.indexOf(-1);
  if (minus >= 0) {
    const known = out.filter((_d, i) => i !== minus);
    out[minus] =
      x.every(num) && known.every(num)
        ? x.reduce<number>((p, d) => p * (d as number), 1) / known.reduce<number>((p, d) => p * (d as number), 1)
        : null;
  }
  return out;
}

function infer(node: Node, shapes: (Shape | undefined)[]): Shape | undefined {
  const [x, w] = shapes;
  const op = node.opType;
  if (SAME_SHAPE.has(op)) return x;
  if (BROADCAST.has(op)) return shapes.every((s) => s) ? broadcast(shapes as Shape[]) : undefined;
  if (!x) return undefined;
  switch (op) {
    case 'Shape':
      return node.getInt('start') === undefined && node.getInt('end') === undefined ? [x.length] : undefined;
    case 'Transpose': {
      const perm = node.getInts('perm') ?? x.map((_, i) => x.length - 1 - i);
      return perm.length === x.length ? perm.map((p) => x[p] ?? null) : undefined;
    }
    case 'Conv': {
      if (!w || w.length !== x.length) return undefined;
      const kernel = node.getInts('kernel_shape') ?? w.slice(2).map((d) => (num(d) ? d : -1));
      if (kernel.some((k) => k < 1)) return undefined;
      const sp = windowed(node, x, kernel);
      return sp && [x[0]!, w[0]!, ...sp];
    }
    case 'MaxPool':
    case 'AveragePool':
    case 'LpPool': {
      const kernel = node.getInts('kernel_shape');
      const sp = kernel && windowed(node, x, kernel);
      return sp && [x[0]!, x[1]!, ...sp];
    }
    case 'GlobalAveragePool':
    case 'GlobalMaxPool':
      return [x[0]!, x[1]!, ...x.slice(2).map(() => 1)];
    case 'MatMul': {
      if (!w || x.length < 1 || w.length < 2) return undefined;
      const batch = broadcast([x.slice(0, -2), w.slice(0, -2)]);
      return batch && [...batch, ...(x.length >= 2 ? [x[x.length - 2]!] : []), w[w.length - 1]!];
    }
    case 'Gemm': {
      if (!w || x.length !== 2 || w.length !== 2) return undefined;
      const m = node.getInt('transA', 0) ? x[1]! : x[0]!;
      const n = node.getInt('transB', 0) ? w[0]! : w[1]!;
      return [m, n];
    }
    case 'Reshape': {
      const spec = ints(node.input(1)) ?? node.getInts('shape');
      return spec && reshaped(x, spec, node.getInt('allowzero', 0) === 1);
    }
    case 'Flatten': {
      const a = node.getInt('axis', 1);
      const axis = a < 0 ? a + x.length : a;
      const prod = (s: Shape) => (s.every(num) ? s.reduce<number>((p, d) => p * (d as number), 1) : null);
      return [prod(x.slice(0, axis)), prod(x.slice(axis))];
    }
    case 'Unsqueeze':
    case 'Squeeze': {
      const axes = ints(node.input(1)) ?? node.getInts('axes');
      if (op === 'Squeeze') {
        if (!axes) return x.every(num) ? x.filter((d) => d !== 1) : undefined;
        const drop = axes.map((a) => (a < 0 ? a + x.length : a));
        return x.filter((_, i) => !drop.includes(i));
      }
      if (!axes) return undefined;
      const rank = x.length + axes.length;
      const at = axes.map((a) => (a < 0 ? a + rank : a));
      const out: Shape = [];
      let j = 0;
      for (let i = 0; i < rank; i++) out.push(at.includes(i) ? 1 : (x[j++] ?? null));
      return out;
    }
    case 'Concat': {
      if (!shapes.every((s) => s && s.length === x.length)) return undefined;
      const a = node.getInt('axis', 0);
      const axis = a < 0 ? a + x.length : a;
      const out = [...x];
      const dims = shapes.map((s) => s![axis]);
      out[axis] = dims.every(num) ? dims.reduce<number>((p, d) => p + (d as number), 0) : null;
      return out;
    }
    case 'Resize':
    case 'Upsample': {
      // The rank always stays; sizes or scales give the dimensions when constant.
      const sizes = ints(node.input(3));
      const scales = node.input(2)?.const?.toFloat32() ?? node.getFloats('scales');
      const axes = node.getInts('axes') ?? x.map((_, i) => i);
      return x.map((d, i) => {
        const k = axes.indexOf(i < 0 ? i + x.length : i);
        if (k < 0) return d;
        if (sizes && sizes.length === axes.length) return sizes[k]!;
        if (scales && scales.length === axes.length && num(d)) return Math.floor(d * scales[k]!);
        return null;
      });
    }
    default:
      return undefined;
  }
}

/** Fills in the shapes of node outputs that have none (If/Loop bodies too); returns how many values got one. */
export function inferShapes(model: Model): { inferred: number } {
  let inferred = 0;
  for (const g of walkGraphs(model.graph))
    for (const node of g.topologicalOrder()) {
      const out = node.outputs[0];
      if (node.domain !== '' || node.outputs.length !== 1 || !out || out.shape !== undefined) continue;
      const dtype = outputDtype(node);
      if (!dtype) continue;
      let shape: Shape | undefined;
      try {
        shape = infer(
          node,
          node.inputs.map((v) => v?.shape),
        );
      } catch {
        shape = undefined;
      }
      if (!shape || shape.some((d) => typeof d === 'number' && (!Number.isInteger(d) || d < 0))) continue;
      out.type = tensorType(out.dtype ?? dtype, shape);
      inferred++;
    }
  return { inferred };
}

/**
 * Gives every symbolic (named or unknown) dimension of the graph inputs a fixed size, as formats
 * with static shapes (TFLite) do anyway. Returns how many dimensions were pinned.
 */
export function pinInputDims(model: Model, size = 1): { pinned: number } {
  let pinned = 0;
  for (const v of model.graph.inputs) {
    const t = v.type;
    if (v.isInitializer() || t?.kind !== 'tensor' || !t.shape) continue;
    const shape = t.shape.map((d) => {
      if (num(d)) return d;
      pinned++;
      return size;
    });
    v.type = tensorType(t.dtype, shape);
  }
  return { pinned };
}
