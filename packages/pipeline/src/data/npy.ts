// NumPy .npy parsing from bytes (format versions 1, 2 and 3). The header is a Python dict
// literal: it is tokenised by hand (never evaluated), its length is bounded, and the shape is
// checked against the real byte count before anything is read.
import { formatError, unsupportedError } from './errors.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
/** Longest header accepted; numpy itself refuses headers over 10,000 bytes by default. */
export const MAX_NPY_HEADER_BYTES = 65536;

export type NpyDtype =
  | 'float32'
  | 'float64'
  | 'uint8'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'bool';

const DESCR: Record<string, [NpyDtype, number]> = {
  f4: ['float32', 4],
  f8: ['float64', 8],
  u1: ['uint8', 1],
  i1: ['int8', 1],
  b1: ['bool', 1],
  i2: ['int16', 2],
  u2: ['uint16', 2],
  i4: ['int32', 4],
  u4: ['uint32', 4],
  i8: ['int64', 8],
};

export interface NpyArray {
  dtype: NpyDtype;
  itemSize: number;
  shape: number[];
  /** The element bytes, little-endian, a view into the input. */
  data: Uint8Array;
}

type HeaderValue = string | boolean | number[];

export function parseNpy(bytes: Uint8Array, file: string, field: string): NpyArray {
  const header = { file, field: `${field}.header` };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw formatError('not a .npy file (missing \\x93NUMPY magic)', { code: 'data/bad-magic', ...header });
  }
  const major = bytes[6]!;
  if (major < 1 || major > 3) {
    throw formatError(`.npy format version ${major}.${bytes[7]} is not supported (1, 2 or 3)`, {
      code: 'data/unsupported-version',
      ...header,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) {
    throw formatError('truncated before the header length', { code: 'data/truncated', ...header });
  }
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lengthBytes;
  if (headerLength > MAX_NPY_HEADER_BYTES) {
    throw formatError(`header of ${headerLength} bytes is longer than ${MAX_NPY_HEADER_BYTES}`, {
      code: 'data/header-too-large',
      ...header,
    });
  }
  if (bytes.length < start + headerLength) {
    throw formatError(`header says ${headerLength} bytes but the file ends first`, {
      code: 'data/truncated',
      ...header,
    });
  }
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLength));
  const dict = parseHeaderDict(text, file, field);

  const descr = dict.get('descr');
  if (typeof descr !== 'string')
    throw formatError("header has no 'descr' string", { code: 'data/bad-header', file, field: `${field}.descr` });
  const order = descr[0];
  const kind = DESCR[descr.slice(1)];
  const singleByte = kind !== undefined && kind[1] === 1;
  if (!kind || !(order === '<' || order === '|' || (order === '>' && singleByte))) {
    throw unsupportedError(`dtype '${descr}' is not supported (little-endian ${Object.keys(DESCR).join(', ')})`, {
      code: 'data/unsupported-type',
      file,
      field: `${field}.descr`,
    });
  }
  const fortran = dict.get('fortran_order');
  if (fortran !== false) {
    const at = { file, field: `${field}.fortran_order` };
    if (fortran === true)
      throw unsupportedError('Fortran-order arrays are not supported (save with C order)', {
        code: 'data/unsupported-layout',
        ...at,
      });
    throw formatError("header has no boolean 'fortran_order'", { code: 'data/bad-header', ...at });
  }
  const shape = dict.get('shape');
  if (!Array.isArray(shape))
    throw formatError("header has no 'shape' tuple", { code: 'data/bad-header', file, field: `${field}.shape` });

  let elements = 1;
  for (const d of shape) {
    elements *= d;
    if (elements > Number.MAX_SAFE_INTEGER) {
      throw formatError(`shape (${shape.join(', ')}) is too large`, {
        code: 'data/size-mismatch',
        file,
        field: `${field}.shape`,
      });
    }
  }
  const dataStart = start + headerLength;
  const needed = elements * kind[1];
  const available = bytes.length - dataStart;
  if (needed !== available) {
    throw formatError(
      `shape (${shape.join(', ')}) of ${kind[0]} needs ${needed} data bytes, the file has ${available}`,
      {
        code: needed > available ? 'data/truncated' : 'data/size-mismatch',
        file,
        field: `${field}.shape`,
      },
    );
  }
  return { dtype: kind[0], itemSize: kind[1], shape, data: bytes.subarray(dataStart) };
}

