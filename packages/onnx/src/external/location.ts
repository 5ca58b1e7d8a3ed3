// Validation of TensorProto.external_data entries (ONNX docs/ExternalDataSecurity.md): pure string
// rules, browser-safe. File-system checks (symlinks, sizes) live in the Node resolver.
import { FormatError } from '@enxuto/ir';
import { checkRelativeLocation } from '@enxuto/io';
import type { StringStringEntryProto } from '../schema/messages.js';

export interface ExternalDataRef {
  /** Normalized relative POSIX path ('weights/w.bin'): no '..', never absolute or remote. */
  location: string;
  offset: number;
  /** The `length` entry when given (it must equal the tensor's byte size). */
  length: number | undefined;
  checksum: string | undefined;
}

interface Where {
  file?: string | undefined;
  value?: string;
  node?: string;
}

const KNOWN_KEYS = new Set(['location', 'offset', 'length', 'checksum']);

function fail(where: Where, code: string, message: string, field: string): FormatError {
  return new FormatError(message, {
    code,
    file: where.file,
    field,
    ...(where.value !== undefined ? { value: where.value } : {}),
  });
}

/** Checks a location with the project's path rules (@enxuto/io) and returns it normalized. */
export function normalizeLocation(location: string, where: Where = {}): string {
  const field = 'external_data.location';
  try {
    return checkRelativeLocation(location, {
      ...(where.file !== undefined ? { file: where.file } : {}),
      field,
      backslashSeparators: true,
    }).join('/');
  } catch (e) {
    throw fail(where, 'onnx/external-location', e instanceof Error ? e.message : String(e), field);
  }
}

/** Decimal digits only, at most 2^53 - 1: no sign, hex, exponent or whitespace. */
function parseSize(text: string, key: string, where: Where): number {
  if (!/^[0-9]{1,16}$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw fail(
      where,
      'onnx/external-number',
      `external data ${key} ${JSON.stringify(text)} is not a decimal integer in [0, 2^53)`,
      `external_data.${key}`,
    );
  }
  return Number(text);
}

/** Parses external_data entries into a ref (no prototype is ever touched: keys go through a Map). */
export function parseExternalData(entries: readonly StringStringEntryProto[], where: Where = {}): ExternalDataRef {
  const map = new Map<string, string>();
  for (const e of entries) {
    const key = e.key ?? '';
    if (!KNOWN_KEYS.has(key)) {
      throw fail(where, 'onnx/external-key', `unknown external_data key ${JSON.stringify(key)}`, 'external_data');
    }
    if (map.has(key)) throw fail(where, 'onnx/external-key', `external_data key ${key} appears twice`, 'external_data');
    map.set(key, e.value ?? '');
  }
  const location = map.get('location');
  if (location === undefined)
    throw fail(where, 'onnx/external-location', 'external_data has no location', 'external_data.location');
  const offset = map.get('offset');
  const length = map.get('length');
  return {
    location: normalizeLocation(location, where),
    offset: offset === undefined ? 0 : parseSize(offset, 'offset', where),
    length: length === undefined ? undefined : parseSize(length, 'length', where),
    checksum: map.get('checksum'),
  };
}

// The EOF rule lives with the other path rules in @enxuto/io.
export { regionFits } from '@enxuto/io';
