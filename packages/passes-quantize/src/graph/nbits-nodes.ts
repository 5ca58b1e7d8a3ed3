// Graph surgery of n-bit weight-only quantization: a MatMul/Gemm becomes com.microsoft
// MatMulNBits, a Gather from an embedding table becomes com.microsoft GatherBlockQuantized (both
// run by onnxruntime's CPU and wasm builds). The codes come from the kernels (RTN, GPTQ, AWQ).
import { attr, dropUnusedInitializers, tensorFromValues, type Graph, type Model, type Value } from '@enxuto/ir';
import type { GroupQuantized } from '../kernels/nbits-grid.js';
import { packNBits } from '../kernels/nbits.js';
import { replaceKeepingName } from './dynamic.js';
import { addConst, inMemory, type TensorStore } from './helpers.js';
import type { WeightNode } from './weight-nodes.js';

export interface NBitsLayout {
  bits: number;
  blockSize: number;
  symmetric: boolean;
  /** MatMulNBits accuracy_level (4: int8 activations inside the kernel). */
  accuracyLevel: number;
}

/** Replaces `wn` (quantized to `q`) by its n-bit node. `scale` (AWQ) divides the input first. */
export function rewriteAsNBits(
  model: Model,
  wn: WeightNode,
  q: GroupQuantized,
  layout: NBitsLayout,
  store: TensorStore = inMemory,
): void {
  const g = model.graph;
  const p = packNBits(q, wn.k, wn.n, layout.bits, layout.blockSize, layout.symmetric);
  const base = wn.weight.name;
  const label = wn.node.name || wn.node.outputs[0]!.name;
  const y = wn.node.outputs[0]!;
  const zp = (shape: number[]) =>
    p.zeroPoints ? addConst(g, `${base}_zero_points`, store(tensorFromValues('uint8', shape, p.zeroPoints))) : null;
  if (wn.kind === 'gather') {
    const data = addConst(
      g,
      `${base}_q${p.bits}`,
      store(tensorFromValues('uint8', [wn.n, p.packed.length / wn.n], p.packed)),
    );
    const scales = addConst(g, `${base}_scales`, store(tensorFromValues('float32', [wn.n, p.blocks], p.scales)));
    const zeros = zp([wn.n, p.zeroPoints ? p.zeroPoints.length / wn.n : 0]);
    const gq = g.insertBefore(wn.node, {
      opType: 'GatherBlockQuantized',
      domain: 'com.microsoft',
      name: g.uniqueName(`${label}_q${p.bits}`),
      inputs: zeros ? [data, wn.node.inputs[1]!, scales, zeros] : [data, wn.node.inputs[1]!, scales],
      outputs: [g.uniqueName(`${y.name}_q${p.bits}`)],
      attributes: {
        gather_axis: attr.int(0),
        quantize_axis: attr.int(1),
        block_size: attr.int(layout.blockSize),
        bits: attr.int(p.bits),
      },
    });
    replaceKeepingName(g, wn.node, y, gq.outputs[0]!);
  } else {
    const b = addConst(
      g,
      `${base}_q${p.bits}`,
      store(tensorFromValues('uint8', [wn.n, p.blocks, p.packed.length / (wn.n * p.blocks)], p.packed)),
    );
    const s = addConst(g, `${base}_scales`, store(tensorFromValues('float32', [wn.n * p.blocks], p.scales)));
    const zeros = zp([p.zeroPoints?.length ?? 0]);
    const inputs: (Value | null)[] = [wn.node.inputs[0]!, b, s, zeros];
    if (wn.bias) inputs.push(null, flatBias(g, wn.bias, wn.n));
    while (inputs.at(-1) === null) inputs.pop();
    const mm = g.insertBefore(wn.node, {
      opType: 'MatMulNBits',
      domain: 'com.microsoft',
      name: g.uniqueName(`${label}_q${p.bits}`),
      inputs,
      outputs: [g.uniqueName(`${y.name}_q${p.bits}`)],
      attributes: {
        K: attr.int(wn.k),
        N: attr.int(wn.n),
        bits: attr.int(p.bits),
        block_size: attr.int(layout.blockSize),
        accuracy_level: attr.int(layout.accuracyLevel),
      },
    });
    replaceKeepingName(g, wn.node, y, mm.outputs[0]!);
  }
  dropUnusedInitializers(g, [wn.weight]);
  if (!model.opsetImports.has('com.microsoft')) model.opsetImports.set('com.microsoft', 1);
}

/** MatMulNBits takes its bias as [N]. */
function flatBias(g: Graph, bias: Value, n: number): Value {
  const t = bias.const!;
  if (t.shape.length === 1) return bias;
  return addConst(g, `${bias.name}_flat`, tensorFromValues('float32', [n], t.toFloat32()));
}

/** AWQ: the node reads x / scale (x * inverse scale), shared by every node of `nodes` reading x. */
export function scaleInputs(g: Graph, x: Value, nodes: readonly WeightNode[], scale: Float32Array): void {
  const inv = Float32Array.from(scale, (s) => 1 / s);
  const c = addConst(g, `${x.name}_awq_inverse_scale`, tensorFromValues('float32', [inv.length], inv));
  const first = nodes[0]!.node;
  const mul = g.insertBefore(first, {
    opType: 'Mul',
    name: g.uniqueName(`${x.name}_awq_Mul`),
    inputs: [x, c],
    outputs: [g.uniqueName(`${x.name}_awq_scaled`)],
  });
  for (const wn of nodes) {
    g.setInput(wn.node, 0, mul.outputs[0]!);
    wn.input = mul.outputs[0]!;
  }
}
