// @enxuto/sweep: search over a pipeline's options (grid or random), per-layer sensitivity sweeps,
// trials in local worker processes. Node only. The Redis queue (BullMQ) is '@enxuto/sweep/queue',
// so that sweeps and trial processes that do not use it never load it.
export {
  loadSweepFile,
  loadSweepObject,
  objectiveOf,
  parseSweepConfig,
  sweepSchema,
  OBJECTIVE_METRICS,
  type LoadedSweep,
  type Objective,
  type ObjectiveMetric,
  type SensitivitySpec,
  type SweepConfig,
} from './sweep-file.js';
export { formatDuration, parseDuration } from './duration.js';
export { gridSize, planSettings, settingsToSet, type Settings } from './plan.js';
export { prepareSweep, sweepIdOf, type PreparedSweep, type PrepareOptions, type TrialVariant } from './prepare.js';
export {
  recordOf,
  settingsLabel,
  type TrialJob,
  type TrialOutcome,
  type TrialRecord,
  type TrialRunner,
  type TrialStatus,
} from './trial.js';
export { pipelineTrialRunner, withThreads, type PipelineTrialEnvironment } from './pipeline-trial.js';
export { moduleBeside, TrialPool, type PoolOptions } from './pool/pool.js';
export type { EngineEnd, EngineHooks, TrialEngine } from './engine/engine.js';
export { localEngine, type LocalEngineOptions } from './engine/local.js';
export { bestTrial, objectiveValue, paretoFront, quality } from './objective.js';
export { latencyCandidates, measureLatencies, type LatencyOptions } from './latency.js';
export {
  bestPipelineYaml,
  buildResults,
  readEarlierRecords,
  RESULTS_SCHEMA_VERSION,
  writeResultsJson,
  type SweepResults,
} from './results.js';
export { renderSweepHtml } from './report-html.js';
export { sweepProgress, trialLine, type SweepProgress } from './progress.js';
export { runSweep, type RunSweepOptions, type SweepRun } from './run-sweep.js';
export { checkTrialInsideRoots, realRoots, trialFiles } from './confine.js';
export { layerName, weightLayers, type WeightLayer } from './layers.js';
export {
  runSensitivitySweep,
  sensitivityFile,
  sensitivityVariants,
  sweepVariants,
  type SensitivityRun,
} from './sensitivity.js';
// The file's schema is the pipeline's (the passes that read it sit below the sweep).
export { SENSITIVITY_SCHEMA_VERSION, type SensitivityFile, type SensitivityResult } from '@enxuto/pipeline';
