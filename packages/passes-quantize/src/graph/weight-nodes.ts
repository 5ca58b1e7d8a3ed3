// The nodes whose constant weights weight-only quantization stores in n bits: MatMul and Gemm
// with a 2-D float weight (-> MatMulNBits), and Gather from a 2-D float table (embeddings ->
// GatherBlockQuantized). Each is described with its weight as a [K, N] matrix along the
// reduction axis K, the layout the kernels work in.
import { constOf, type Model, type Node, type Value } from '@enxuto/ir';

export interface WeightNode {
  node: Node;
  kind: 'matmul' | 'gather';
  /** The float initializer. */
  weight: Value;
  /** Reduction size (rows of the [K, N] matrix) and outputs (columns). */
  k: number;
  n: number;
  /** Gemm's transB: the stored weight is [N, K]. Gather tables are [N = vocab, K = width]. */
  transposed: boolean;
  /** Gemm's C, when it is a [N] (or [1, N]) constant that MatMulNBits can take as its bias. */
  bias: Value | undefined;
  /** The activation the weight multiplies (undefined for Gather: its input is indices). */
  input: Value | undefined;
}

export interface WeightNodeFilter {
  /** Node names to leave alone. */
  exclude?: readonly string[];
  /** Weights with fewer elements stay in float. */
  minElements?: number;
  /** Also embeddings (Gather from a constant table). */
  embeddings?: boolean;
}

/** Candidate weight nodes of the main graph, in topological order. */
export function findWeightNodes(model: Model, filter: WeightNodeFilter = {}): WeightNode[] {
  const excluded = new Set(filter.exclude ?? []);
  const out: WeightNode[] = [];
  for (const node of model.graph) {
    if (node.domain !== '' || excluded.has(node.name)) continue;
    const wn = describe(node, filter.embeddings ?? false);
    if (wn && wn.k * wn.n >= (filter.minElements ?? 1)) out.push(wn);
  }
  return out;
}

function describe(node: Node, embeddings: boolean): WeightNode | undefined {
  if (node.opType === 'Gather') {
    const table = node.inputs[0];
    const t = constOf(table);
    if (!embeddings || !t || t.dtype !== 'float32' || t.shape.length !== 2 || node.getInt('axis', 0) !== 0) return;
    const [n, k] = t.shape as [number, number];
    return { node, kind: 'gather', weight: table!, k, n, transposed: true, bias: undefined, input: undefined };
  }
  if (node.opType !== 'MatMul' && node.opType !== 'Gemm') return;
  const wv = node.inputs[1];
  const w = constOf(wv);
  const x = node.inputs[0];
  if (!wv || !w || !x || w.dtype !== 'float32' || w.shape.length !== 2) return;
  let transposed = false;
  let bias: Value | undefined;
  if (node.opType === 'Gemm') {
    if (node.getInt('transA', 0) !== 0 || node.getFloat('alpha', 1) !== 1) return;
    transposed = node.getInt('transB', 0) === 1;
    const c = node.inputs[2] ?? undefined;
    if (c) {
      const ct = constOf(c);
      const cols = transposed ? w.shape[0]! : w.shape[1]!;
      const ok = ct && ct.dtype === 'float32' && ct.size === cols && ct.shape.at(-1) === cols;
      if (!ok || node.getFloat('beta', 1) !== 1) return;
      bias = c;
    }
  }
  const [r, c] = w.shape as [number, number];
  const [k, n] = transposed ? [c, r] : [r, c];
  return { node, kind: 'matmul', weight: wv, k, n, transposed, bias, input: x };
}

/** The weight as a row-major [K, N] float matrix (a view when no transpose is needed). */
export function weightMatrix(wn: WeightNode): Float32Array {
  const w = wn.weight.const!.toFloat32();
  if (!wn.transposed) return w;
  const out = new Float32Array(wn.k * wn.n);
  // Stored [N, K]: element (col, row) -> out[row, col].
  for (let col = 0; col < wn.n; col++) {
    const base = col * wn.k;
    for (let row = 0; row < wn.k; row++) out[row * wn.n + col] = w[base + row]!;
  }
  return out;
}
