// Value ranges for quantization. NaN and +-Inf are ignored (BAD_INPUTS case 17): one bad weight
// must not turn a whole channel's scale into NaN/Inf.

export interface Range {
  min: number;
  max: number;
}

/** Min and max of the finite values; {0, 0} when there are none. */
export function finiteRange(data: ArrayLike<number>, start = 0, end = data.length): Range {
  // Fast pass: NaN never wins a comparison, so only +-Inf can sneak in; redo those rare spans slowly.
  let min = Infinity;
  let max = -Infinity;
  for (let i = start; i < end; i++) {
    const v = data[i]!;
    min = v < min ? v : min;
    max = v > max ? v : max;
  }
  if (min === -Infinity || max === Infinity) return finiteRangeSlow(data, start, end);
  return min > max ? { min: 0, max: 0 } : { min, max };
}

function finiteRangeSlow(data: ArrayLike<number>, start: number, end: number): Range {
  let min = Infinity;
  let max = -Infinity;
  for (let i = start; i < end; i++) {
    const v = data[i]!;
    // `v - v === 0` is false exactly for NaN and +-Inf.
    if (v - v !== 0) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min > max ? { min: 0, max: 0 } : { min, max };
}

/** Layout of `shape` around `axis`: outer * channels * inner elements. */
export function axisLayout(shape: readonly number[], axis: number): { outer: number; channels: number; inner: number } {
  const a = axis < 0 ? axis + shape.length : axis;
  if (!Number.isInteger(a) || a < 0 || a >= shape.length) {
    throw new RangeError(`axis ${axis} is outside a tensor of rank ${shape.length}`);
  }
  let outer = 1;
  let inner = 1;
  for (let d = 0; d < a; d++) outer *= shape[d]!;
  for (let d = a + 1; d < shape.length; d++) inner *= shape[d]!;
  return { outer, channels: shape[a]!, inner };
}

/** Per-channel finite min/max along `axis`. */
export function finiteRangePerAxis(
  data: ArrayLike<number>,
  shape: readonly number[],
  axis: number,
): { min: Float64Array; max: Float64Array } {
  const { outer, channels, inner } = axisLayout(shape, axis);
  const min = new Float64Array(channels).fill(Infinity);
  const max = new Float64Array(channels).fill(-Infinity);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const base = (o * channels + c) * inner;
      const r = finiteRange(data, base, base + inner);
      // An all-NaN span gives {0, 0}; it must not pull a channel's range to include 0 when other spans have values.
      if (r.min === 0 && r.max === 0 && !hasFinite(data, base, base + inner)) continue;
      if (r.min < min[c]!) min[c] = r.min;
      if (r.max > max[c]!) max[c] = r.max;
    }
  }
  for (let c = 0; c < channels; c++) {
    if (min[c]! > max[c]!) min[c] = max[c] = 0;
  }
  return { min, max };
}

function hasFinite(data: ArrayLike<number>, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (data[i]! - data[i]! === 0) return true;
  return false;
}
