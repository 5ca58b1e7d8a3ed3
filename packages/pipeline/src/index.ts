// @enxuto/pipeline: the runner's side: registry, pipeline schema and validation, evaluation and
// report rendering. Browser-safe; file loading, the runner and plugins live in
// '@enxuto/pipeline/node'. The pass API itself is @enxuto/pass.
export * from './data/index.js';
export { PassRegistry, createRegistry, type RegisteredPass } from './registry.js';
export * from './deprecated.js';
export { editDistance, closestMatch } from './edit-distance.js';
export {
  pipelineSchema,
  passEntrySchema,
  gateSchema,
  outputSchema,
  dataSchema,
  evaluationSettingsSchema,
  GATE_METRICS,
  MODEL_FORMATS,
  type PipelineConfig,
  type PipelineInput,
  type PassEntry,
  type Gate,
  type GateMetric,
  type OutputEntry,
} from './config/schema.js';
export { parseYamlSafe, parseJsonSafe, checkPlainData, MAX_PIPELINE_BYTES } from './config/safe-yaml.js';
export { applyOverrides, parseSetArgument } from './config/overrides.js';
export { declaredFiles, pipelinePaths, type DeclaredFile, type PipelinePath } from './config/paths.js';
export { parsePipelineConfig, resolvePasses, zodConfigError, type ResolvedPass } from './config/validate.js';
export { pipelineJsonSchema, passOptionsJsonSchema, PIPELINE_SCHEMA_ID } from './config/json-schema.js';
export {
  evaluate,
  collectOutputs,
  metricsFromOutputs,
  latencyP50,
  type EvalMetrics,
  type EvaluateOptions,
  type DatasetOutputs,
} from './eval/evaluate.js';
export { AccuracyAccumulator, AgreementAccumulator, argmaxRow, inTopK, median } from './eval/metrics.js';
export { checkGate, gatesNeedData, type GateResult } from './runner/gates.js';
export { LmAccumulator, topK, type LmMetrics } from './lm/lm-metrics.js';
export { evaluateLm, type EvaluateLmOptions, type LmEvaluation } from './lm/evaluate-lm.js';
export { tokensFromNpy, tokensFromText, windowsOf, type TokenWindows } from './lm/tokens.js';
export { REPORT_SCHEMA_VERSION, type PipelineReport, type ReportStep } from './report/report-types.js';
export { renderReportHtml, REPORT_CSS } from './report/html.js';
export { escapeHtml, scatterPlot, type Point, type ScatterPoint } from './report/svg.js';
export {
  loadSensitivity,
  sensitivityFileSchema,
  sensitivityLayer,
  sensitivityOption,
  SENSITIVITY_SCHEMA_VERSION,
  type SensitivityFile,
  type SensitivityLayer,
  type SensitivityResult,
} from '@enxuto/pass';
export { openMemoryDataset, type FileLookup } from './data/open-memory-dataset.js';
export { GateError } from './runner/gates.js';
export { ENXUTO_VERSION } from './runner/version.js';
export { reportJson } from './report/report-types.js';
export { canonicalJson, stepKeyText } from './runner/step-key.js';
export { MemoryStepStore, type CachedStep, type StepStore, type StoredStep } from './runner/step-store.js';
export { executePipeline, buildReport, type ExecuteParts, type Executed, type Hasher } from './runner/execute.js';
export { silentLogger, silentProgress, type ProgressSink } from './runner/progress-sink.js';
export {
  runPipelineInMemory,
  parsePipelineSource,
  webSha256,
  type MemoryRunOptions,
  type MemoryRunResult,
  type MemoryFile,
} from './runner/run-in-memory.js';
export { MEMORY_READ_FORMATS, readModelBytes } from './runner/read-model-bytes.js';
