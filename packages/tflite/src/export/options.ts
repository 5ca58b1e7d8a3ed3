// Options of exportToTflite.

export const EXPORT_MODES = ['float32', 'float16', 'dynamic-int8', 'int8'] as const;

export type TfliteExportMode = (typeof EXPORT_MODES)[number];

export interface TfliteExportOptions {
  /**
   * float32: as is. float16: weights stored as float16 behind DEQUANTIZE. dynamic-int8: Conv /
   * FullyConnected weights int8 per channel, activations float (TFLite's hybrid kernels). int8:
   * the QuantizeLinear/DequantizeLinear pairs of a quantize-static model become int8 tensors.
   */
  mode?: TfliteExportMode;
  /**
   * 'NCHW' (default): rank-4 graph inputs keep the ONNX layout, a TRANSPOSE (or RESHAPE when only
   * size-1 dims move) turns them to NHWC. 'NHWC': rank-4 inputs are declared NHWC.
   */
  inputLayout?: 'NCHW' | 'NHWC';
  /** Size used for symbolic (unknown) dims of graph inputs, typically the batch. Default 1. */
  symbolicDimSize?: number;
  /**
   * 'auto' (default): a float32 FULLY_CONNECTED / CONV_2D weight with at least half zeros (pruned)
   * is stored sparse (CSR on the last dim) behind a DENSIFY op when that makes the file smaller.
   * 'never': all weights dense.
   */
  sparseWeights?: 'auto' | 'never';
}
