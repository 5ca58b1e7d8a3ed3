// @enxuto/formats: which format a model file is (browser-safe). Reading and writing files by
// format: '@enxuto/formats/node'.
export { byExtension, extensionOf, HEAD_BYTES, type FormatMatch, type FormatSniffer } from './format.js';
export { BUILTIN_SNIFFERS, detectFormat, type Detection } from './detect.js';
export { modelProtoProblem, onnxSniffer } from './sniff-onnx.js';
export { tfjsSniffer, tfliteSniffer } from './sniff-others.js';
