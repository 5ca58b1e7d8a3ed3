// Shape-only data for passes that need inputs but not real ones (smoke runs, data-free
// calibration). Each sample has its own seeded stream, so sample(i) is the same in any order.
import { createDataset, elementCount, type Dataset } from '@enxuto/pass';
import { sampleShapeOf } from './preprocess.js';
import { createRng, deriveSeed } from '@enxuto/ir';
import type { RandomSpec } from './specs.js';

export function randomDataset(spec: RandomSpec, field = 'data'): Dataset {
  const shape = sampleShapeOf(spec.shape, `${field}.shape`);
  const n = elementCount(shape);
  const hasLabels = spec.numClasses !== undefined;
  const draw =
    spec.distribution === 'normal'
      ? (rng: ReturnType<typeof createRng>) => spec.mean + spec.std * rng.normal()
      : (rng: ReturnType<typeof createRng>) => spec.min + (spec.max - spec.min) * rng.next();
  return createDataset({
    description: `random ${spec.distribution} [${shape.join(', ')}] (${spec.count} samples, seed ${spec.seed})`,
    size: spec.count,
    shape,
    hasLabels,
    ...(hasLabels ? { numClasses: spec.numClasses } : {}),
    sample: (i) => {
      const rng = createRng(deriveSeed(spec.seed, i));
      const input = new Float32Array(n);
      for (let k = 0; k < n; k++) input[k] = draw(rng);
      return hasLabels ? { input, label: rng.int(spec.numClasses!) } : { input };
    },
  });
}
