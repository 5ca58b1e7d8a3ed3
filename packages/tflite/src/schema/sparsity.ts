// Sparse tensor metadata (TACO-style, see schema.fbs SparsityParameters): consistency checks
// that follow TFLite's verifier.cc, returning the number of stored (non-zero) elements.
import { DimensionType, type SparseIndexVectorT, type SparsityParametersT } from './schema.generated.js';

/** Sparse metadata with more traversal dims than this is rejected (densify recurses per dim). */
export const MAX_SPARSE_DIMS = 64;

/** Index values of an array_segments / array_indices union, or undefined when absent. */
export function sparseIndexValues(v: SparseIndexVectorT | undefined): readonly number[] | undefined {
  if (v === undefined) return undefined;
  const values = v.value.values;
  if (values === undefined) return undefined;
  return Array.from(values);
}

/**
 * Number of stored elements the metadata describes for a dense tensor of `shape`, or a string
 * saying what is inconsistent.
 */
export function countSparseElements(sparsity: SparsityParametersT, shape: readonly number[]): number | string {
  const order = sparsity.traversal_order ?? [];
  const meta = sparsity.dim_metadata ?? [];
  const rank = shape.length;
  const total = order.length;
  if (total > MAX_SPARSE_DIMS) return `traversal_order has ${total} entries (at most ${MAX_SPARSE_DIMS})`;
  if (total < rank) return `traversal_order has ${total} entries for a rank-${rank} tensor`;
  if (meta.length !== total) return `dim_metadata has ${meta.length} entries, traversal_order ${total}`;
  if ([...order].sort((a, b) => a - b).some((d, i) => d !== i)) return 'traversal_order is not a permutation';
  const blockRank = total - rank;
  const blockMap = sparsity.block_map ?? [];
  if (blockMap.length !== blockRank) return `block_map has ${blockMap.length} entries, expected ${blockRank}`;

  // Sizes of (d0..dn-1, block dims...) in original order, as verifier.cc computes them.
  const sizes = [...shape, ...new Array<number>(blockRank).fill(0)];
  for (let i = 0; i < blockRank; i++) {
    const blockDim = order[rank + i]!;
    const blockSize = meta[rank + i]!.dense_size;
    if (blockSize <= 0) return `block dimension ${i} has size ${blockSize}`;
    sizes[blockDim] = blockSize;
    const mapped = blockMap[i]!;
    if (mapped < 0 || mapped >= rank) return `block_map[${i}] = ${mapped} is not a tensor dimension`;
    if (sizes[mapped]! % blockSize !== 0) return `dimension ${mapped} is not a multiple of its block size ${blockSize}`;
    sizes[mapped] = sizes[mapped]! / blockSize;
  }

  let count = 1;
  for (let i = 0; i < total; i++) {
    const dim = order[i]!;
    const m = meta[i]!;
    if (m.format === DimensionType.DENSE) {
      if (m.dense_size !== sizes[dim]) return `dim_metadata[${i}].dense_size ${m.dense_size} != ${sizes[dim]}`;
      count *= m.dense_size;
    } else if (m.format === DimensionType.SPARSE_CSR) {
      const segments = sparseIndexValues(m.array_segments);
      const indices = sparseIndexValues(m.array_indices);
      if (segments === undefined || indices === undefined)
        return `dim_metadata[${i}] is sparse but lacks array_segments or array_indices`;
      if (segments.length !== count + 1)
        return `dim_metadata[${i}].array_segments has ${segments.length} entries, expected ${count + 1}`;
      if (segments[0] !== 0) return `dim_metadata[${i}].array_segments does not start at 0`;
      for (let j = 1; j < segments.length; j++) {
        if (segments[j]! < segments[j - 1]!) return `dim_metadata[${i}].array_segments decreases at ${j}`;
      }
      if (segments[segments.length - 1] !== indices.length)
        return `dim_metadata[${i}].array_segments ends at ${segments[segments.length - 1]}, array_indices has ${indices.length}`;
      for (const idx of indices) {
        if (idx < 0 || idx >= sizes[dim]!)
          return `dim_metadata[${i}].array_indices value ${idx} is outside dimension size ${sizes[dim]}`;
      }
      count = indices.length;
    } else {
      return `dim_metadata[${i}].format ${m.format} is unknown`;
    }
    if (count > 2 ** 32) return 'describes more than 2^32 elements';
  }
  return count;
}
