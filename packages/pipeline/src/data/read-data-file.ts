// Reading a dataset file in Node: the spec's path resolved against the pipeline's folder, its
// size checked before reading, gzip sniffed by magic and inflated with an output cap.
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { configError, formatError } from './errors.js';

/** Default cap on one dataset file, after decompression (1 GiB). */
export const DEFAULT_MAX_DATA_BYTES = 1 << 30;

export interface ReadDataFileOptions {
  /** Largest file accepted, after decompression. */
  maxBytes?: number;
  /** Inflate when the file starts with the gzip magic (default true). */
  gunzip?: boolean;
}

export function resolveDataPath(path: string, baseDir: string): string {
  return resolve(baseDir, path);
}

/** Stat `file` and fail with a typed error naming `field` when it is missing or not a file. */
export function statDataFile(file: string, field: string, kind: 'file' | 'directory' = 'file'): { size: number } {
  let stats;
  try {
    stats = statSync(file);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw configError(code === 'ENOENT' ? `${kind} not found` : `cannot access ${kind} (${code})`, {
      code: 'data/file-missing',
      file,
      field,
      cause,
    });
  }
  const ok = kind === 'file' ? stats.isFile() : stats.isDirectory();
  if (!ok) throw configError(`not a ${kind}`, { code: 'data/not-a-file', file, field });
  return { size: stats.size };
}

export function readDataFile(file: string, field: string, options: ReadDataFileOptions = {}): Uint8Array {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DATA_BYTES;
  const { size } = statDataFile(file, field);
  if (size > maxBytes) {
    throw formatError(`file is ${size} bytes, more than the ${maxBytes} allowed`, {
      code: 'data/too-large',
      file,
      field,
    });
  }
  const raw = readFileSync(file);
  const bytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  if (options.gunzip === false || !(bytes[0] === 0x1f && bytes[1] === 0x8b)) return bytes;
  try {
    const inflated = gunzipSync(raw, { maxOutputLength: maxBytes });
    return new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.byteLength);
  } catch (cause) {
    const err = cause as NodeJS.ErrnoException;
    if (err.code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw formatError(`gzip data inflates to more than the ${maxBytes} bytes allowed`, {
        code: 'data/too-large',
        file,
        field,
        cause,
      });
    }
    const truncated = /unexpected end/i.test(err.message);
    throw formatError(truncated ? 'gzip stream is truncated' : `bad gzip data: ${err.message}`, {
      code: truncated ? 'data/truncated' : 'data/bad-gzip',
      file,
      field,
      cause,
    });
  }
}
