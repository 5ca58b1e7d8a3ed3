// The layers an affine op can fold into: what their output channels are and how to scale their
// weight and bias along them (y = layer(x) * scale + shift, one scale and shift per output channel).
import { constOf, type Node, type Tensor } from '@enxuto/ir';

export interface Layer {
  node: Node;
  weight: Tensor;
  /** Output channels. */
  channels: number;
  /** Axis of the channels in the output, counted from the end (Conv: rank - 2; Gemm/MatMul: 0). */
  axisFromEnd: number;
  /** Rank of the output when known. */
  outputRank: number | undefined;
  /** Weight layout around the channel axis (see scaleAlongAxis). */
  outer: number;
  inner: number;
  /** Input slot of the bias; undefined when the layer has none to give (MatMul). */
  biasInput: number | undefined;
}

/** `node` as a foldable layer: a float32 constant weight and a known channel layout. */
export function layerOf(node: Node): Layer | undefined {
  if (node.domain !== '' || node.outputs.length !== 1) return undefined;
  const w = constOf(node.input(1));
  // A weight that is also a graph input can be overridden at run time: not a constant.
  if (w?.dtype !== 'float32' || node.input(1)!.isGraphInput()) return undefined;
  const s = w.shape;
  const base = { node, weight: w };
  switch (node.opType) {
    case 'Conv': {
      if (s.length < 3) return undefined;
      const inner = w.size / s[0]!;
      return {
        ...base,
        channels: s[0]!,
        axisFromEnd: s.length - 2,
        outputRank: s.length,
        outer: 1,
        inner,
        biasInput: 2,
      };
    }
    case 'ConvTranspose': {
      // [C_in, M / group, k...]: only group 1 keeps the output channels on one weight axis.
      if (s.length < 3 || node.getInt('group', 1) !== 1) return undefined;
      const inner = w.size / (s[0]! * s[1]!);
      return {
        ...base,
        channels: s[1]!,
        axisFromEnd: s.length - 2,
        outputRank: s.length,
        outer: s[0]!,
        inner,
        biasInput: 2,
      };
    }
    case 'Gemm': {
      if (s.length !== 2) return undefined;
      const transB = node.getInt('transB', 0) === 1;
      const [r, c] = s as [number, number];
      return transB
        ? { ...base, channels: r, axisFromEnd: 0, outputRank: 2, outer: 1, inner: c, biasInput: 2 }
        : { ...base, channels: c, axisFromEnd: 0, outputRank: 2, outer: r, inner: 1, biasInput: 2 };
    }
    case 'MatMul': {
      if (s.length !== 2) return undefined;
      const aRank = node.input(0)?.shape?.length;
      const outputRank = aRank === undefined ? undefined : Math.max(aRank, 1);
      return { ...base, channels: s[1]!, axisFromEnd: 0, outputRank, outer: s[0]!, inner: 1, biasInput: undefined };
    }
    default:
      return undefined;
  }
}
