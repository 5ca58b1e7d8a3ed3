// Shape-only data for passes that need inputs but not real ones (smoke runs, data-free
// calibration). Each sample has its own seeded stream, so sample(i) is the same in any order.
// Without a `shape` the data takes the model's first input: its static dims, any batch dim.
import { createDataset, elementCount, type Dataset } from '@enxuto/pass';
import { createRng, deriveSeed, isFloatType, type DataType, type Dim, type Model } from '@enxuto/ir';
import { configError } from './errors.js';
import { sampleShapeOf } from './preprocess.js';
import type { RandomSpec } from './specs.js';

/** What random data needs of the model input it feeds. */
export interface ModelInput {
  name: string;
  shape: readonly Dim[] | undefined;
  dtype: DataType | undefined;
  /** Integers that stand for reals (a uint8 TFLite input): fed real values, quantized on the way in. */
  quantized: boolean;
}

/** A `random` spec without a shape: it can only be opened once the model is read. */
export function takesModelShape(spec: unknown): boolean {
  const s = spec as { type?: unknown; shape?: unknown } | null;
  return typeof s === 'object' && s !== null && s.type === 'random' && s.shape === undefined;
}

/** The model's first data input (not an initializer), when it has one. */
export function modelInputOf(model: Model): ModelInput | undefined {
  const v = model.graph.inputs.find((i) => i.const === undefined);
  return v && { name: v.name, shape: v.shape, dtype: v.dtype, quantized: v.quant !== undefined };
}

/** The model input's shape with a symbolic leading dim as the batch; other dims must be static. */
function shapeFromModel(input: ModelInput | undefined, field: string): number[] {
  const fix = (message: string) =>
    configError(`${message}: give ${field}.shape`, { code: 'data/random-needs-shape', field: `${field}.shape` });
  if (!input) throw fix("random data without a shape takes the model input's shape, and no model is known here");
  if (!input.shape) throw fix(`model input ${input.name} declares no shape`);
  if (!input.quantized && !(input.dtype && isFloatType(input.dtype)))
    throw configError(
      `random data gives real values, but model input ${input.name} is ${input.dtype ?? 'not a tensor'}`,
      {
        code: 'data/random-input-dtype',
        field,
        value: input.name,
      },
    );
  return input.shape.map((d, i) => {
    if (typeof d === 'number' && d > 0) return d;
    if (i === 0) return -1;
    throw fix(`model input ${input.name} has a dimension ${d ?? '?'} at position ${i} that is not fixed`);
  });
}

export function randomDataset(spec: RandomSpec, field = 'data', modelInput?: ModelInput): Dataset {
  const shape = sampleShapeOf(spec.shape ?? shapeFromModel(modelInput, field), `${field}.shape`);
  const n = elementCount(shape);
  const hasLabels = spec.numClasses !== undefined;
  const draw =
    spec.distribution === 'normal'
      ? (rng: ReturnType<typeof createRng>) => spec.mean + spec.std * rng.normal()
      : (rng: ReturnType<typeof createRng>) => spec.min + (spec.max - spec.min) * rng.next();
  const from = spec.shape ? '' : `, shape of input ${modelInput!.name}`;
  return createDataset({
    description: `random ${spec.distribution} [${shape.join(', ')}] (${spec.count} samples, seed ${spec.seed}${from})`,
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
