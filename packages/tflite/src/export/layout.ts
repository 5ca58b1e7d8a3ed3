// Pure layout arithmetic. A layout is a permutation L of the ONNX dims: the TFLite tensor's dim i
// is the ONNX value's dim L[i]. NCHW activations held as NHWC have L = [0, 2, 3, 1].

export type Layout = readonly number[];

export const NHWC: Layout = [0, 2, 3, 1];

export function identity(rank: number): number[] {
  return Array.from({ length: rank }, (_, i) => i);
}

export function isIdentity(l: Layout): boolean {
  return l.every((d, i) => d === i);
}

export function sameLayout(a: Layout, b: Layout): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** The TFLite shape of an ONNX shape held in layout `l`. */
export function applyLayout<T>(onnxShape: readonly T[], l: Layout): T[] {
  return l.map((d) => onnxShape[d]!);
}

/** TRANSPOSE perm turning a tensor held in layout `from` into layout `to` (same ONNX value). */
export function transposePerm(from: Layout, to: Layout): number[] {
  return to.map((d) => from.indexOf(d));
}

/** Where ONNX axis `axis` sits in a tensor held in layout `l`. */
export function tfliteAxis(l: Layout, axis: number): number {
  return l.indexOf(axis);
}

/**
 * True when a transpose by `perm` of a tensor of shape `shape` only moves size-1 dims, so the
 * element order is unchanged and a RESHAPE does the same job (cheaper, and quantization-neutral).
 */
export function transposeIsReshape(shape: readonly number[], perm: readonly number[]): boolean {
  const order = perm.filter((p) => shape[p] !== 1);
  return order.every((p, i) => i === 0 || p > order[i - 1]!);
}

/** Normalizes a possibly negative axis against a rank. */
export function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}
