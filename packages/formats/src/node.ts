// @enxuto/formats/node: read and write model files through the format table.
export * from './index.js';
export type { FormatHandler, FormatWriteOptions } from './handler.js';
export { getFormat, listFormats, registerFormat } from './registry.js';
export { readModel, writeModel, type WriteModelOptions } from './model-io.js';
export { onnxFormat } from './onnx-handler.js';
export { tfjsFormat } from './tfjs-handler.js';
export { tfliteFormat } from './tflite-handler.js';
