// Layout clean-up shared by the reader and the writer. Translating one layout into the other puts a
// Transpose pair around every layout-sensitive op (Conv, pools); this pass removes the pairs that
// meet: it sinks transposes through element-wise ops (adjusting constant operands), merges
// consecutive transposes, folds transposes of constants, and drops identities and dead code.
import { attr, type Graph, type Node, type Tensor, type Value, reshapeTensor } from '@enxuto/ir';
import { composePerms, inversePerm, isIdentityPerm, transposeTensor } from './kernels.js';

const UNARY = new Set([
  'Relu',
  'Sigmoid',
  'Tanh',
  'Elu',
  'LeakyRelu',
  'Clip',
  'Identity',
  'Neg',
  'Abs',
  'Exp',
  'Log',
  'Sqrt',
  'Reciprocal',
  'Softplus',
  'HardSigmoid',
  'Selu',
  'Floor',
  'Ceil',
  'Round',
  'Erf',
  'Sign',
  'Cast',
]);
const BINARY = new Set(['Add', 'Sub', 'Mul', 'Div', 'Max', 'Min', 'Pow', 'PRelu']);

/** Bound on rewrite rounds (each round strictly shortens or sinks; real graphs settle in a few). */
const MAX_ROUNDS = 200;

export function foldTransposes(g: Graph): void {
  const outputNames = g.outputs.map((v) => v.name);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let changed = false;
    for (const n of [...g.topologicalOrder()]) {
      if (n.isRemoved()) continue;
      if (n.domain !== '') continue;
      if (n.opType === 'Transpose' ? simplifyTranspose(g, n) : sinkThrough(g, n)) changed = true;
    }
    removeDeadCode(g);
    if (!changed) break;
  }
  restoreOutputNames(g, outputNames);
}

function permOf(n: Node): number[] | undefined {
  if (n.domain !== '' || n.opType !== 'Transpose') return undefined;
  const a = n.attr('perm');
  return a && a.type === 'ints' ? a.value.map(Number) : undefined;
}

function isOnlyUse(v: Value, n: Node): boolean {
  return !v.isGraphOutput() && v.uses().length > 0 && v.uses().every((u) => u.node === n);
}

function simplifyTranspose(g: Graph, t: Node): boolean {
  const perm = permOf(t);
  const x = t.input(0);
  const out = t.outputs[0];
  if (!perm || !x || !out) return false;
  // A graph output may move to another node's value (names are restored at the end), never to a
  // graph input or constant.
  const keepsOutput = (v: Value) => !out.isGraphOutput() || v.producer() !== null;
  if (isIdentityPerm(perm) && keepsOutput(x)) {
    g.replaceAllUsesWith(out, x);
    g.remove(t);
    return true;
  }
  if (
    !out.isGraphOutput() &&
    x.isInitializer() &&
    x.const &&
    x.const.dtype !== 'string' &&
    x.const.shape.length === perm.length
  ) {
    const c = g.addInitializer(g.uniqueName(`${x.name}/transposed`), transposeTensor(x.const, perm));
    g.replaceAllUsesWith(out, c);
    g.remove(t);
    return true;
  }
  const p = x.producer();
  const inner = p ? permOf(p) : undefined;
  if (p && inner && inner.length === perm.length) {
    const combined = composePerms(inner, perm);
    const src = p.input(0)!;
    if (isIdentityPerm(combined)) {
      if (!keepsOutput(src)) return false;
      g.replaceAllUsesWith(out, src);
    } else {
      const merged = g.insertAfter(t, {
        opType: 'Transpose',
        name: t.name,
        inputs: [src],
        outputs: [g.uniqueName(`${out.name}/merged`)],
        attributes: { perm: attr.ints(combined) },
      });
      g.replaceAllUsesWith(out, merged.output());
    }
    g.remove(t);
    return true;
  }
  return false;
}

/** A constant operand re-laid-out so that op(T_p(x), c) == T_p(op(x, c')). */
function adaptConstant(c: Tensor, perm: readonly number[]): Tensor | undefined {
  const n = perm.length;
  if (c.shape.length > n || c.dtype === 'string') return undefined;
  if (c.size === 1 && c.shape.length <= n) return c;
  const full = reshapeTensor(c, [...new Array<number>(n - c.shape.length).fill(1), ...c.shape]);
  return transposeTensor(full, inversePerm(perm));
}

