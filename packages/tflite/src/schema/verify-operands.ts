// Rules about an operator's operands: which inputs may be absent (-1), and the weight shapes the
// common weighted ops need from their input (BAD_INPUTS 38: a file that passes every structural
// check but whose Conv or FullyConnected weights do not fit the input would convert into a
// model that computes garbage or fails later in a runtime). Dims are compared only where static.
import { BuiltinOperator, type TensorT } from './schema.generated.js';

const OPS = BuiltinOperator;

/**
 * Input positions that may hold -1 (TFLite's "no tensor") for the builtins that have optional
 * inputs; every input of any other builtin is required. Custom ops are opaque, so any of their
 * inputs may be absent.
 */
export const OPTIONAL_INPUTS: Partial<Record<number, (position: number) => boolean>> = {
  [OPS.CONV_2D]: (i) => i === 2,
  [OPS.DEPTHWISE_CONV_2D]: (i) => i === 2,
  [OPS.FULLY_CONNECTED]: (i) => i === 2,
  [OPS.TRANSPOSE_CONV]: (i) => i === 3,
  [OPS.CONV_3D]: (i) => i === 2,
  [OPS.CONV_3D_TRANSPOSE]: (i) => i === 3,
  [OPS.SVDF]: (i) => i === 3,
  [OPS.RESHAPE]: (i) => i === 1,
  [OPS.LSH_PROJECTION]: (i) => i === 2,
  [OPS.LSTM]: (i) => i > 0,
  [OPS.UNIDIRECTIONAL_SEQUENCE_LSTM]: (i) => i > 0,
  [OPS.BIDIRECTIONAL_SEQUENCE_LSTM]: (i) => i > 0,
  [OPS.BIDIRECTIONAL_SEQUENCE_RNN]: (i) => i > 0,
  [OPS.UNIDIRECTIONAL_SEQUENCE_RNN]: (i) => i > 0,
  [OPS.RNN]: (i) => i > 0,
  [OPS.CUSTOM]: () => true,
};

export interface OperandProblem {
  message: string;
  /** Position of the input the problem is reported at. */
  input: number;
}

/** Dim `i` of a tensor when it is known (a positive number not marked dynamic by shape_signature). */
function dim(t: TensorT | undefined, i: number): number | undefined {
  const d = t?.shape?.[i];
  const sig = t?.shape_signature?.[i];
  return d !== undefined && d > 0 && (sig === undefined || sig >= 0) ? d : undefined;
}

const rank = (t: TensorT | undefined) => t?.shape?.length ?? 0;

function differ(a: number | undefined, b: number | undefined): boolean {
  return a !== undefined && b !== undefined && a !== b;
}

/** Ops whose two inputs broadcast NumPy-style. */
const BROADCASTING = new Set<number>([
  OPS.ADD,
  OPS.SUB,
  OPS.MUL,
  OPS.DIV,
  OPS.SQUARED_DIFFERENCE,
  OPS.MAXIMUM,
  OPS.MINIMUM,
  OPS.POW,
  OPS.FLOOR_DIV,
  OPS.FLOOR_MOD,
]);

/** Two static dims that no broadcast joins, aligned from the last; undefined when they broadcast. */
function broadcastClash(x: TensorT, y: TensorT): string | undefined {
  for (let i = 1; i <= Math.min(rank(x), rank(y)); i++) {
    const a = dim(x, rank(x) - i);
    const c = dim(y, rank(y) - i);
    if (differ(a, c) && a !== 1 && c !== 1)
      return `[${x.shape!.join(', ')}] and [${y.shape!.join(', ')}] do not broadcast`;
  }
  return undefined;
}

