// When each default-domain operator changed its schema (ONNX docs/Changelog.md, opsets 7-21). A
// change without an adapter in adapters.ts only widened types or added attributes whose defaults
// keep the old meaning; the ones that changed meaning have adapters (or refusals).
const CHANGED_AT: Record<number, string> = {
  7: 'Acos Add And Asin Atan AveragePool BatchNormalization Cos Div Dropout Equal GRU Gemm Greater LSTM Less Mul Multinomial Or PRelu Pow RNN Sin Sub Tan Upsample Xor',
  8: 'Expand Max MaxPool Mean Min Scan Sum',
  9: 'Acosh Asinh Atanh BatchNormalization Cast Compress Constant ConstantOfShape Cosh Erf EyeLike Flatten Gemm Greater IsNaN Less MatMul MaxUnpool MeanVarianceNormalization NonZero OneHot PRelu Scan Scatter Shrink Sign Sinh TfIdfVectorizer Upsample Where',
  10: 'AveragePool ConvInteger DequantizeLinear Dropout IsInf MatMulInteger MaxPool Mod NonMaxSuppression QLinearConv QLinearMatMul QuantizeLinear Resize ReverseSequence RoiAlign Slice StringNormalizer ThresholdedRelu TopK Upsample',
  11: 'ArgMax ArgMin AveragePool BitShift Clip Compress Concat ConcatFromSequence Constant Conv ConvTranspose CumSum DepthToSpace Det DynamicQuantizeLinear Equal Flatten Gather GatherElements GatherND Gemm Hardmax If LogSoftmax Loop LpPool MaxPool MaxUnpool NonMaxSuppression OneHot Pad Range ReduceL1 ReduceL2 ReduceLogSum ReduceLogSumExp ReduceMax ReduceMean ReduceMin ReduceProd ReduceSum ReduceSumSquare Resize Round Scan Scatter ScatterElements ScatterND SequenceAt SequenceConstruct SequenceEmpty SequenceErase SequenceInsert SequenceLength Slice Softmax Split SplitToSequence Squeeze TopK Unique Unsqueeze',
  12: 'ArgMax ArgMin Celu Clip Constant Dropout Einsum GatherND GreaterOrEqual LessOrEqual Max MaxPool Min NegativeLogLikelihoodLoss Pow ReduceMax ReduceMin SoftmaxCrossEntropyLoss',
  13: 'Abs Add ArgMax ArgMin Cast Ceil Clip Concat Constant DepthToSpace DequantizeLinear Div Dropout Equal Erf Exp Expand Flatten Floor Gather GatherElements GatherND Gemm Greater Hardmax Identity If IsNaN LRN Less Log LogSoftmax Loop MatMul Max Mean MeanVarianceNormalization Min Mod Mul Neg NegativeLogLikelihoodLoss NonZero Pad Pow QuantizeLinear Reciprocal ReduceL1 ReduceL2 ReduceLogSum ReduceLogSumExp ReduceMax ReduceMean ReduceMin ReduceProd ReduceSum ReduceSumSquare Relu Reshape Resize ScatterElements ScatterND Shape Sigmoid Sign Size Slice Softmax SoftmaxCrossEntropyLoss SpaceToDepth Split Sqrt Squeeze Sub Sum Tanh Tile Transpose Unsqueeze',
  14: 'Add BatchNormalization CumSum Div GRU HardSwish Identity LSTM Mul RNN Relu Reshape Sub Trilu',
  15: 'BatchNormalization Bernoulli CastLike Optional OptionalGetElement OptionalHasElement Pow Shape',
  16: 'GreaterOrEqual GridSample Identity If LeakyRelu LessOrEqual Loop PRelu RoiAlign Scan ScatterElements ScatterND Where',
  17: 'BlackmanWindow DFT HammingWindow HannWindow LayerNormalization MelWeightMatrix STFT SequenceMap',
  18: 'BitwiseAnd BitwiseNot BitwiseOr BitwiseXor CenterCropPad GroupNormalization LpPool Mish OptionalGetElement OptionalHasElement Pad ReduceL1 ReduceL2 ReduceLogSum ReduceLogSumExp ReduceMax ReduceMean ReduceMin ReduceProd ReduceSumSquare Resize ScatterElements ScatterND Split',
  19: 'AveragePool Cast CastLike Constant DeformConv DequantizeLinear Equal Identity If Loop Pad QuantizeLinear Reshape Resize Scan Shape Size',
  20: 'AffineGrid ConstantOfShape DFT Gelu GridSample ImageDecoder IsInf IsNaN ReduceMax ReduceMin RegexFullMatch StringConcat StringSplit',
  21: 'Cast CastLike Constant ConstantOfShape DequantizeLinear Flatten GroupNormalization Identity If Loop Pad QLinearMatMul QuantizeLinear Reshape Scan Shape Size Squeeze Transpose Unsqueeze',
};

/** Oldest and newest default-domain opsets the upgrade knows. */
export const OLDEST_OPSET = 6;
export const NEWEST_OPSET = 21;

const changed = new Map<number, Set<string>>(
  Object.entries(CHANGED_AT).map(([v, ops]) => [Number(v), new Set(ops.split(' '))]),
);

/** True when `op`'s schema changed at opset `version`. */
export function changedAt(op: string, version: number): boolean {
  return changed.get(version)?.has(op) ?? false;
}

/** The IR version that came with each opset (a model must declare at least this one). */
export function irVersionFor(opset: number): number {
  if (opset >= 21) return 10;
  if (opset >= 19) return 9;
  if (opset >= 15) return 8;
  if (opset >= 13) return 7;
  if (opset >= 11) return 6;
  if (opset >= 10) return 5;
  if (opset >= 9) return 4;
  return 3;
}
