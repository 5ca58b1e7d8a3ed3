// @enxuto/tfjs/node: reading and writing TF.js model folders on disk.
export { readTfjsModel, MAX_WEIGHT_BYTES, type ReadTfjsModelOptions } from './node-read.js';
export { writeTfjsModel, type WriteTfjsModelOptions } from './node-write.js';
