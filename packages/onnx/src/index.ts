// @enxuto/onnx: ONNX protobuf <-> enxuto IR. Browser-safe: no fs, path or worker imports here;
// file-system helpers (readOnnxFile, writeOnnxFile) are in '@enxuto/onnx/node'.
export { readOnnx, type ReadOnnxOptions } from './read/read-model.js';
export { readOnnxTensor, writeOnnxTensor } from './read/read-tensor-file.js';
export {
  writeOnnx,
  writeOnnxBytes,
  writeOnnxWithExternalData,
  encodeOnnx,
  type WriteOnnxOptions,
  type ExternalDataOptions,
  type EncodedOnnx,
} from './write/write-model.js';
export { DeferredBytes, type Chunk } from './write/parts.js';
export {
  memoryExternalData,
  type ExternalDataResolver,
  type ExternalDataRequest,
  type ExternalDataLoader,
} from './external/resolver.js';
export { normalizeLocation, parseExternalData, regionFits, type ExternalDataRef } from './external/location.js';
export { EXTRAS as ONNX_EXTRAS } from './read/read-graph.js';
export { DEFAULT_WIRE_LIMITS, type WireLimits } from './wire/scan.js';
export { dataTypeFromOnnx, dataTypeToOnnx } from './dtype-map.js';
export { usesTypedFields } from './tensor-form.js';

/** True when `bytes` look like an ONNX ModelProto (for format sniffing; cheap, never throws). */
