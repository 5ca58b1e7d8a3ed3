// Node-only file safety: every reader and writer of enxuto goes through these (formats, datasets,
// pipeline files, the pass cache, reports, serve-edge).
export {
  checkFile,
  kindOf,
  openChecked,
  readFileChecked,
  readHead,
  readRegion,
  readWhole,
  reopen,
  type CheckedFile,
  type ReadLimit,
} from './checked-file.js';
export { confine, isWithin, resolveInside, type ConfineOptions, type ResolveOptions } from './resolve.js';
export {
  atomicWrite,
  commit,
  createFolders,
  inWriteTransaction,
  removeEmptyFolders,
  removePendingTemps,
  removeQuietly,
  writeTemp,
  type CommitOptions,
  type DeferredChunk,
  type WriteChunk,
} from './write.js';
export { modelInputs, ProtectedFiles, recordSourceFiles, sourceFiles } from './protect.js';
export { fsError, type FsWhere } from './fs-errors.js';
export { ScratchFile } from './scratch.js';
export { checkFolderOutput, checkWritable } from './plan.js';
export * from './index.js';
