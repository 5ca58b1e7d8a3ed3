// @enxuto/train: IR graphs as TF.js executables that can be run and trained (wasm backend).
export { initBackend, activeBackend, type BackendName, type BackendOptions } from './backend.js';
export { registerForwardOpGradients } from './grad/register.js';
export { compileGraph, type CompileOptions, type Executable, type Feeds, type RunOptions } from './compile.js';
export { toTf, fromTf, tfDtypeOf } from './convert.js';
export { OPS, lookupOp } from './ops/table.js';
export { OpAttrs } from './ops/op-attrs.js';
export { optionalInput, type OpContext, type OpFn, type OpInputs } from './ops/op-types.js';
export {
  train,
  type EarlyStopOptions,
  type TrainOptions,
  type TrainProgress,
  type TrainResult,
} from './train/train.js';
export { arrayBatches, holdOut, withHeldOut, type BatchSource, type TrainBatch } from './train/batches.js';
export {
  crossEntropyFromLogits,
  crossEntropyLoss,
  distillationLoss,
  kdLoss,
  softTargetKl,
  logitScale,
  countCorrect,
  type DistillationOptions,
  type KdTerms,
  type LossFn,
  type LossInput,
} from './train/losses.js';
export {
  logitsOutput,
  modelTeacher,
  type Teacher,
  type TeacherOptions,
  type TeacherOutputs,
} from './train/teacher.js';
export { evaluateExecutable, evaluateModel, toLogits, type Evaluation } from './train/evaluate.js';
export { createOptimizer, type Optimizer, type OptimizerSpec, type Param } from './train/optimizers.js';
export { learningRate, type LrSchedule } from './train/schedules.js';
export {
  decodeCheckpoint,
  encodeCheckpoint,
  memoryCheckpointStore,
  type Checkpoint,
  type CheckpointStore,
  type EpochStats,
} from './train/checkpoint.js';
export { seededPermutation, seededRandom, deriveSeed } from './train/rng.js';
