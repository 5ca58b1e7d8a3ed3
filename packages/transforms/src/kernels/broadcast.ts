// Numpy-style broadcasting for the element-wise ops constant folding evaluates.

export function broadcastShape(a: readonly number[], b: readonly number[]): number[] | undefined {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return undefined;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Flat index into a tensor of `shape` for each flat index of the broadcast `out` shape. */
export function broadcastIndex(shape: readonly number[], out: readonly number[]): Int32Array {
  const total = out.reduce((x, y) => x * y, 1);
  const idx = new Int32Array(total);
  const rank = out.length;
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const r = rank - shape.length + i;
    strides[r] = shape[i] === 1 ? 0 : s;
    s *= shape[i]!;
  }
  const coord = new Array<number>(rank).fill(0);
  for (let k = 0; k < total; k++) {
    let off = 0;
    for (let r = 0; r < rank; r++) off += coord[r]! * strides[r]!;
    idx[k] = off;
    for (let r = rank - 1; r >= 0; r--) {
      if (++coord[r]! < out[r]!) break;
      coord[r] = 0;
    }
  }
  return idx;
}