/** Shape rules of ops without weights: broadcasting, concatenation, batched matmul. */
function dataShapeProblem(
  code: number,
  inputs: readonly (TensorT | undefined)[],
  options: Record<string, unknown>,
): OperandProblem | undefined {
  const [x, y] = inputs;
  if (BROADCASTING.has(code) && x !== undefined && y !== undefined) {
    const clash = broadcastClash(x, y);
    return clash === undefined ? undefined : { message: clash, input: 1 };
  }
  if (code === OPS.CONCATENATION && x !== undefined) {
    const r = rank(x);
    const axis = typeof options.axis === 'number' ? options.axis : 0;
    const a = axis < 0 ? axis + r : axis;
    if (a < 0 || a >= Math.max(r, 1)) return { message: `axis ${axis} is outside rank ${r}`, input: 0 };
    for (let k = 1; k < inputs.length; k++) {
      const t = inputs[k];
      if (t === undefined) continue;
      if (rank(t) !== r) return { message: `input ${k} has rank ${rank(t)}, input 0 has rank ${r}`, input: k };
      for (let i = 0; i < r; i++)
        if (i !== a && differ(dim(t, i), dim(x, i)))
          return { message: `input ${k} has ${dim(t, i)} in dim ${i}, input 0 has ${dim(x, i)}`, input: k };
    }
    return undefined;
  }
  if (code === OPS.BATCH_MATMUL && x !== undefined && y !== undefined) {
    if (rank(x) < 2 || rank(y) < 2)
      return { message: 'BATCH_MATMUL needs operands of rank >= 2', input: rank(x) < 2 ? 0 : 1 };
    const kx = dim(x, rank(x) - (options.adj_x === true ? 2 : 1));
    const ky = dim(y, rank(y) - (options.adj_y === true ? 1 : 2));
    if (differ(kx, ky)) return { message: `inner dims differ: ${kx} (input 0) and ${ky} (input 1)`, input: 1 };
    const batch = broadcastClash({ ...x, shape: x.shape!.slice(0, -2) }, { ...y, shape: y.shape!.slice(0, -2) });
    return batch === undefined ? undefined : { message: `batch dims: ${batch}`, input: 1 };
  }
  return undefined;
}

export function operandShapeProblem(
  code: number,
  inputs: readonly (TensorT | undefined)[],
  options: Record<string, unknown> = {},
): OperandProblem | undefined {
  const data = dataShapeProblem(code, inputs, options);
  if (data !== undefined) return data;
  if (code === OPS.TRANSPOSE_CONV) {
    // Inputs: output_shape, filter [O, H, W, I], input [N, H, W, C], bias [O].
    const [, f, input, bias] = inputs;
    if (f === undefined || input === undefined) return undefined;
    if (rank(f) !== 4) return { message: `filter has rank ${rank(f)}; TRANSPOSE_CONV needs rank 4`, input: 1 };
    if (rank(input) !== 4) return { message: `input has rank ${rank(input)}; TRANSPOSE_CONV needs NHWC`, input: 2 };
    if (differ(dim(input, 3), dim(f, 3)))
      return { message: `input has ${dim(input, 3)} channels, the filter takes ${dim(f, 3)}`, input: 1 };
    if (bias !== undefined && rank(bias) === 1 && differ(dim(bias, 0), dim(f, 0)))
      return { message: `bias has ${dim(bias, 0)} values for ${dim(f, 0)} output channels`, input: 3 };
    return undefined;
  }
  const [x, w, b] = inputs;
  if (x === undefined || w === undefined || rank(x) === 0) return undefined;
  const bias = (outChannels: number | undefined) =>
    b !== undefined && rank(b) === 1 && differ(dim(b, 0), outChannels)
      ? { message: `bias has ${dim(b, 0)} values for ${outChannels} output channels`, input: 2 }
      : undefined;
  switch (code) {
    case OPS.CONV_2D:
    case OPS.DEPTHWISE_CONV_2D: {
      if (rank(x) !== 4) return { message: `input has rank ${rank(x)}; the op needs NHWC (rank 4)`, input: 0 };
      if (rank(w) !== 4) return { message: `filter has rank ${rank(w)}; the op needs rank 4`, input: 1 };
      const c = dim(x, 3);
      if (code === OPS.CONV_2D) {
        // Filter [O, H, W, I/groups]: the input's channels are a multiple of the filter's.
        const fi = dim(w, 3);
        if (c !== undefined && fi !== undefined && c % fi !== 0)
          return { message: `input has ${c} channels, the filter takes ${fi} per group`, input: 1 };
        return bias(dim(w, 0));
      }
      // Depthwise filter [1, H, W, C * multiplier].
      const fo = dim(w, 3);
      if (c !== undefined && fo !== undefined && fo % c !== 0)
        return { message: `filter has ${fo} channels, not a multiple of the input's ${c}`, input: 1 };
      return bias(fo);
    }
    case OPS.FULLY_CONNECTED: {
      if (rank(w) !== 2) return { message: `weights have rank ${rank(w)}; FULLY_CONNECTED needs rank 2`, input: 1 };
      const k = dim(w, 1);
      const last = dim(x, rank(x) - 1);
      // The input is flattened to [-1, k]: its element count must be a multiple of k.
      const all = x.shape!.every((_, i) => dim(x, i) !== undefined) ? x.shape!.reduce((p, d) => p * d, 1) : undefined;
      if (k !== undefined && ((all !== undefined && all % k !== 0) || (all === undefined && differ(last, k))))
        return { message: `input [${x.shape!.join(', ')}] does not flatten to rows of the weights' ${k}`, input: 1 };
      return bias(dim(w, 0));
    }
    default:
      return undefined;
  }
}
