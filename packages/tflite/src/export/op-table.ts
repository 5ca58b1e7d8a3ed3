// ONNX op type -> export handler. An op missing here is an UnsupportedError naming it.
import type { Node } from '@enxuto/ir';
import type { ExportContext } from './context.js';
import { exportConv, exportConvTranspose, exportGlobalAveragePool, exportPool } from './ops-conv.js';
import { exportDense } from './ops-dense.js';
import { exportAlias, exportBinary, exportUnary } from './ops-elementwise.js';
import { exportDequantize, exportQuantize } from './ops-quant.js';
import { GENERIC_HANDLERS } from './ops-generic.js';
import { exportDynamicGather, INDEX_HANDLERS } from './ops-index.js';
import { NORM_HANDLERS } from './ops-norm.js';
import { REDUCE_HANDLERS } from './ops-reduce.js';
import { exportConcat, exportPad, exportReshape, exportSlice, exportTranspose } from './ops-shape.js';

export type ExportHandler = (ctx: ExportContext, node: Node, opset: number) => void;

export const EXPORT_HANDLERS: Readonly<Record<string, ExportHandler>> = {
  ...GENERIC_HANDLERS,
  ...REDUCE_HANDLERS,
  ...NORM_HANDLERS,
  ...INDEX_HANDLERS,
  Gather: exportDynamicGather,
  Conv: exportConv,
  ConvTranspose: exportConvTranspose,
  MaxPool: exportPool,
  AveragePool: exportPool,
  GlobalAveragePool: exportGlobalAveragePool,
  Gemm: exportDense,
  MatMul: exportDense,
  Add: exportBinary,
  Sub: exportBinary,
  Mul: exportBinary,
  Div: exportBinary,
  Relu: exportUnary,
  Clip: exportUnary,
  LeakyRelu: exportUnary,
  Sigmoid: exportUnary,
  Tanh: exportUnary,
  Identity: exportAlias,
  Dropout: exportAlias,
  Reshape: exportReshape,
  Flatten: exportReshape,
  Squeeze: exportReshape,
  Unsqueeze: exportReshape,
  Transpose: exportTranspose,
  Concat: exportConcat,
  Pad: exportPad,
  Slice: exportSlice,
  QuantizeLinear: exportQuantize,
  DequantizeLinear: exportDequantize,
};

/** ONNX op types exportToTflite maps. */
export function exportableOps(): string[] {
  return Object.keys(EXPORT_HANDLERS).sort();
}
