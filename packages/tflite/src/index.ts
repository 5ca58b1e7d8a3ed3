// @enxuto/tflite: TFLite flatbuffer <-> enxuto IR. Browser-safe (no Node imports).
export { readTflite, parseTflite, type ReadOptions } from './read.js';
export { writeTflite, type WriteOptions } from './write.js';
export { tfliteToIr, type TfliteIntermediate, type TfliteSignature, type ToIrOptions } from './to-ir.js';
export { irToTflite } from './from-ir.js';
export { decodeModel, hasTfliteIdentifier, MAX_TABLE_DEPTH } from './schema/decode.js';
export { encodeModel } from './schema/encode.js';
export { verifyModel, bufferBytes, SCHEMA_VERSION, MAX_TENSOR_BYTES } from './schema/verify.js';
export { builtinOperatorName, builtinCodeOf, tensorTypeName } from './schema/enums.js';
export { EXTRA, TFLITE_DOMAIN, TFLITE_CUSTOM_DOMAIN, TFLITE_SUBGRAPH_DOMAIN } from './extras.js';
export { defaultOptionsFor } from './ops/options.js';
export * as schema from './schema/schema.generated.js';
export type {
  ModelT,
  SubGraphT,
  TensorT,
  OperatorT,
  BufferT,
  QuantizationParametersT,
} from './schema/schema.generated.js';
export { lowerTfliteToOnnx, lowerableOps, LOWERED_OPSET } from './lower/to-onnx.js';
export { exportToTflite } from './export/export-tflite.js';
export { exportableOps } from './export/op-table.js';
export { EXPORT_MODES, type TfliteExportMode, type TfliteExportOptions } from './export/options.js';
