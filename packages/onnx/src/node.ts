// @enxuto/onnx/node: file-system entry (model files, external data next to them, atomic writes).
export { readOnnxFile, type ReadOnnxFileOptions } from './node/read-file.js';
export { onnxOutputFiles, writeOnnxFile, type WriteOnnxFileOptions } from './node/write-file.js';
export { fileExternalData, type FileExternalDataOptions } from './node/file-external-data.js';
export * from './index.js';
export { SpillFile } from './node/spill-file.js';
