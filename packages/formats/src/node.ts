// @enxuto/formats/node: read and write model files through the format table.
export * from './index.js';
export type { FormatHandler, FormatReadOptions, FormatWriteOptions, PlannedWrite } from './handler.js';
export { getFormat, listFormats, registerFormat } from './registry.js';
export {
  formatForOutput,
  planModelOutput,
  readModel,
  writeModel,
  type OutputPlan,
  type ReadModelResult,
  type WriteModelOptions,
} from './model-io.js';
export { onnxFormat } from './onnx-handler.js';
export { tfjsFormat } from './tfjs-handler.js';
export { tfliteFormat } from './tflite-handler.js';
