// Tests find the read-only shared corpus (models, data, conformance suites) through one setting.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Absolute path of the shared corpus: $ENXUTO_SHARED, or ../shared beside the repository. */
export function sharedDir(): string {
  return resolve(process.env.ENXUTO_SHARED ?? join(repoRoot, '..', 'shared'));
}

/** Absolute path of a file in the shared corpus; throws a clear error when the corpus is absent. */
export function sharedPath(...parts: string[]): string {
  const dir = sharedDir();
  if (!existsSync(dir)) {
    throw new Error(
      `shared corpus not found at ${dir}: set ENXUTO_SHARED to the folder holding models/, data/ and conformance/`,
    );
  }
  const p = join(dir, ...parts);
  if (!existsSync(p)) throw new Error(`shared file missing: ${p}`);
  return p;
}

export function hasShared(): boolean {
  return existsSync(sharedDir());
}

export { repoRoot };

/** Names of the quantized TFLite models in tools/tflite-fixtures (made by TensorFlow's converter). */
export const TFLITE_FIXTURES = ['int8-float-io', 'int8-io', 'uint8-io', 'int16x8', 'int8-dense'] as const;
export type TfliteFixture = (typeof TFLITE_FIXTURES)[number];

/** Path of a committed quantized TFLite test model (see tools/tflite-fixtures/make_quantized_models.py). */
export function tfliteFixturePath(name: TfliteFixture): string {
  return join(repoRoot, 'tools', 'tflite-fixtures', 'models', `${name}.tflite`);
}

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix = 'enxuto-test-'): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}
