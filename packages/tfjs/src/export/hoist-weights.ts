// Weights stored compactly (int8/uint8 behind DequantizeLinear, float16 behind Cast) keep that
// storage in TF.js only if the layout ops the writer puts on them (Transpose, Reshape of filters)
// run on the stored values: this moves such an op below the decode and computes it on the constant,
// so DequantizeLinear/Cast of a constant reaches the emitter, which writes one compact Const.
import { attr, type Graph, type Node, walkGraphs } from '@enxuto/ir';
import { evaluateOp } from '@enxuto/transforms';

const LAYOUT_OPS = new Set(['Transpose', 'Reshape', 'Squeeze', 'Unsqueeze', 'Slice']);

/** A decode of a stored constant: Cast of a float16 initializer, or DequantizeLinear of one. */
function isWeightDecode(d: Node): boolean {
  const x = d.input(0);
  if (!x?.const || x.producer() || d.domain !== '') return false;
  if (d.opType === 'Cast') return x.const.dtype === 'float16';
  if (d.opType !== 'DequantizeLinear') return false;
  return d.inputs.slice(1).every((v) => !v || v.const);
}

/** The DequantizeLinear axis after a transpose by perm (per-tensor decodes have none). */
function axisAfter(d: Node, n: Node): number | undefined | false {
  const perTensor = (d.input(1)?.const?.size ?? 1) === 1;
  if (perTensor) return undefined;
  if (n.opType !== 'Transpose') return false;
  const rank = d.input(0)!.const!.shape.length;
  const axis = d.getInt('axis', 1);
  const perm = n.getInts('perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  return perm.indexOf(axis < 0 ? axis + rank : axis);
}

export function hoistWeightLayout(root: Graph): void {
  for (const g of [...walkGraphs(root)]) {
    for (let changed = true; changed; ) {
      changed = false;
      for (const n of [...g.topologicalOrder()]) {
        if (n.isRemoved() || n.domain !== '' || !LAYOUT_OPS.has(n.opType)) continue;
        const d = n.input(0)?.producer();
        if (!d || !isWeightDecode(d) || n.inputs.slice(1).some((v) => v && !v.const)) continue;
        const out = d.output();
        if (out.isGraphOutput() || out.uses().some((u) => u.node !== n)) continue;
        const axis = axisAfter(d, n);
        if (axis === false) continue;
        const moved = evaluateOp(n, [d.input(0)!.const!, ...n.inputs.slice(1).map((v) => v?.const)]);
        if (!moved) continue;
        const c = g.addInitializer(g.uniqueName(`${d.input(0)!.name}/${n.opType.toLowerCase()}`), moved);
        const attributes = new Map(d.attributes);
        if (axis !== undefined) attributes.set('axis', attr.int(axis));
        const decoded = g.insertAfter(n, {
          opType: d.opType,
          name: d.name,
          inputs: [c, ...d.inputs.slice(1)],
          outputs: [g.uniqueName(`${n.output().name}/decoded`)],
          attributes,
        });
        g.replaceAllUsesWith(n.output(), decoded.output());
        g.remove([n, d]);
        changed = true;
      }
    }
  }
}
