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

export function operandShapeProblem(
  code: number,
  inputs: readonly (TensorT | undefined)[],
): OperandProblem | undefined {
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