function sinkThrough(g: Graph, n: Node): boolean {
  const out = n.outputs[0];
  if (!out || n.outputs.length !== 1) return false;
  const inputs = [...n.inputs];
  if (UNARY.has(n.opType)) {
    const x = inputs[0];
    const t = x?.producer();
    const perm = t ? permOf(t) : undefined;
    if (!x || !t || !perm || !isOnlyUse(x, n)) return false;
    // Extra operands (Clip bounds) must be scalars to stay valid in any layout.
    if (inputs.slice(1).some((v) => v && v.const?.shape.length !== 0)) return false;
    rewrite(g, n, [t.input(0), ...inputs.slice(1)], perm);
    g.remove(t);
    return true;
  }
  if (BINARY.has(n.opType) && inputs.length === 2 && inputs[0] && inputs[1]) {
    const [a, b] = inputs as [Value, Value];
    const ta = a.producer();
    const tb = b.producer();
    const pa = ta ? permOf(ta) : undefined;
    const pb = tb ? permOf(tb) : undefined;
    if (pa && pb && ta !== tb && pa.join() === pb.join() && isOnlyUse(a, n) && isOnlyUse(b, n)) {
      rewrite(g, n, [ta!.input(0), tb!.input(0)], pa);
      g.remove([ta!, tb!]);
      return true;
    }
    for (const [side, t, perm, other] of [
      [0, ta, pa, b],
      [1, tb, pb, a],
    ] as const) {
      if (!t || !perm || !other.isInitializer() || !other.const) continue;
      if (!isOnlyUse(side === 0 ? a : b, n)) continue;
      const adapted = adaptConstant(other.const, perm);
      if (!adapted) continue;
      const c = adapted === other.const ? other : g.addInitializer(g.uniqueName(`${other.name}/relayout`), adapted);
      rewrite(g, n, side === 0 ? [t.input(0), c] : [c, t.input(0)], perm);
      g.remove(t);
      return true;
    }
  }
  return false;
}

/** Replaces n by the same op on `inputs` followed by Transpose(perm). */
function rewrite(g: Graph, n: Node, inputs: (Value | null)[], perm: readonly number[]): void {
  const out = n.output(0);
  const moved = g.insertAfter(n, {
    opType: n.opType,
    domain: n.domain,
    name: n.name,
    inputs,
    outputs: [g.uniqueName(`${out.name}/pre`)],
    attributes: n.attributes,
  });
  const t = g.insertAfter(moved, {
    opType: 'Transpose',
    name: g.uniqueName(`${n.name || out.name}/transpose`),
    inputs: [moved.output()],
    outputs: [g.uniqueName(`${out.name}/post`)],
    attributes: { perm: attr.ints([...perm]) },
  });
  g.replaceAllUsesWith(out, t.output());
  g.remove(n);
}

/** Removes nodes and initializers nothing reads (graph outputs and inputs stay). */
export function removeDeadCode(g: Graph): void {
  const order = g.topologicalOrder();
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i]!;
    if (n.isRemoved()) continue;
    if (n.outputs.every((o) => !o || (o.uses().length === 0 && !o.isGraphOutput()))) g.remove(n);
  }
  for (const v of g.initializers()) {
    if (v.uses().length === 0 && !v.isGraphOutput() && !v.isGraphInput()) g.removeValue(v);
  }
}

function restoreOutputNames(g: Graph, names: readonly string[]): void {
  g.outputs.forEach((v, i) => {
    const want = names[i];
    if (want !== undefined && v.name !== want && !g.value(want) && v.producer()) g.rename(v, want);
  });
}

/** Gives every node a distinct, non-empty name (onnxruntime refuses duplicates). */
export function uniquifyNodeNames(g: Graph): void {
  const used = new Set<string>();
  for (const n of g.nodes) {
    const base = n.name || `${n.opType}_${n.outputs[0]?.name ?? ''}`;
    let name = base;
    for (let k = 1; used.has(name); k++) name = `${base}_${k}`;
    used.add(name);
    n.name = name;
  }
}
