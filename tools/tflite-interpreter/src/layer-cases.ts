// The TFLite Micro single-layer conformance cases in shared/conformance/tflite-layers:
// `<op>/<name>.tflite` with `<name>_input<i>_<dtype>.csv` (one per model input, in order) and
// `<name>_golden_<dtype>.csv` (the single output), each a flat comma-separated list.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface CsvTensor {
  dtype: string;
  data: number[];
}

export interface LayerCase {
  /** `op/name`, e.g. `add/add0`. */
  id: string;
  modelPath: string;
  inputs: CsvTensor[];
  golden: CsvTensor;
}

function readCsv(path: string, dtype: string): CsvTensor {
  const text = readFileSync(path, 'utf8').trim();
  const data = text === '' ? [] : text.split(',').map((s) => Number(s.trim()));
  if (data.some((v) => !Number.isInteger(v))) throw new Error(`${path}: non-integer value`);
  return { dtype, data };
}

/** Every case under `root`, sorted by id; throws if a model lacks its golden output. */
export function listLayerCases(root: string): LayerCase[] {
  const cases: LayerCase[] = [];
  for (const op of readdirSync(root, { withFileTypes: true })) {
    if (!op.isDirectory()) continue;
    const dir = join(root, op.name);
    const files = readdirSync(dir);
    for (const f of files) {
      if (!f.endsWith('.tflite')) continue;
      const name = f.slice(0, -'.tflite'.length);
      const inputs: CsvTensor[] = [];
      for (let i = 0; ; i++) {
        const csv = files.find((g) => g.startsWith(`${name}_input${i}_`) && g.endsWith('.csv'));
        if (csv === undefined) break;
        inputs.push(readCsv(join(dir, csv), csv.slice(`${name}_input${i}_`.length, -4)));
      }
      const goldenFile = files.find((g) => g.startsWith(`${name}_golden_`) && g.endsWith('.csv'));
      if (goldenFile === undefined) throw new Error(`${join(dir, f)}: no golden output csv`);
      const golden = readCsv(join(dir, goldenFile), goldenFile.slice(`${name}_golden_`.length, -4));
      cases.push({ id: `${op.name}/${name}`, modelPath: join(dir, f), inputs, golden });
    }
  }
  return cases.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
}

/** Number of positions where `actual` differs from `expected` (length mismatch counts all). */
export function countMismatches(actual: ArrayLike<number | bigint>, expected: readonly number[]): number {
  if (actual.length !== expected.length) return Math.max(actual.length, expected.length);
  let bad = 0;
  for (let i = 0; i < expected.length; i++) if (Number(actual[i]) !== expected[i]) bad++;
  return bad;
}
