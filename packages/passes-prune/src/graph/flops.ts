// Multiply-accumulates ×2 of Conv/Gemm/MatMul from declared shapes: the FLOPs figure reports
// compare before and after structured pruning. Nodes with unknown shapes count as 0 and are listed.
import type { Graph, Value } from '@enxuto/ir';

/** Numeric dims; a symbolic leading (batch) dim counts as 1. */
function dims(v: Value | null): number[] | undefined {
  const s = v?.shape?.map((d, i) => (i === 0 && typeof d !== 'number' ? 1 : d));
  return s?.every((d): d is number => typeof d === 'number') ? s : undefined;
}

export interface FlopCount {
  flops: number;
  /** Nodes whose shapes were not known. */
  unknown: string[];
}

export function countFlops(g: Graph): FlopCount {
  let flops = 0;
  const unknown: string[] = [];
  for (const n of g) {
    if (n.domain !== '' || !['Conv', 'Gemm', 'MatMul'].includes(n.opType)) continue;
    const w = dims(n.input(1));
    const y = dims(n.output(0));
    if (!w || !y) {
      unknown.push(n.name || n.opType);
      continue;
    }
    if (n.opType === 'Conv') {
      // Each output element: (I/group)·kh·kw MACs; weight [O, I/group, kh, kw].
      const perOut = w.slice(1).reduce((a, b) => a * b, 1);
      flops += 2 * perOut * y.reduce((a, b) => a * b, 1);
    } else {
      const k = n.opType === 'Gemm' && n.getInt('transB', 0) ? w[1]! : w[0]!;
      flops += 2 * k * y.reduce((a, b) => a * b, 1);
    }
  }
  return { flops, unknown };
}
