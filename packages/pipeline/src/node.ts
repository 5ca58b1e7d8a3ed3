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
export { PassCache, canonicalJson, sha256 } from './runner/cache.js';
export { CacheKeys, type KeyedPass } from './runner/cache-keys.js';
export { ContentHasher } from './runner/content-hash.js';
export { CodeIdentity, isCodeFile } from './runner/code-identity.js';
export { findPackageDir } from './plugins/package-dir.js';
export { dataSources } from './data/data-sources.js';
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
