// Keys of the format-specific data the reader leaves in `extras` (on values, nodes, graphs and the
// model) so that the writer can give back what the IR has no field for. Passes may ignore them.
// Extras hold plain data and names, never Value objects: cloneModel copies them as they are.
export const EXTRA = {
  /** value: position in the original tensor list (keeps the written order stable). */
  index: 'tflite.index',
  /** value: { original, assigned } when the TFLite name was empty or not unique. */
  name: 'tflite.name',
  /** value: the original `shape` (the IR type carries shape_signature's unknown dims as null). */
  shape: 'tflite.shape',
  shapeSignature: 'tflite.shapeSignature',
  hasRank: 'tflite.hasRank',
  isVariable: 'tflite.isVariable',
  /**
   * value: the placeholder (zeros) Tensor of a tensor TFLite allocates itself (no buffer): state,
   * scratch and intermediates. Written without a buffer while the value still holds it.
   */
  bufferless: 'tflite.bufferless',
  /** value: the raw QuantizationParameters when QuantParams cannot hold all of it. */
  quantization: 'tflite.quantization',
  /** value: { tensor, sparsity, stored } of a constant stored sparse. */
  sparse: 'tflite.sparse',
  /** value: the original TensorType code (for RESOURCE/VARIANT, which have no IR dtype). */
  tensorType: 'tflite.tensorType',
  /** value: sub-byte constant stored one element per byte. */
  unpacked: 'tflite.unpackedSubByte',
  variantTensors: 'tflite.variantTensors',
  externalBuffer: 'tflite.externalBuffer',
  /** node: operator code version. */
  version: 'tflite.version',
  /** node: [{ union, table }] of the options it had (builtin_options and/or builtin_options_2). */
  options: 'tflite.options',
  /** node: options that cannot be attributes (nested tables), written back as they are. */
  rawOptions: 'tflite.rawOptions',
  /** node: TfliteIntermediate[] (value names or raw tensors) of the op's intermediates. */
  intermediates: 'tflite.intermediates',
  mutatingVariableInputs: 'tflite.mutatingVariableInputs',
  customOptionsFormat: 'tflite.customOptionsFormat',
  debugMetadataIndex: 'tflite.debugMetadataIndex',
  /** function: position of a TFLite subgraph (> 0; subgraph 0 is the main graph). */
  subgraphIndex: 'tflite.subgraphIndex',
  /** model: SignatureDefs with value names in place of tensor indices. */
  signatures: 'tflite.signatures',
  /** model: { name, bytes } of each Metadata entry. */
  metadata: 'tflite.metadata',
  /** model: bytes of each deprecated metadata_buffer entry. */
  metadataBuffers: 'tflite.metadataBuffers',
  /** model: original operator codes, to keep their order when writing. */
  operatorCodes: 'tflite.operatorCodes',
  externalBufferGroups: 'tflite.externalBufferGroups',
  externalBuffers: 'tflite.externalBuffers',
} as const;

/** Domain of nodes that are TFLite builtin ops (opType = BuiltinOperator name). */
export const TFLITE_DOMAIN = 'tflite';
/** Domain of TFLite custom ops (opType = custom_code). */
export const TFLITE_CUSTOM_DOMAIN = 'tflite.custom';
/** Domain of the local functions that hold TFLite subgraphs 1..n. */
export const TFLITE_SUBGRAPH_DOMAIN = 'tflite.subgraph';
