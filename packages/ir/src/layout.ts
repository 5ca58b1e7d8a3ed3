// Layout arithmetic every rewrite needs: where Reshape's target shape comes from, and moving
// row-major data into another axis order.

/**
 * The shape `Reshape(data, spec)` produces for data of `shape` (`size` elements): a 0 in `spec`
 * copies the input dim (unless `allowZero`), one -1 takes what is left. Undefined when the spec
 * does not fit.
 */
export function reshapeTarget(
  shape: readonly number[],
  size: number,
  spec: readonly number[],
  allowZero = false,
): number[] | undefined {
  const out = spec.map((d, i) => (d === 0 && !allowZero ? (shape[i] ?? -2) : d));
  const known = out.filter((d) => d !== -1).reduce((x, y) => x * y, 1);
  const minus = out.filter((d) => d === -1).length;
  if (minus > 1 || out.some((d) => d < -1 || !Number.isInteger(d))) return undefined;
  if (minus === 1) {
    if (known === 0 || size % known !== 0) return undefined;
    out[out.indexOf(-1)] = size / known;
  }
  return out.reduce((x, y) => x * y, 1) === size ? out : undefined;
}

/** The permutation of a Transpose without a `perm` attribute: the axes reversed. */
export function reversedAxes(rank: number): number[] {
  return Array.from({ length: rank }, (_, i) => rank - 1 - i);
}

/** Transposes a row-major tensor by `perm`. */
export function transposeValues<T extends { length: number; [i: number]: number | bigint }>(
  values: T,
  shape: readonly number[],
  perm: readonly number[],
  make: (n: number) => T,
): { values: T; shape: number[] } {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]!);
  const inStrides = new Array<number>(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    inStrides[i] = s;
    s *= shape[i]!;
  }
  const out = make(values.length);
  const coord = new Array<number>(rank).fill(0);
  for (let k = 0; k < values.length; k++) {
    let off = 0;
    for (let r = 0; r < rank; r++) off += coord[r]! * inStrides[perm[r]!]!;
    out[k] = values[off]!;
    for (let r = rank - 1; r >= 0; r--) {
      if (++coord[r]! < outShape[r]!) break;
      coord[r] = 0;
    }
  }
  return { values: out, shape: outShape };
}
