// Reading a dataset file in Node through @enxuto/io: the spec's path confined to the pipeline's
// folder and declared roots, a regular file only (no FIFO or device), its size checked before
// reading, gzip sniffed by magic and inflated within the file's growth budget (a small gzip that
// claims gigabytes is refused before they are allocated).
import { gunzipSync } from 'node:zlib';
import { DEFAULT_LIMITS, growthBudget, type Limits } from '@enxuto/io';
import { type CheckedFile, checkFile, confine, readWhole } from '@enxuto/io/node';
import { formatError } from './errors.js';

/** Default cap on one dataset file, after decompression (1 GiB). */
export const DEFAULT_MAX_DATA_BYTES = 1 << 30;

export interface ReadDataFileOptions {
  /** Largest file accepted, after decompression. */
  maxBytes?: number;
  /** Inflate when the file starts with the gzip magic (default true). */
  gunzip?: boolean;
  /** Growth limits for gzip inflation. */
  limits?: Limits;
  /** Called with the file once checked (the run protects every file it reads). */
  onFile?: (file: CheckedFile) => void;
}

export interface DataPathRules {
  /** Folder relative paths resolve against. */
  baseDir: string;
  /** Folders data may be read from; a path outside all of them is refused. */
  roots: readonly string[];
}

/** The real path of a dataset path, which must lie inside one of the roots. */
export function resolveDataPath(path: string, rules: DataPathRules, field?: string): string {
  return confine(path, rules.baseDir, rules.roots, {
    file: path,
    ...(field !== undefined ? { field } : {}),
    rootsName: "the pipeline's folder and its roots",
  });
}

export function readDataFile(file: string, field: string, options: ReadDataFileOptions = {}): Uint8Array {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DATA_BYTES;
  const checked = checkFile(file, { file, field });
  const raw = readWhole(checked, { maxBytes, option: 'maxFileBytes' }, { file, field });
  options.onFile?.(checked);
  if (options.gunzip === false || !(raw[0] === 0x1f && raw[1] === 0x8b)) return raw;
  const budget = Math.min(maxBytes, growthBudget(raw.byteLength, options.limits ?? DEFAULT_LIMITS));
  try {
    const inflated = gunzipSync(raw, { maxOutputLength: budget });
    return new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.byteLength);
  } catch (cause) {
    const err = cause as NodeJS.ErrnoException;
    if (err.code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      if (budget === maxBytes) {
        throw formatError(`gzip data inflates to more than the ${maxBytes} bytes allowed`, {
          code: 'data/too-large',
          file,
          field,
          cause,
        });
      }
      throw formatError(
        `gzip data inflates to more than ${budget} bytes from ${raw.byteLength} ` +
          '(raise the limits growthRatio or growthAllowance to read it)',
        { code: 'io/growth-limit', file, field, cause },
      );
    }
    const truncated = /unexpected end/i.test(err.message);
    throw formatError(truncated ? 'gzip stream is truncated' : 'bad gzip data', {
      code: truncated ? 'data/truncated' : 'data/bad-gzip',
      file,
      field,
      cause,
    });
  }
}
