// The type of a value: a tensor (the common case) or one of ONNX's container types.
import type { DataType } from './dtype.js';

/** A dimension: a size, a symbolic name ('batch'), or null when unknown. */
export type Dim = number | string | null;

export type ValueType =
  | { kind: 'tensor'; dtype: DataType; shape?: Dim[] }
  | { kind: 'sparse-tensor'; dtype: DataType; shape?: Dim[] }
  | { kind: 'sequence'; elem?: ValueType }
  | { kind: 'map'; key: DataType; value?: ValueType }
  | { kind: 'optional'; elem?: ValueType }
  | { kind: 'opaque'; domain: string; name: string };

export function tensorType(dtype: DataType, shape?: Dim[]): ValueType {
  return shape === undefined ? { kind: 'tensor', dtype } : { kind: 'tensor', dtype, shape };
}

export function formatDims(shape: readonly Dim[] | undefined): string {
  if (shape === undefined) return '?';
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(',')}]`;
}

export function formatType(t: ValueType | undefined): string {
  if (t === undefined) return 'unknown';
  switch (t.kind) {
    case 'tensor':
      return `${t.dtype}${formatDims(t.shape)}`;
    case 'sparse-tensor':
      return `sparse ${t.dtype}${formatDims(t.shape)}`;
    case 'sequence':
      return `sequence<${formatType(t.elem)}>`;
    case 'map':
      return `map<${t.key}, ${formatType(t.value)}>`;
    case 'optional':
      return `optional<${formatType(t.elem)}>`;
    case 'opaque':
      return `opaque ${t.domain}.${t.name}`;
  }
}
