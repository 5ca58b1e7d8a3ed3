// Pruned float weights stored sparse: the last dim in CSR form (outer dims DENSE, last dim
// SPARSE_CSR, TFLite's layout for sparse FULLY_CONNECTED weights) behind a DENSIFY op, the form
// TFLite's converter writes for float models. Used only when the stored bytes are smaller.
import { tensorFromValues, type Value } from '@enxuto/ir';
import { EXTRA } from '../extras.js';
import { DimensionType, type SparseIndexVectorT, type SparsityParametersT } from '../schema/schema.generated.js';
import type { ExportContext } from './context.js';

/** Below this share of zeros a weight stays dense (the index arrays would eat the savings). */
export const MIN_ZERO_FRACTION = 0.5;

export interface CsrWeights {
  /** Row starts into `values` (rows + 1 entries); a row is every dim but the last, flattened. */
  segments: number[];
  /** Column of each stored value. */
  indices: number[];
  values: Float32Array;
}

/** CSR encoding of row-major `data` with rows of `cols` elements; exact zeros are dropped. */
export function csrEncode(data: Float32Array, cols: number): CsrWeights {
  const rows = cols === 0 ? 0 : data.length / cols;
  const segments = [0];
  const indices: number[] = [];
  const kept: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const x = data[r * cols + c]!;
      // -0 is kept: densify would turn it into +0, which changes 1/x.
      if (x !== 0 || Object.is(x, -0)) {
        indices.push(c);
        kept.push(x);
      }
    }
    segments.push(indices.length);
  }
  return { segments, indices, values: Float32Array.from(kept) };
}

/** Smallest index vector type holding every entry (TFLite reads all three). */
function indexVector(values: number[]): SparseIndexVectorT {
  const max = values.reduce((m, v) => Math.max(m, v), 0);
  if (max < 256) return { type: 'Uint8Vector', value: { values: Uint8Array.from(values) } };
  if (max < 65536) return { type: 'Uint16Vector', value: { values } };
  return { type: 'Int32Vector', value: { values } };
}

function vectorBytes(v: SparseIndexVectorT): number {
  const n = v.value.values?.length ?? 0;
  return n * (v.type === 'Uint8Vector' ? 1 : v.type === 'Uint16Vector' ? 2 : 4);
}

/** Sparsity metadata for `shape` (rank >= 2): outer dims DENSE, the last SPARSE_CSR. */
export function csrSparsity(shape: readonly number[], csr: CsrWeights): SparsityParametersT {
  const rank = shape.length;
  const dims = shape.map((d, i) =>
    i < rank - 1
      ? { format: DimensionType.DENSE, dense_size: d }
      : {
          format: DimensionType.SPARSE_CSR,
          dense_size: 0,
          array_segments: indexVector(csr.segments),
          array_indices: indexVector(csr.indices),
        },
  );
  return { traversal_order: shape.map((_, i) => i), block_map: [], dim_metadata: dims };
}

/** Bytes the sparse form stores (values and index vectors; the small tables around them excluded). */
export function sparseBytes(sparsity: SparsityParametersT, nnz: number): number {
  const last = sparsity.dim_metadata![sparsity.dim_metadata!.length - 1]!;
  return nnz * 4 + vectorBytes(last.array_segments!) + vectorBytes(last.array_indices!);
}

/** Per-tensor overhead of the sparsity tables, counted against the sparse form. */
const METADATA_BYTES = 64 + 16 * 4;

/**
 * A float32 weight of TFLite `shape` as the tensor an op reads: a DENSIFY of a sparse constant
 * when `data` is pruned enough and that is smaller, else undefined (the caller stores it dense).
 */
export function sparseFloatWeight(
  ctx: ExportContext,
  base: string,
  data: Float32Array,
  shape: readonly number[],
): Value | undefined {
  if (ctx.sparseWeights === 'never' || ctx.mode !== 'float32' || shape.length < 2 || data.length === 0)
    return undefined;
  let zeros = 0;
  for (let i = 0; i < data.length; i++) if (data[i] === 0 && !Object.is(data[i], -0)) zeros++;
  if (zeros < MIN_ZERO_FRACTION * data.length) return undefined;
  const csr = csrEncode(data, shape[shape.length - 1]!);
  const sparsity = csrSparsity(shape, csr);
  if (sparseBytes(sparsity, csr.values.length) + METADATA_BYTES >= data.length * 4) return undefined;

  // Not through the constant pool: a dense reader must never be handed the sparse tensor.
  const c = ctx.g.addInitializer(ctx.g.uniqueName(`${base}_sparse`), tensorFromValues('float32', [...shape], data));
  const stored = new Uint8Array(csr.values.buffer, csr.values.byteOffset, csr.values.byteLength);
  c.extras.set(EXTRA.sparse, { tensor: c.const, sparsity, stored });
  return ctx.op('DENSIFY', [c], {}, shape, 'float32', base);
}
