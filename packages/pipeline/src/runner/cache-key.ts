// The first link of the cache-key chain: everything a run's passes read besides the model itself.
// Datasets count by spec and by content identity (each file's size and modification time, and a
// hash of small files), so changing calibration data misses the cache.
import { readFileSync } from 'node:fs';
import type { CheckedFile } from '@enxuto/io/node';
import { canonicalJson, sha256 } from './cache.js';

/** Files up to this size are hashed too (cheap); larger ones count by size and mtime. */
const HASHED_FILE_BYTES = 1 << 20;

export function fileIdentity(f: CheckedFile): string {
  const cheap = `${f.path}:${f.size}:${f.mtimeMs}`;
  if (f.size > HASHED_FILE_BYTES) return cheap;
  try {
    return `${cheap}:${sha256(readFileSync(f.path))}`;
  } catch {
    return cheap;
  }
}

export interface RunKeyParts {
  /** Hash of the input model as the passes see it (its ONNX bytes). */
  model: string;
  /** Input format and reader options. */
  input: unknown;
  /** Each dataset's spec and the identities of the files it reads, by role. */
  data: Record<string, { spec: unknown; files: readonly CheckedFile[] }>;
  /** Output formats and their options. */
  outputs: unknown;
  /** enxuto's version. */
  enxuto: string;
}

export function runKey(parts: RunKeyParts): string {
  const data = Object.fromEntries(
    Object.entries(parts.data).map(([role, d]) => [role, { spec: d.spec, files: d.files.map(fileIdentity) }]),
  );
  return sha256(canonicalJson({ ...parts, data }));
}
