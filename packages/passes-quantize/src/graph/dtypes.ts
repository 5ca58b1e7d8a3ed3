// Element types of the values of a graph without full shape inference: known types first, then a
// small table of how ops derive their output type (most ops: the type of their first input).
import type { DataType, Graph, Value } from '@enxuto/ir';
import { DATA_TYPES } from '@enxuto/ir';

const BOOL_OPS = new Set([
  'Equal',
  'Less',
  'Greater',
  'LessOrEqual',
  'GreaterOrEqual',
  'Not',
  'And',
  'Or',
  'Xor',
  'IsNaN',
  'IsInf',
]);
const INT64_OPS = new Set(['Shape', 'Size', 'NonZero', 'ArgMax', 'ArgMin', 'NonMaxSuppression']);

// ONNX TensorProto.DataType codes -> names, for Cast's `to`.
const ONNX_CODES: Record<number, DataType> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  16: 'bfloat16',
};

export function dtypeFromOnnxCode(code: number): DataType | undefined {
  return ONNX_CODES[code];
}

export function onnxCodeOf(dtype: DataType): number {
  for (const [k, v] of Object.entries(ONNX_CODES)) if (v === dtype) return Number(k);
  throw new TypeError(`no ONNX code for ${dtype}`);
}

/** Element type of every value whose type can be told. */
export function inferDtypes(g: Graph): Map<Value, DataType> {
  const out = new Map<Value, DataType>();
  for (const v of g.values()) {
    const d = v.dtype;
    if (d && (DATA_TYPES as readonly string[]).includes(d)) out.set(v, d);
  }
  for (const n of g) {
    const first = n.inputs.find((v): v is Value => v !== null);
    let d: DataType | undefined;
    if (n.domain === 'com.microsoft' && (n.opType === 'MatMulNBits' || n.opType === 'MatMulBnb4'))
      d = first ? out.get(first) : undefined;
    else if (n.domain === 'com.microsoft' && n.opType === 'GatherBlockQuantized')
      d = n.inputs[2] ? out.get(n.inputs[2]) : undefined;
    else if (n.domain !== '' && n.domain !== 'ai.onnx') d = undefined;
    else if (n.opType === 'Cast') d = dtypeFromOnnxCode(n.getInt('to', 0));
    else if (n.opType === 'Constant')
      d =
        n.getTensor('value')?.dtype ??
        (n.attr('value_float') || n.attr('value_floats')
          ? 'float32'
          : n.attr('value_int') || n.attr('value_ints')
            ? 'int64'
            : undefined);
    else if (n.opType === 'ConstantOfShape') d = n.getTensor('value')?.dtype ?? 'float32';
    else if (BOOL_OPS.has(n.opType)) d = 'bool';
    else if (INT64_OPS.has(n.opType)) d = 'int64';
    else if (n.opType === 'DequantizeLinear') d = n.inputs[1] ? out.get(n.inputs[1]) : 'float32';
    else if (n.opType === 'QuantizeLinear') d = n.inputs[2] ? out.get(n.inputs[2]) : 'uint8';
    else if (n.opType === 'MatMulInteger' || n.opType === 'ConvInteger') d = 'int32';
    else if (n.opType === 'Where') d = n.inputs[1] ? out.get(n.inputs[1]) : undefined;
    else d = first ? out.get(first) : undefined;
    n.outputs.forEach((v, i) => {
      if (!v || out.has(v)) return;
      if (n.opType === 'TopK' && i === 1) out.set(v, 'int64');
      else if (n.opType === 'MaxPool' && i === 1) out.set(v, 'int64');
      else if (n.opType === 'DynamicQuantizeLinear') out.set(v, i === 1 ? 'float32' : 'uint8');
      else if (d) out.set(v, d);
    });
  }
  return out;
}
