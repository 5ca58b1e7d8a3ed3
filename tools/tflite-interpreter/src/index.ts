// Test-only: runs .tflite files in the real TFLite interpreter (native, via tfjs-tflite-node's addon)
// and reads the shared single-layer conformance cases.
export {
  TfliteInterpreter,
  runTflite,
  interpreterAvailable,
  interpreterUnavailableReason,
  type TfliteInput,
  type TfliteOutput,
  type TfliteTensorSpec,
  type TfliteTypedArray,
} from './interpreter.js';
export { listLayerCases, countMismatches, type LayerCase, type CsvTensor } from './layer-cases.js';