/** Convert `count` elements starting at element `first` to float32 into `out`. */
export function npyToFloat32(
  array: NpyArray,
  first: number,
  count: number,
  out = new Float32Array(count),
): Float32Array {
  return convertInto(array, first, count, out);
}

/** Convert to float64 (exact for every integer type up to 2^53: labels, indices). */
export function npyToFloat64(
  array: NpyArray,
  first: number,
  count: number,
  out = new Float64Array(count),
): Float64Array {
  return convertInto(array, first, count, out);
}

function convertInto<T extends Float32Array | Float64Array>(array: NpyArray, first: number, count: number, out: T): T {
  const view = new DataView(array.data.buffer, array.data.byteOffset + first * array.itemSize, count * array.itemSize);
  const read = elementReader(array.dtype, view);
  for (let i = 0; i < count; i++) out[i] = read(i);
  return out;
}

function elementReader(dtype: NpyDtype, v: DataView): (i: number) => number {
  switch (dtype) {
    case 'float32':
      return (i) => v.getFloat32(i * 4, true);
    case 'float64':
      return (i) => v.getFloat64(i * 8, true);
    case 'uint8':
    case 'bool':
      return (i) => v.getUint8(i);
    case 'int8':
      return (i) => v.getInt8(i);
    case 'int16':
      return (i) => v.getInt16(i * 2, true);
    case 'uint16':
      return (i) => v.getUint16(i * 2, true);
    case 'int32':
      return (i) => v.getInt32(i * 4, true);
    case 'uint32':
      return (i) => v.getUint32(i * 4, true);
    case 'int64':
      return (i) => Number(v.getBigInt64(i * 8, true));
  }
}

/**
 * Parse `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` with a tiny tokenizer:
 * strings, True/False and tuples of non-negative integers are the only values a valid header has.
 */
function parseHeaderDict(text: string, file: string, field: string): Map<string, HeaderValue> {
  let pos = 0;
  const fail = (what: string): never => {
    throw formatError(`malformed header at character ${pos}: ${what}`, {
      code: 'data/bad-header',
      file,
      field: `${field}.header`,
    });
  };
  const skipSpace = () => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };
  const expect = (ch: string) => {
    skipSpace();
    if (text[pos] !== ch) fail(`expected '${ch}'`);
    pos++;
  };
  const readString = (): string => {
    skipSpace();
    const quote = text[pos];
    if (quote !== "'" && quote !== '"') fail('expected a quoted string');
    const end = text.indexOf(quote!, pos + 1);
    if (end < 0) fail('unterminated string');
    const s = text.slice(pos + 1, end);
    if (s.includes('\\')) fail('escapes are not allowed in header strings');
    pos = end + 1;
    return s;
  };
  const readInt = (): number => {
    skipSpace();
    const m = /^\d{1,16}L?/.exec(text.slice(pos, pos + 17));
    if (!m) fail('expected a non-negative integer');
    pos += m![0].length;
    const n = Number(m![0].replace('L', ''));
    if (!Number.isSafeInteger(n)) fail('integer too large');
    return n;
  };
  const readValue = (): HeaderValue => {
    skipSpace();
    const ch = text[pos];
    if (ch === "'" || ch === '"') return readString();
    for (const [word, value] of [
      ['True', true],
      ['False', false],
    ] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return value;
      }
    }
    if (ch === '(') {
      pos++;
      const dims: number[] = [];
      for (;;) {
        skipSpace();
        if (text[pos] === ')') break;
        if (dims.length >= 32) fail('more than 32 dimensions');
        dims.push(readInt());
        skipSpace();
        if (text[pos] === ',') pos++;
        else if (text[pos] !== ')') fail("expected ',' or ')' in shape");
      }
      pos++;
      return dims;
    }
    return fail('expected a string, True, False or a tuple');
  };
  const entries = new Map<string, HeaderValue>();
  expect('{');
  for (;;) {
    skipSpace();
    if (text[pos] === '}') break;
    const key = readString();
    if (entries.has(key)) fail(`duplicate key '${key}'`);
    expect(':');
    entries.set(key, readValue());
    skipSpace();
    if (text[pos] === ',') pos++;
    else if (text[pos] !== '}') fail("expected ',' or '}'");
  }
  pos++;
  if (text.slice(pos).trim() !== '') fail('unexpected text after the dict');
  return entries;
}
