// @enxuto/pipeline/node: everything in the main entry, plus files, the runner, plugins and the
// pass-package scaffolder.
export * from './index.js';
export * from './data/node.js';
export {
  loadPipelineFile,
  loadPipelineObject,
  readPipelineText,
  parsePipelineText,
  type LoadedPipeline,
} from './config/load.js';
export { runPipeline, GateError, ENXUTO_VERSION, type RunOptions, type RunResult } from './runner/run-pipeline.js';
export { PassCache, canonicalJson, sha256, stepKey } from './runner/cache.js';
export {
  consoleProgress,
  silentProgress,
  silentLogger,
  streamLogger,
  type ProgressSink,
  type StreamLike,
} from './runner/progress.js';
export { loadPlugins, checkPluginName, type LoadedPlugin } from './plugins/load-plugins.js';
export { writeReport, reportJson } from './report/write-report.js';
export { scaffoldPassPackage, type NewPassOptions } from './scaffold/new-pass.js';
export { readTokenWindows, findTokenizer, type ReadTokensOptions } from './lm/read-tokens.js';
