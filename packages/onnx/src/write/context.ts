// State shared while writing one model: where external tensor data goes.
import { EXTRAS } from '../read/read-graph.js';
import type { Parts } from './parts.js';

/**
 * Sets optional string fields: non-empty values always, empty ones only when the element was read
 * with the field present (so unchanged models are rewritten byte for byte).
 */
export function setStrings(msg: object, extras: ReadonlyMap<string, unknown>, fields: Record<string, string>): void {
  const empty = (extras.get(EXTRAS.emptyFields) as string[] | undefined) ?? [];
  for (const [k, v] of Object.entries(fields)) {
    if (v !== '' || empty.includes(k)) (msg as Record<string, unknown>)[k] = v;
  }
}

export interface ExternalDataTarget {
  /** Normalized location written into external_data (relative to the model file). */
  location: string;
  /** Tensors with at least this many bytes go to the data file. */
  threshold: number;
  data: Parts;
}

export interface WriteContext {
  external: ExternalDataTarget | undefined;
}

/** Offsets of big tensors are page-aligned (mmap, per onnx.proto); small ones 64-byte aligned (typed views). */
export function alignmentFor(byteLength: number): number {
  return byteLength >= 65536 ? 4096 : 64;
}
