// Shape arithmetic on partly known shapes: Gather/Slice of Shape(x) is a constant when the dims it
// picks are static, even if others (a symbolic batch) are not. Exporters compute Resize sizes and
// Reshape targets this way; folded, the quantizer sees constant shapes.
import { constOf, int64Tensor, type Node, type Tensor } from '@enxuto/ir';
import { evaluateOp } from './kernels/evaluate-op.js';

/** The value of `Gather(Shape(x), k)` or `Slice(Shape(x), ...)` when the dims read are static. */
export function staticShapeRead(node: Node): Tensor | undefined {
  if ((node.opType !== 'Gather' && node.opType !== 'Slice') || node.domain !== '') return undefined;
  const shapeOp = node.input(0)?.producer();
  if (shapeOp?.opType !== 'Shape' || shapeOp.domain !== '') return undefined;
  const full = shapeOp.input(0)?.shape;
  if (!full) return undefined;
  const rank = full.length;
  const clamp = (a: number) => Math.min(Math.max(a < 0 ? a + rank : a, 0), rank);
  const dims = full.slice(clamp(shapeOp.getInt('start', 0)), clamp(shapeOp.getInt('end', rank)));
  // Run the Gather/Slice on the dims' positions, then look the picked positions up.
  const positions = int64Tensor(
    [dims.length],
    dims.map((_, i) => i),
  );
  const inputs = node.inputs.map((v, i) => (i === 0 ? positions : constOf(v)));
  if (inputs.some((t, i) => node.inputs[i] && !t)) return undefined;
  let picked: Tensor | undefined;
  try {
    picked = evaluateOp(node, inputs);
  } catch {
    return undefined;
  }
  if (!picked) return undefined;
  const values = Array.from(picked.values() as ArrayLike<number | bigint>, (i) => dims[Number(i)]);
  if (!values.every((d): d is number => typeof d === 'number' && d >= 0)) return undefined;
  return int64Tensor([...picked.shape], values);
}
