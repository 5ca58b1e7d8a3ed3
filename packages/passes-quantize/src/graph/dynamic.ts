// Dynamic quantization: int8 weights, activations quantized at run time.
//   X -> DynamicQuantizeLinear -> (x_q, x_scale, x_zp)
//   MatMulInteger(x_q, W_q, x_zp, w_zp) -> Cast(float) -> Mul(x_scale * w_scale) [-> Add bias]
// This is the pattern onnxruntime fuses into DynamicQuantizeMatMul. Conv stays in float: neither
// onnxruntime-node nor onnxruntime-web has a fast dynamic integer Conv (ConvInteger is slower
// than float Conv there).
import {
  attr,
  constOf,
  dropUnusedInitializers,
  tensorFromValues,
  type Graph,
  type Model,
  type Node,
  type Value,
} from '@enxuto/ir';
import { addConst, inMemory, type TensorStore } from './helpers.js';
import { quantizeWeightTensor, transpose2d } from './weights.js';

export interface DynamicOptions {
  perChannel: boolean;
  exclude: readonly string[];
  /** int8: symmetric weights; uint8: asymmetric, with a zero point per column. */
  weightType: 'int8' | 'uint8';
}

export interface DynamicReport {
  layers: { node: string; opType: string; weightMse: number }[];
}

export function insertDynamic(
  model: Model,
  options: Partial<DynamicOptions> = {},
  store: TensorStore = inMemory,
): DynamicReport {
  const o: DynamicOptions = { perChannel: true, exclude: [], weightType: 'int8', ...options };
  const g = model.graph;
  const excluded = new Set(o.exclude);
  const dql = new Map<Value, Node>();
  const report: DynamicReport = { layers: [] };
  for (const n of [...g]) {
    if (n.domain !== '' || excluded.has(n.name) || (n.opType !== 'MatMul' && n.opType !== 'Gemm')) continue;
    const x = n.inputs[0];
    const wv = n.inputs[1];
    let w = constOf(wv);
    if (!x || !wv || !w || w.dtype !== 'float32' || w.shape.length !== 2) continue;
    let bias: Value | null = null;
    if (n.opType === 'Gemm') {
      if (n.getInt('transA', 0) !== 0 || n.getFloat('alpha', 1) !== 1 || n.getFloat('beta', 1) !== 1) continue;
      if (n.getInt('transB', 0)) w = transpose2d(w);
      bias = n.inputs[2] ?? null;
      if (bias && !constOf(bias)) continue;
    }
    let d = dql.get(x);
    if (!d) {
      d = g.insertBefore(n, {
        opType: 'DynamicQuantizeLinear',
        name: g.uniqueName(`${x.name}_DynamicQuantizeLinear`),
        inputs: [x],
        outputs: [
          g.uniqueName(`${x.name}_quantized`),
          g.uniqueName(`${x.name}_scale`),
          g.uniqueName(`${x.name}_zero_point`),
        ],
      });
      dql.set(x, d);
    }
    const [xq, xs, xzp] = d.outputs as Value[];
    const qw = quantizeWeightTensor(w, {
      type: o.weightType,
      symmetric: o.weightType === 'int8',
      axis: o.perChannel ? 1 : undefined,
    });
    const base = wv.name;
    const wq = addConst(g, `${base}_quantized`, store(qw.q));
    const wzp = addConst(
      g,
      `${base}_zero_point`,
      store(tensorFromValues(o.weightType, qw.scale.length > 1 ? [qw.scale.length] : [], qw.zeroPoint)),
    );
    const ws = addConst(
      g,
      `${base}_scale`,
      store(tensorFromValues('float32', qw.scale.length > 1 ? [qw.scale.length] : [], qw.scale)),
    );
    const y = n.outputs[0]!;
    const label = n.name || y.name;
    const mmi = g.insertBefore(n, {
      opType: 'MatMulInteger',
      name: g.uniqueName(`${label}_MatMulInteger`),
      inputs: [xq!, wq, xzp!, wzp],
      outputs: [g.uniqueName(`${y.name}_int32`)],
    });
    const cast = g.insertBefore(n, {
      opType: 'Cast',
      name: g.uniqueName(`${label}_Cast`),
      inputs: [mmi.outputs[0]!],
      outputs: [g.uniqueName(`${y.name}_cast`)],
      attributes: { to: attr.int(1) },
    });
    const sprod = g.insertBefore(n, {
      opType: 'Mul',
      name: g.uniqueName(`${label}_scale_Mul`),
      inputs: [xs!, ws],
      outputs: [g.uniqueName(`${y.name}_scale`)],
    });
    const mul = g.insertBefore(n, {
      opType: 'Mul',
      name: g.uniqueName(`${label}_Mul`),
      inputs: [cast.outputs[0]!, sprod.outputs[0]!],
      outputs: [g.uniqueName(`${y.name}_scaled`)],
    });
    let result = mul.outputs[0]!;
    if (bias) {
      const add = g.insertBefore(n, {
        opType: 'Add',
        name: g.uniqueName(`${label}_bias_Add`),
        inputs: [result, bias],
        outputs: [g.uniqueName(`${y.name}_biased`)],
      });
      result = add.outputs[0]!;
    }
    replaceKeepingName(g, n, y, result);
    dropUnusedInitializers(g, [wv]);
    report.layers.push({ node: label, opType: n.opType, weightMse: qw.mse });
  }
  return report;
}

/** Removes `n` and gives `result` the name (and type) of its output `y`. */
export function replaceKeepingName(g: Graph, n: Node, y: Value, result: Value): void {
  const name = y.name;
  const type = y.type;
  const ins = [...n.inputs];
  g.replaceAllUsesWith(y, result);
  g.remove(n);
  g.rename(result, name);
  if (type) result.type = type;
  for (const v of ins) dropUnusedInitializers(g, [v]);
}
