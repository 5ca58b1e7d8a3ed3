// Browser-safe data API: dataset types, batching, RNG, specs, preprocessing and the parsers
// that work on bytes. File reading lives in ./node.ts.
// The Dataset interface and batching live in @enxuto/pass, the seeded RNG in @enxuto/ir; they are
// re-exported here so existing imports from @enxuto/pipeline keep working.
export { createDataset, elementCount, iterateBatches, MAX_BATCH_ELEMENTS } from '@enxuto/pass';
export type { Batch, BatchOptions, Dataset, DatasetSource, Sample } from '@enxuto/pass';
export { createRng, deriveSeed, mix32, permutation, shuffleInPlace, toSeed32, type Rng } from '@enxuto/ir';
export {
  DATASET_TYPES,
  MAX_CLASSES,
  datasetSpecSchema,
  imageFolderSpecSchema,
  mnistIdxSpecSchema,
  mnistSpecSchema,
  npySpecSchema,
  parseDatasetSpec,
  randomSpecSchema,
} from './specs.js';
export type {
  DatasetSpec,
  DatasetSpecInput,
  ImageFolderSpec,
  MnistIdxSpec,
  MnistSpec,
  NpySpec,
  RandomSpec,
} from './specs.js';
export {
  applyImagePlan,
  applyTensorPlan,
  MAX_SAMPLE_ELEMENTS,
  planImage,
  planTensor,
  preprocessSchema,
  sampleShapeOf,
} from './preprocess.js';
export type { ImagePlan, Preprocess, RawImage, TensorPlan } from './preprocess.js';
export { hwcToChw, resizeBilinear, rgbaToFloat } from './resize.js';
export { parseIdx } from './idx.js';
export type { IdxArray } from './idx.js';
export { MAX_NPY_HEADER_BYTES, npyToFloat32, npyToFloat64, parseNpy } from './npy.js';
export type { NpyArray, NpyDtype } from './npy.js';
export { idxDataset } from './idx-dataset.js';
export type { IdxFiles } from './idx-dataset.js';
export { npyDataset } from './npy-dataset.js';
export type { NpyFiles } from './npy-dataset.js';
export { mnistDataset, mnistSplitIndices, MNIST_SIDE } from './mnist-dataset.js';
export type { MnistDigit } from './mnist-dataset.js';
export { modelInputOf, randomDataset, type ModelInput } from './random-dataset.js';
