// Parsing of LeCun's idx files (MNIST's format) from bytes: magic, dims and exact byte counts are
// checked before any view is made, so a truncated or lying file is a FormatError, never a crash.
import { formatError, unsupportedError } from './errors.js';

/** idx data type byte -> [name, bytes per element]. Only unsigned bytes are read as data. */
const IDX_TYPES: Record<number, [string, number]> = {
  8: ['uint8', 1],
  9: ['int8', 1],
  11: ['int16', 2],
  12: ['int32', 4],
  13: ['float32', 4],
  14: ['float64', 8],
};

export interface IdxArray {
  dims: number[];
  /** The element bytes (uint8), a view into the input. */
  data: Uint8Array;
}

/**
 * Parse an idx file holding unsigned bytes. `file` and `field` name the source in errors
 * (`field` is the spec field that pointed here, e.g. `images`).
 */
export function parseIdx(bytes: Uint8Array, file: string, field: string, expectedRank?: number): IdxArray {
  const at = { file, field: `${field}.header` };
  if (bytes.length < 4) {
    throw formatError(`file has ${bytes.length} bytes, too short for an idx header`, { code: 'data/truncated', ...at });
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    // The bytes found are not shown: the file may be anything, and its content is not ours to print.
    throw formatError('not an idx file: it does not start with 00 00 <type> <rank>', {
      code: 'data/bad-magic',
      ...at,
    });
  }
  const type = IDX_TYPES[bytes[2]!];
  if (!type) {
    throw formatError(`unknown idx data type 0x${bytes[2]!.toString(16).padStart(2, '0')}`, {
      code: 'data/bad-magic',
      ...at,
    });
  }
  if (type[0] !== 'uint8') {
    throw unsupportedError(`idx data type ${type[0]} is not supported (MNIST files hold uint8)`, {
      code: 'data/unsupported-type',
      ...at,
    });
  }
  const rank = bytes[3]!;
  if (expectedRank !== undefined && rank !== expectedRank) {
    throw formatError(`idx file has rank ${rank}, expected ${expectedRank}`, {
      code: 'data/bad-shape',
      file,
      field: `${field}.rank`,
    });
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw formatError(`file has ${bytes.length} bytes, the rank-${rank} header needs ${headerBytes}`, {
      code: 'data/truncated',
      ...at,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  // Each dim is < 2^32 and the product is compared with the real size, so no allocation depends on it.
  const needed = dims.reduce((a, b) => a * b, 1) * type[1];
  const available = bytes.length - headerBytes;
  if (needed !== available) {
    const verdict = needed > available ? 'truncated' : 'has trailing bytes';
    throw formatError(`${verdict}: dims [${dims.join(', ')}] need ${needed} data bytes, the file has ${available}`, {
      code: needed > available ? 'data/truncated' : 'data/size-mismatch',
      file,
      field: `${field}.dims`,
    });
  }
  return { dims, data: bytes.subarray(headerBytes) };
}
