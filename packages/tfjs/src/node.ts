// @enxuto/tfjs/node: reading and writing TF.js model folders on disk.
export { readTfjsModel, MAX_WEIGHT_BYTES } from './node-read.js';
export { writeTfjsModel, SOURCE_PATH_KEY, type WriteTfjsModelOptions } from './node-write.js';
