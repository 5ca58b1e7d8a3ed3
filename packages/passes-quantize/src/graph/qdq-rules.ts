// What insert-qdq quantizes: its options and the op families onnxruntime runs in integer form.

export interface QdqOptions {
  perChannel: boolean;
  weightType: 'int8' | 'uint8';
  weightSymmetric: boolean;
  /** Weight grid in bits (2-8), stored in `weightType`: 4 uses codes -7..7 of int8 when symmetric. */
  weightBits: number;
  activationType: 'uint8' | 'int8';
  activationSymmetric: boolean;
  /** Compute ops to quantize (default Conv, Gemm, MatMul). */
  ops: readonly string[];
  /** Node names (or output names) to keep in float. */
  exclude: readonly string[];
  /** Fold a Relu after Conv/Gemm/MatMul into the output quantization (zero point at the bottom of the range). */
  fuseRelu: boolean;
  /** Quantize Add/Mul/Concat/AveragePool/Sigmoid/LeakyRelu outputs when all their inputs are quantized. */
  quantizeOthers: boolean;
  /**
   * Convs (group 1) with fewer input channels stay in float: with a reduction depth of a few
   * channels, onnxruntime's int8 Conv is slower than its float one (mnist-8's first layer: 22 vs 6 us).
   */
  minInputChannels: number;
  /**
   * Narrow convs stay in float: depthwise ones on fewer channels, and others whose reduction depth
   * (input channels x kernel area) is smaller. onnxruntime's int8 kernels work on 16 channels at a
   * time: BlazePose's 8-channel 3x3 depthwise at 256x256 took 4.7-7.9 ms in int8, 1.5 ms in float.
   */
  minChannels: number;
  /** 7-bit weights (onnxruntime's `reduce_range`): no int16 saturation in x86 u8s8 kernels without VNNI. */
  reduceRange: boolean;
}

export const DEFAULT_QDQ_OPTIONS: QdqOptions = {
  perChannel: true,
  weightType: 'int8',
  weightSymmetric: true,
  weightBits: 8,
  activationType: 'uint8',
  activationSymmetric: false,
  ops: ['Conv', 'Gemm', 'MatMul'],
  exclude: [],
  fuseRelu: true,
  quantizeOthers: true,
  minInputChannels: 4,
  minChannels: 16,
  reduceRange: false,
};

/** Ops that only move or select values: same scale in and out (onnxruntime then drops their Q/DQ). */
export const PASS_THROUGH_OPS = new Set([
  'MaxPool',
  'Reshape',
  'Flatten',
  'Transpose',
  'Squeeze',
  'Unsqueeze',
  'Gather',
  'Slice',
  'Resize',
  'SpaceToDepth',
  'DepthToSpace',
  'GlobalMaxPool',
]);
/** Ops onnxruntime runs in integer (QLinear*) form with their own output scale. */
export const OWN_SCALE_OPS = new Set(['Add', 'Mul', 'Concat', 'AveragePool', 'GlobalAveragePool']);
const LOOKUP_OPS_LIST = ['Sigmoid', 'LeakyRelu'];
/** Ops between a layer and a graph output that keep that layer's output float (see reachesOutput). */
export const OUTPUT_TAIL_OPS = new Set([
  ...PASS_THROUGH_OPS,
  ...LOOKUP_OPS_LIST,
  'Relu',
  'Clip',
  'Softmax',
  'LogSoftmax',
  'Tanh',
  'Identity',
  'Concat',
]);
/**
 * Element-wise activations onnxruntime runs as integer kernels (QLinearSigmoid, QLinearLeakyRelu:
 * a 256-entry lookup table) when both sides are quantized. Float between Q/DQ they cost a
 * dequantize, the float op and a requantize; SiLU (x * Sigmoid(x)) then also keeps its Mul float.
 */
export const LOOKUP_OPS = new Set(LOOKUP_OPS_LIST);
