// @enxuto/onnx/node: file-system entry (model files, external data next to them, atomic writes).
export { readOnnxFile, SOURCE_PATH, type ReadOnnxFileOptions } from './node/read-file.js';
export { writeOnnxFile, type WriteOnnxFileOptions } from './node/write-file.js';
export { fileExternalData, type FileExternalDataOptions } from './node/file-external-data.js';
export * from './index.js';
export { SpillFile } from './node/spill-file.js';
