// Layout clean-up: Transposes sunk below element-wise ops, Transposes that cancel (or compose into
// one), Transposes with the identity permutation, Reshapes to the shape their input already has, and
// chains of reshaping ops in front of a Reshape. Importers of NHWC formats leave many of these; each one left is a Q/DQ boundary.
import {
  attr,
  constOf,
  dropUnusedInitializers,
  walkGraphs,
  type Graph,
  type Model,
  type Node,
  type Value,
} from '@enxuto/ir';
import { bypassNode } from './graph-utils.js';
import { sinkTransposes } from './sink-transposes.js';

export interface RemoveNoopLayoutStats {
  transposes: number;
  reshapes: number;
}

const isDefault = (n: Node | null | undefined): n is Node => !!n && n.domain === '';
const RESHAPING = new Set(['Reshape', 'Flatten', 'Squeeze', 'Unsqueeze']);

function perm(t: Node, rank: number | undefined): number[] | undefined {
  const p = t.getInts('perm');
  if (p) return p;
  return rank === undefined ? undefined : Array.from({ length: rank }, (_, i) => rank - 1 - i);
}

const isIdentity = (p: number[]) => p.every((v, i) => v === i);

/** Drops `node` when nothing reads it any more. */
function dropIfDead(g: Graph, node: Node | null): void {
  if (!node || node.isRemoved() || node.outputs.some((v) => v && (v.uses().length > 0 || v.isGraphOutput()))) return;
  const inputs = [...node.inputs];
  g.remove(node);
  dropUnusedInitializers(g, inputs);
}

/** Can `node`'s output be replaced by `x` (keeping a graph output's name)? */
function canBypass(g: Graph, node: Node, x: Value): boolean {
  const y = node.output(0);
  return !y.isGraphOutput() || (x.graph === g && x.producer() !== null && !x.isGraphOutput());
}

function simplifyTranspose(g: Graph, t: Node): boolean {
  const x = t.input(0);
  if (!x) return false;
  const outer = perm(t, x.shape?.length);
  if (!outer) return false;
  if (isIdentity(outer)) {
    if (!canBypass(g, t, x)) return false;
    bypassNode(g, t, x);
    return true;
  }
  const first = x.producer();
  if (!isDefault(first) || first.opType !== 'Transpose' || first.graph !== g) return false;
  const src = first.input(0)!;
  const inner = perm(first, src.shape?.length ?? outer.length);
  if (!inner || inner.length !== outer.length) return false;
  const composed = outer.map((i) => inner[i]!);
  if (isIdentity(composed)) {
    if (!canBypass(g, t, src)) return false;
    bypassNode(g, t, src);
  } else {
    g.setInput(t, 0, src);
    t.setAttr('perm', attr.ints(composed));
  }
  dropIfDead(g, first);
  return true;
}

/** The target shape of a Reshape, resolved against its input's static shape (0 copies, -1 infers). */
function targetShape(r: Node, input: readonly number[]): number[] | undefined {
  const s = constOf(r.input(1));
  if (!s) return undefined;
  const want = Array.from(s.values() as ArrayLike<number | bigint>, Number);
  const allowZero = r.getInt('allowzero', 0) === 1;
  const dims = want.map((d, i) => (d === 0 && !allowZero ? input[i] : d));
  if (dims.some((d) => d === undefined)) return undefined;
  const size = input.reduce((a, b) => a * b, 1);
  const known = (dims as number[]).reduce((a, d) => (d === -1 ? a : a * d), 1);
  return (dims as number[]).map((d) => (d === -1 ? size / known : d));
}

function simplifyReshape(g: Graph, r: Node): boolean {
  const x = r.input(0);
  if (!x) return false;
  const shape = x.shape;
  if (shape?.every((d): d is number => typeof d === 'number')) {
    const target = targetShape(r, shape);
    if (target && target.length === shape.length && target.every((d, i) => d === shape[i]) && canBypass(g, r, x)) {
      bypassNode(g, r, x);
      return true;
    }
  }
  // Reshape(Flatten/Squeeze/Unsqueeze/Reshape(src), s) is Reshape(src, s) when s copies no dim (0).
  const before = x.producer();
  const s = constOf(r.input(1));
  if (!isDefault(before) || !RESHAPING.has(before.opType) || before.graph !== g || !s) return false;
  const copies = Array.from(s.values() as ArrayLike<number | bigint>, Number).includes(0);
  if (copies && r.getInt('allowzero', 0) !== 1) return false;
  g.setInput(r, 0, before.input(0));
  dropIfDead(g, before);
  return true;
}

/** Removes no-op and cancelling layout ops in every graph of `model`, in place. */
export function removeNoopLayout(model: Model): RemoveNoopLayoutStats {
  const stats: RemoveNoopLayoutStats = { transposes: 0, reshapes: 0 };
  for (const g of walkGraphs(model.graph)) {
    // A simplified op can become a no-op itself (Reshape(Reshape(x)) back to x's shape): repeat.
    for (let changed = true; changed; ) {
      changed = false;
      for (const n of [...g.topologicalOrder()]) {
        if (n.isRemoved() || !isDefault(n)) continue;
        if (n.opType === 'Transpose' && simplifyTranspose(g, n)) stats.transposes++;
        else if (n.opType === 'Reshape' && simplifyReshape(g, n)) stats.reshapes++;
        else if (!sinkTransposes(g, n)) continue;
        changed = true;
      }
    }
  }
  return stats;
}
