// MatMul/Gemm -> com.microsoft MatMulBnb4 (NF4 or FP4 block-wise weights, float compute).
import { attr, dropUnusedInitializers, tensorFromValues, type Model } from '@enxuto/ir';
import { packBnb4 } from '../kernels/bnb4.js';
import { replaceKeepingName } from './dynamic.js';
import { addConst, inMemory, type TensorStore } from './helpers.js';
import { findWeightNodes, weightMatrix } from './weight-nodes.js';

export interface Bnb4Options {
  blockSize: number;
  quantType: 'nf4' | 'fp4';
  minElements: number;
  exclude: readonly string[];
}

export function quantizeBnb4(
  model: Model,
  options: Partial<Bnb4Options> = {},
  store: TensorStore = inMemory,
): { node: string; weightMse: number }[] {
  const o: Bnb4Options = { blockSize: 64, quantType: 'nf4', minElements: 16, exclude: [], ...options };
  const g = model.graph;
  const layers: { node: string; weightMse: number }[] = [];
  for (const wn of findWeightNodes(model, { exclude: o.exclude, minElements: o.minElements })) {
    const qt = o.quantType === 'nf4' ? 1 : 0;
    const p = packBnb4(weightMatrix(wn), wn.k, wn.n, o.blockSize, qt);
    const base = wn.weight.name;
    const label = wn.node.name || wn.node.outputs[0]!.name;
    const y = wn.node.outputs[0]!;
    const b = addConst(g, `${base}_bnb4`, store(tensorFromValues('uint8', [p.packed.length], p.packed)));
    const s = addConst(g, `${base}_absmax`, store(tensorFromValues('float32', [p.absmax.length], p.absmax)));
    const mm = g.insertBefore(wn.node, {
      opType: 'MatMulBnb4',
      domain: 'com.microsoft',
      name: g.uniqueName(`${label}_bnb4`),
      inputs: [wn.node.inputs[0]!, b, s],
      outputs: [g.uniqueName(`${y.name}_bnb4`)],
      attributes: { K: attr.int(wn.k), N: attr.int(wn.n), block_size: attr.int(o.blockSize), quant_type: attr.int(qt) },
    });
    let out = mm.outputs[0]!;
    if (wn.bias) {
      const add = g.insertBefore(wn.node, {
        opType: 'Add',
        name: g.uniqueName(`${label}_bias_Add`),
        inputs: [out, wn.bias],
        outputs: [g.uniqueName(`${y.name}_biased`)],
      });
      out = add.outputs[0]!;
    }
    replaceKeepingName(g, wn.node, y, out);
    dropUnusedInitializers(g, [wn.weight]);
    layers.push({ node: label, weightMse: p.mse });
  }
  if (layers.length && !model.opsetImports.has('com.microsoft')) model.opsetImports.set('com.microsoft', 1);
  return layers;
}
