// Element types of every value, where the graph does not say them: the writer picks TF ops by dtype
// (integer division, bool masks, Fill's T), and shape inference gives up at ops it does not know.
import { type DataType, type Graph, type Node, tensorType, type Value } from '@enxuto/ir';
import { dtypeOfOnnxCode } from '../dtypes.js';

const BOOL_OPS = new Set([
  'Equal',
  'Less',
  'LessOrEqual',
  'Greater',
  'GreaterOrEqual',
  'And',
  'Or',
  'Not',
  'Xor',
  'IsNaN',
  'IsInf',
]);
const INT64_OPS = new Set(['Shape', 'Size', 'NonZero', 'ArgMax', 'ArgMin', 'NonMaxSuppression']);

function outputDtype(n: Node, index: number): DataType | undefined {
  const op = n.domain === '' || n.domain === 'ai.onnx' ? n.opType : undefined;
  if (op === undefined) return n.input(0)?.dtype ?? 'float32';
  if (BOOL_OPS.has(op)) return 'bool';
  if (INT64_OPS.has(op)) return 'int64';
  switch (op) {
    case 'Cast':
      return dtypeOfOnnxCode(n.getInt('to', 1));
    case 'CastLike':
      return n.input(1)?.dtype;
    case 'TopK':
      return index === 1 ? 'int64' : n.input(0)?.dtype;
    case 'ConstantOfShape':
      return n.getTensor('value')?.dtype ?? 'float32';
    case 'QuantizeLinear':
      return n.input(2)?.dtype ?? 'uint8';
    case 'DequantizeLinear':
      return n.input(1)?.dtype ?? 'float32';
    case 'Where':
      return n.input(1)?.dtype ?? n.input(2)?.dtype;
    case 'If': {
      const g = n.attr('then_branch');
      return g?.type === 'graph' ? g.value.outputs[index]?.dtype : undefined;
    }
    case 'Loop': {
      const g = n.attr('body');
      return g?.type === 'graph' ? g.value.outputs[index + 1]?.dtype : undefined;
    }
    default:
      return n.inputs.find((v) => v?.dtype)?.dtype;
  }
}

function setDtype(v: Value, dtype: DataType): void {
  v.type = tensorType(dtype, v.shape);
}

/** Fills in missing element types, in every graph (a Loop body's inputs from the Loop's inputs). */
export function inferDtypes(g: Graph): void {
  for (const n of g.topologicalOrder()) {
    for (const sg of n.subgraphs()) {
      if (n.opType === 'Loop') {
        const [iter, cond, ...carried] = sg.inputs;
        if (iter && !iter.dtype) setDtype(iter, 'int64');
        if (cond && !cond.dtype) setDtype(cond, 'bool');
        carried.forEach((v, k) => {
          const d = n.input(k + 2)?.dtype;
          if (!v.dtype && d) setDtype(v, d);
        });
      }
      inferDtypes(sg);
    }
    n.outputs.forEach((o, i) => {
      if (!o || o.dtype) return;
      const d = outputDtype(n, i);
      if (d) setDtype(o, d);
    });
  }
}
