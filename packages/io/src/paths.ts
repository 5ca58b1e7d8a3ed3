// Path rules for locations named inside untrusted files (ONNX external data, TF.js weight manifests,
// dataset lists): a location is a relative path that stays inside its base folder. Browser-safe.
import { FormatError } from '@enxuto/ir';

export interface LocationContext {
  /** File that named the location, for the error message. */
  file?: string;
  /** Field that held it (e.g. 'external_data.location'). */
  field?: string;
  /**
   * Read '\' as a folder separator (ONNX files written on Windows) instead of refusing it. A
   * leading '\' (absolute or UNC) is refused either way.
   */
  backslashSeparators?: boolean;
}

/**
 * Validates a relative location and returns its normalised segments. Refuses, rather than
 * interprets, everything that could reach outside the base folder or be mistaken for a memory
 * address: empty, '.', absolute, drive-letter, UNC, URL/scheme, percent-encoded path characters,
 * backslashes (unless allowed as separators), NUL bytes, ':' in a segment (alternate data streams),
 * onnxruntime's in-memory markers, and any '..' segment.
 */
export function checkRelativeLocation(location: string, ctx: LocationContext = {}): string[] {
  const fail = (why: string) =>
    new FormatError(`unsafe location '${location}': ${why}`, {
      code: 'path/unsafe',
      ...(ctx.file !== undefined ? { file: ctx.file } : {}),
      field: ctx.field ?? 'location',
    });
  if (typeof location !== 'string' || location.length === 0) throw fail('empty');
  if (location.length > 4096) throw fail('too long');
  if (location.includes('\0')) throw fail('contains a NUL byte');
  if (location.startsWith('#') || location.includes('_ORT_MEM_ADDR_'))
    throw fail('a special in-memory marker, not a file');
  if (/^[\\/]/.test(location)) throw fail('absolute paths are not allowed (nor UNC/network paths)');
  if (location.includes('\\') && !ctx.backslashSeparators) throw fail('backslashes are not allowed');
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(location)) throw fail('a scheme or drive letter is not allowed');
  if (/%2e|%2f|%5c/i.test(location)) throw fail('percent-encoded path characters are not allowed');
  const segments: string[] = [];
  for (const seg of location.split(/[\\/]/)) {
    if (seg === '' || seg === '.') continue;
    // Even a '..' that seems to stay inside is refused: it can climb out through a symlinked folder.
    if (seg === '..') throw fail("'..' segments are not allowed (the path could leave the model folder)");
    if (seg.includes(':')) throw fail("contains ':' (an alternate data stream or drive)");
    segments.push(seg);
  }
  if (segments.length === 0) throw fail('it names the folder itself, not a file');
  return segments;
}

/** The EOF rule, written so it cannot overflow: `length > size || offset > size - length` fails. */
export function regionFits(offset: number, length: number, size: number): boolean {
  return offset >= 0 && length >= 0 && !(length > size || offset > size - length);
}
