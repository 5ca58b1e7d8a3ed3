// The first link of the cache-key chain: everything a run's passes read besides the model itself.
// Datasets count by spec and by the sha256 of every file they read (remembered by ContentHasher,
// so an unchanged file is not read again), so changed calibration data misses the cache even when
// the new file keeps the old size and modification time.
import type { CheckedFile } from '@enxuto/io/node';
import { canonicalJson, sha256 } from './cache.js';
import type { ContentHasher } from './content-hash.js';

export interface RunKeyParts {
  /** Hash of the input model as the passes see it (its ONNX bytes). */
  model: string;
  /** Input format and reader options. */
  input: unknown;
  /** Each dataset's spec and the files it reads, by role. */
  data: Record<string, { spec: unknown; files: readonly CheckedFile[] }>;
  /** Output formats and their options. */
  outputs: unknown;
  /** enxuto's version. */
  enxuto: string;
  /** The runtime passes run on (calibration outputs depend on it). */
  runtime: string;
}

export function runKey(parts: RunKeyParts, hasher: ContentHasher): string {
  // Content only: the spec already names the paths, and a moved project keeps its cache.
  const data = Object.fromEntries(
    Object.entries(parts.data).map(([role, d]) => [
      role,
      { spec: d.spec, files: d.files.map((f) => hasher.file(f.path)) },
    ]),
  );
  return sha256(canonicalJson({ ...parts, data }));
}
