// Generated inputs of a session's shapes, for benchmarks and smoke runs.
import { RuntimeError, shapeSize, type DataType, type TypedArray, mulberry32 } from '@enxuto/ir';
import { isRuntimeDtype } from './tensor-convert.js';
import type { TensorData, TensorInfo } from '@enxuto/pass';

export interface InputShapeOptions {
  /** Size of a symbolic first dimension (default 1). Other symbolic dims are 1. */
  batch?: number;
  /** Explicit shapes by input name; they win over `batch`. */
  shapes?: Record<string, number[]>;
}

/** Concrete shape of an input: explicit, else its static dims with symbolic ones filled in. */
export function concreteShape(info: TensorInfo, opts: InputShapeOptions = {}): number[] {
  const explicit = opts.shapes?.[info.name];
  if (explicit) return explicit;
  return info.shape.map((d, i) => (typeof d === 'number' ? d : i === 0 ? (opts.batch ?? 1) : 1));
}

function fill(dtype: DataType, n: number, next: () => number): TypedArray {
  switch (dtype) {
    case 'float32':
      return Float32Array.from({ length: n }, () => next());
    case 'float64':
      return Float64Array.from({ length: n }, () => next());
    case 'float16':
      return new Uint16Array(n).fill(0x3800); // 0.5: valid bits without a converter
    case 'int8':
      return Int8Array.from({ length: n }, () => Math.floor(next() * 8));
    case 'int16':
      return Int16Array.from({ length: n }, () => Math.floor(next() * 8));
    case 'int32':
      return Int32Array.from({ length: n }, () => Math.floor(next() * 8));
    case 'int64':
      return BigInt64Array.from({ length: n }, () => BigInt(Math.floor(next() * 8)));
    case 'uint16':
      return Uint16Array.from({ length: n }, () => Math.floor(next() * 8));
    case 'uint32':
      return Uint32Array.from({ length: n }, () => Math.floor(next() * 8));
    case 'uint64':
      return BigUint64Array.from({ length: n }, () => BigInt(Math.floor(next() * 8)));
    case 'bool':
      return Uint8Array.from({ length: n }, () => (next() < 0.5 ? 0 : 1));
    default:
      return Uint8Array.from({ length: n }, () => Math.floor(next() * 256));
  }
}

/** Limit on generated elements per input (1 G floats would exhaust memory before inference). */
const MAX_ELEMENTS = 256 * 1024 * 1024;

/** Random (seeded) inputs for every input of a session: floats in [0,1), small integers. */
export function generateInputs(
  infos: readonly TensorInfo[],
  opts: InputShapeOptions & { seed?: number } = {},
): Record<string, TensorData> {
  const next = mulberry32(opts.seed ?? 1);
  const feeds: Record<string, TensorData> = {};
  for (const info of infos) {
    if (!isRuntimeDtype(info.dtype)) {
      throw new RuntimeError(`cannot generate data for input ${info.name} of type ${info.dtype ?? 'non-tensor'}`, {
        code: 'runtime/unsupported-input',
        value: info.name,
        field: 'dtype',
      });
    }
    const shape = concreteShape(info, opts);
    const n = shapeSize(shape);
    if (!Number.isSafeInteger(n) || n > MAX_ELEMENTS || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
      throw new RuntimeError(`input ${info.name}: shape [${shape.join(',')}] is too large or invalid`, {
        code: 'runtime/bad-shape',
        value: info.name,
        field: 'shape',
      });
    }
    feeds[info.name] = { dtype: info.dtype, shape, data: fill(info.dtype, n, next) };
  }
  return feeds;
}
