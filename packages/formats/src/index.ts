// @enxuto/formats: which format a model file is (browser-safe). Reading and writing files by
// format: '@enxuto/formats/node'.
export {
  byExtension,
  extensionOf,
  formatOfOutputName,
  HEAD_BYTES,
  type FormatMatch,
  type FormatSniffer,
} from './format.js';
export { BUILTIN_FORMATS, detectFormat, type Detection } from './detect.js';
export { modelProtoProblem, onnxSniffer } from './sniff-onnx.js';
export { tfjsSniffer, tfliteSniffer } from './sniff-others.js';
export {
  onnxWriteOptions,
  parseWriteOptions,
  tfjsWriteOptions,
  tfliteWriteOptions,
  type OnnxWriteOptions,
  type TfjsWriteOptions,
  type TfliteWriteOptions,
  type WriteOptionsSchema,
} from './write-options.js';
