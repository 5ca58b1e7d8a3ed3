// @enxuto/pass: what a pass author needs and nothing more: definePass/definePlugin, the
// PassContext a pass runs with, the inference-runtime and dataset interfaces it may be handed, and
// the graph helpers passes share. Depends on @enxuto/ir and zod only; the runner lives in
// @enxuto/pipeline, the onnxruntime adapter in @enxuto/runtime. Tests: @enxuto/pass/testing.
export { definePass, definePlugin, isNamespaced, isValidPassName, type DefinedPass, type PassSpec } from './define.js';
export type {
  DataRole,
  LayerStats,
  Logger,
  OptionsSchema,
  PassContext,
  PassDefinition,
  PassNeed,
  PassResult,
  PassStats,
  PluginDefinition,
  ProgressReporter,
} from './types.js';
export type {
  BackendName,
  InferenceBackend,
  Session,
  SessionOptions,
  TensorData,
  TensorInfo,
} from './runtime.js';
export { fileOption, optionFiles, type OptionFile } from './file-options.js';
export { lmFeeds, type TokenBatch } from './lm-feeds.js';
export { createDataset, elementCount, iterateBatches, MAX_BATCH_ELEMENTS } from './dataset.js';
export type { Batch, BatchOptions, Dataset, DatasetSource, Sample } from './dataset.js';
export { createRng, type Rng } from '@enxuto/ir';
export {
  loadSensitivity,
  parseSensitivity,
  sensitivityFileSchema,
  sensitivityLayer,
  sensitivityOption,
  SENSITIVITY_SCHEMA_VERSION,
  type SensitivityFile,
  type SensitivityLayer,
  type SensitivityResult,
} from './sensitivity-file.js';

// Graph helpers (the IR's own, plus the ones only passes need).
export {
  constOf,
  consumers,
  dropUnusedInitializers,
  eliminateDeadCode,
  onlyUsedBy,
  soleConsumer,
  type EliminateDeadCodeOptions,
  type EliminateDeadCodeStats,
} from '@enxuto/ir';
export {
  findWeights,
  materializeWeight,
  weightTensor,
  WEIGHT_OPS,
  type FindWeightsOptions,
  type WeightRef,
  type WeightView,
} from './graph/weights.js';
export { withOutputs } from './graph/with-outputs.js';
