// Pure conversions between TFLite buffer layouts and IR tensor data: string buffers, sub-byte
// packing and sparse (TACO) storage. No graph knowledge here.
import { packSubByte, type Tensor } from '@enxuto/ir';
import { DimensionType, type SparsityParametersT } from './schema/schema.generated.js';
import { sparseIndexValues } from './schema/sparsity.js';

/**
 * Splits a TFLite string buffer: int32 count, int32 offsets[count + 1], then the bytes. Returns a
 * message instead of items when the layout is inconsistent.
 */
export function parseStringBuffer(data: Uint8Array, expected: number): Uint8Array[] | string {
  if (data.length < 4) return 'string buffer shorter than its count';
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const count = view.getInt32(0, true);
  if (count !== expected) return `string buffer holds ${count} strings, the shape needs ${expected}`;
  if (count < 0 || 4 * (count + 2) > data.length) return 'string buffer offsets run past its end';
  const items: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const start = view.getInt32(4 + 4 * i, true);
    const end = view.getInt32(8 + 4 * i, true);
    if (start < 4 * (count + 2) || end < start || end > data.length) return `string ${i} lies outside the buffer`;
    items.push(data.subarray(start, end));
  }
  return items;
}

export function serializeStrings(items: readonly Uint8Array[]): Uint8Array {
  const header = 4 * (items.length + 2);
  const total = header + items.reduce((s, b) => s + b.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setInt32(0, items.length, true);
  let offset = header;
  items.forEach((b, i) => {
    view.setInt32(4 + 4 * i, offset, true);
    out.set(b, offset);
    offset += b.length;
  });
  view.setInt32(4 + 4 * items.length, offset, true);
  return out;
}

/** One byte per element (as older converters stored int4) -> packed two per byte. */
export function packUnpacked(data: Uint8Array, bits: number): Uint8Array {
  return packSubByte(
    Array.from(data, (b) => (b << 24) >> 24),
    bits,
  );
}

/** Packed sub-byte tensor -> one byte per element (the inverse of packUnpacked). */
export function unpackToBytes(t: Tensor): Uint8Array {
  const v = t.values();
  return Uint8Array.from(v as ArrayLike<number>, (x) => Number(x) & 0xff);
}

/**
 * Dense bytes of a sparse constant (metadata already checked by countSparseElements): walks the
 * traversal order, placing each stored element at its row-major position in the dense tensor.
 */
export function densify(
  stored: Uint8Array,
  elemBytes: number,
  shape: readonly number[],
  sparsity: SparsityParametersT,
): Uint8Array {
  const order = sparsity.traversal_order ?? [];
  const meta = sparsity.dim_metadata ?? [];
  const blockMap = sparsity.block_map ?? [];
  const rank = shape.length;
  const blockSizes = blockMap.map((_, b) => meta[rank + b]!.dense_size);
  const dense = new Uint8Array(shape.reduce((a, b) => a * b, 1) * elemBytes);
  const segments = meta.map((m) => sparseIndexValues(m.array_segments));
  const indices = meta.map((m) => sparseIndexValues(m.array_indices));
  const coords = new Array<number>(order.length).fill(0);

  const place = (storedIndex: number): void => {
    const orig = coords.slice(0, rank);
    blockMap.forEach((d, b) => {
      orig[d] = orig[d]! * blockSizes[b]! + coords[rank + b]!;
    });
    let linear = 0;
    for (let d = 0; d < rank; d++) linear = linear * shape[d]! + orig[d]!;
    dense.set(stored.subarray(storedIndex * elemBytes, (storedIndex + 1) * elemBytes), linear * elemBytes);
  };
  // Depth is the number of traversal dims (bounded by the verifier), so recursion is safe.
  const walk = (level: number, position: number): void => {
    if (level === order.length) {
      place(position);
      return;
    }
    const m = meta[level]!;
    const seg = segments[level];
    const idx = indices[level];
    if (m.format === DimensionType.DENSE || seg === undefined || idx === undefined) {
      for (let j = 0; j < m.dense_size; j++) {
        coords[order[level]!] = j;
        walk(level + 1, position * m.dense_size + j);
      }
    } else {
      for (let k = seg[position]!; k < seg[position + 1]!; k++) {
        coords[order[level]!] = idx[k]!;
        walk(level + 1, k);
      }
    }
  };
  walk(0, 0);
  return dense;
}
