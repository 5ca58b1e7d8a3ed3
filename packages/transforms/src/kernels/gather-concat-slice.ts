// Indexing kernels for constant folding (mostly shape arithmetic: Shape -> Gather/Slice -> Concat).
// Pure: tensors in, a tensor out; undefined when the inputs are outside what is handled.
import { shapeSize, tensorFromValues, type Tensor } from '@enxuto/ir';

type Flat = ArrayLike<number | bigint>;

function ints(t: Tensor): number[] {
  return Array.from(t.values() as Flat, (v) => Number(v));
}

function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

function normAxis(axis: number, rank: number): number | undefined {
  const a = axis < 0 ? axis + rank : axis;
  return a >= 0 && a < rank ? a : undefined;
}

/** Copies the elements at `sourceIndex` of `data` into a new tensor of `shape`, same dtype. */
function pick(data: Tensor, shape: number[], sourceIndex: (k: number) => number): Tensor {
  const src = data.values() as Flat;
  const out: (number | bigint)[] = new Array(shapeSize(shape));
  for (let k = 0; k < out.length; k++) out[k] = src[sourceIndex(k)]!;
  return tensorFromValues(data.dtype, shape, out as number[]);
}

function coordsOf(k: number, shape: readonly number[], st: readonly number[]): number[] {
  return shape.map((_, r) => Math.floor(k / st[r]!) % shape[r]!);
}

/** ONNX Gather along `axis` (negative indices count from the end). */
export function gather(data: Tensor, indices: Tensor, axis: number): Tensor | undefined {
  const rank = data.shape.length;
  const a = normAxis(axis, rank);
  if (a === undefined || data.dtype === 'string') return undefined;
  const dim = data.shape[a]!;
  const idx = ints(indices).map((i) => (i < 0 ? i + dim : i));
  if (idx.some((i) => i < 0 || i >= dim)) return undefined;
  const shape = [...data.shape.slice(0, a), ...indices.shape, ...data.shape.slice(a + 1)];
  const inner = shapeSize(data.shape.slice(a + 1));
  const n = idx.length;
  return pick(data, shape, (k) => {
    const i = Math.floor(k / inner) % n;
    const outer = Math.floor(k / (inner * n));
    return (outer * dim + idx[i]!) * inner + (k % inner);
  });
}

/** ONNX Concat along `axis`: same rank and dtype, equal dims elsewhere. */
export function concat(parts: readonly Tensor[], axis: number): Tensor | undefined {
  const first = parts[0];
  if (!first || first.dtype === 'string') return undefined;
  const rank = first.shape.length;
  const a = normAxis(axis, rank);
  if (a === undefined) return undefined;
  for (const p of parts) {
    if (p.dtype !== first.dtype || p.shape.length !== rank) return undefined;
    if (p.shape.some((d, i) => i !== a && d !== first.shape[i])) return undefined;
  }
  const outer = shapeSize(first.shape.slice(0, a));
  const shape = [...first.shape];
  shape[a] = parts.reduce((s, p) => s + p.shape[a]!, 0);
  const out: (number | bigint)[] = [];
  const chunks = parts.map((p) => ({ vals: p.values() as Flat, chunk: shapeSize(p.shape.slice(a)) }));
  for (let o = 0; o < outer; o++)
    for (const { vals, chunk } of chunks) for (let i = 0; i < chunk; i++) out.push(vals[o * chunk + i]!);
  return tensorFromValues(first.dtype, shape, out as number[]);
}

/** ONNX Slice (opset 10+ inputs): starts/ends clamped like the spec, any step but 0. */
export function slice(
  data: Tensor,
  starts: number[],
  ends: number[],
  axes: number[] | undefined,
  steps: number[] | undefined,
): Tensor | undefined {
  const rank = data.shape.length;
  if (data.dtype === 'string' || starts.length !== ends.length) return undefined;
  const ax = axes ?? starts.map((_, i) => i);
  const st = steps ?? starts.map(() => 1);
  if (ax.length !== starts.length || st.length !== starts.length) return undefined;
  const begin = data.shape.map(() => 0);
  const step = data.shape.map(() => 1);
  const shape = [...data.shape];
  for (let j = 0; j < ax.length; j++) {
    const a = normAxis(ax[j]!, rank);
    const s = st[j]!;
    if (a === undefined || s === 0) return undefined;
    const dim = data.shape[a]!;
    const clampEnd = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + dim : v, lo), hi);
    const b = s > 0 ? clampEnd(starts[j]!, 0, dim) : clampEnd(starts[j]!, -1, dim - 1);
    const e = s > 0 ? clampEnd(ends[j]!, 0, dim) : clampEnd(ends[j]!, -1, dim - 1);
    begin[a] = b;
    step[a] = s;
    shape[a] = Math.max(0, Math.ceil((e - b) / s));
  }
  const inStrides = strides(data.shape);
  const outStrides = strides(shape);
  return pick(data, shape, (k) =>
    coordsOf(k, shape, outStrides).reduce((off, c, r) => off + (begin[r]! + c * step[r]!) * inStrides[r]!, 0),
  );
}
