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
export { runPipeline, type RunOptions, type RunResult } from './runner/run-pipeline.js';
export { PassCache, sha256, stepKey } from './runner/cache.js';
export { consoleProgress, streamLogger, type StreamLike } from './runner/progress.js';
export { ContentHasher } from './runner/content-hash.js';
export { CodeIdentity, isCodeFile, passCode } from './runner/code-identity.js';
export { findPackageDir } from './plugins/package-dir.js';
export { loadPlugins, checkPluginName, type LoadedPlugin } from './plugins/load-plugins.js';
export { writeReport } from './report/write-report.js';
export { scaffoldPassPackage, type NewPassOptions } from './scaffold/new-pass.js';
export { readTokenWindows, findTokenizer, type ReadTokensOptions } from './lm/read-tokens.js';
