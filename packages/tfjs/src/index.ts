// @enxuto/tfjs: TF.js model.json + weight shards <-> enxuto IR. Browser-safe (no fs, no tfjs import).
export { readTfjs, parseTfjsModelJson, tfjsFormatOf, type ReadTfjsOptions, type TfjsFormat } from './read.js';
export {
  writeTfjs,
  shardFileName,
  DEFAULT_SHARD_BYTES,
  type WriteTfjsOptions,
  type TfjsGraphModelJson,
} from './write.js';
export type { WeightQuantize } from './encode-weights.js';
