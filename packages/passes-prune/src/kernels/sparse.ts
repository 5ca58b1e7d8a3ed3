// Sparse storage: a pruned float32 weight as COO (values + int64 linear indices), used when that
// is smaller than the dense bytes (nnz·12 < size·4, i.e. above about 67 % sparsity).
import { float32Tensor, int64Tensor, SparseTensor, type Tensor } from '@enxuto/ir';

export function sparseBytes(nonZero: number): number {
  return nonZero * (4 + 8);
}

/** The tensor as a SparseTensor when that stores fewer bytes; undefined otherwise. */
export function toSparseIfSmaller(t: Tensor): SparseTensor | undefined {
  if (t.dtype !== 'float32' || t instanceof SparseTensor) return undefined;
  const v = t.toFloat32();
  const idx: number[] = [];
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) idx.push(i);
  if (sparseBytes(idx.length) >= v.length * 4) return undefined;
  return new SparseTensor(
    'float32',
    [...t.shape],
    float32Tensor(
      [idx.length],
      Float32Array.from(idx, (i) => v[i]!),
    ),
    int64Tensor([idx.length], idx),
  );
}
