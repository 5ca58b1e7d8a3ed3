// Moving a Transpose below the element-wise op that reads it: op(T(a), T(b), k) = T(op(a, b, k')),
// with constants k permuted the other way. Importers of NHWC models wrap every Conv in
// NHWC -> NCHW -> NHWC Transposes; sunk below Relu/Add/Pad/Concat..., they meet the next inverse
// Transpose and cancel (removeNoopLayout), leaving the model in one layout.
import {
  attr,
  constOf,
  dropUnusedInitializers,
  tensorFromValues,
  transposeValues,
  type Graph,
  type Node,
  type Tensor,
  type Value,
} from '@enxuto/ir';

/** Ops that apply element by element across all their inputs (numpy broadcasting). */
const ELEMENTWISE = new Set([
  'Relu',
  'LeakyRelu',
  'PRelu',
  'Clip',
  'Sigmoid',
  'HardSigmoid',
  'HardSwish',
  'Tanh',
  'Elu',
  'Selu',
  'Softplus',
  'Abs',
  'Neg',
  'Exp',
  'Log',
  'Sqrt',
  'Erf',
  'Cast',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Max',
  'Min',
  'Pow',
  'Where',
]);
/** Clip's bounds are scalars: never permuted. */
const SCALAR_INPUTS: Record<string, number[]> = { Clip: [1, 2] };

const inverse = (p: number[]) => {
  const q = Array<number>(p.length);
  p.forEach((v, i) => {
    q[v] = i;
  });
  return q;
};

/** `t` broadcast-aligned to `rank` and permuted by `perm` (undefined for non-numeric data). */
function permuteConstant(t: Tensor, rank: number, perm: number[]): Tensor | undefined {
  if (t.size === 1 && t.shape.length <= rank) return t;
  if (t.shape.length > rank) return undefined;
  const full = [...Array<number>(rank - t.shape.length).fill(1), ...t.shape];
  const v = t.values();
  if (
    !(v instanceof Float32Array || v instanceof Int32Array || v instanceof BigInt64Array || v instanceof Float64Array)
  )
    return undefined;
  const ctor = v.constructor as new (n: number) => typeof v;
  const out = transposeValues(v as Float32Array, full, perm, (n) => new ctor(n) as Float32Array);
  return tensorFromValues(t.dtype, out.shape, out.values);
}

function permOf(t: Node): number[] | undefined {
  return t.getInts('perm');
}

/** The Transpose `v` comes from, when only `reader` reads it. */
function soleTranspose(v: Value | null, reader: Node): Node | undefined {
  if (!v || v.isGraphOutput() || v.uses().some((u) => u.node !== reader)) return undefined;
  const t = v.producer();
  return t?.opType === 'Transpose' && t.domain === '' && t.graph === reader.graph ? t : undefined;
}

/** Moves the Transposes feeding `op` below it; true when the graph changed. */
export function sinkTransposes(g: Graph, op: Node): boolean {
  if (op.domain !== '' || op.outputs.length !== 1) return false;
  if (op.opType === 'Pad') return sinkThroughPad(g, op);
  if (!ELEMENTWISE.has(op.opType) && op.opType !== 'Concat') return false;
  const scalar = SCALAR_INPUTS[op.opType] ?? [];
  const transposes = op.inputs.map((v, i) => (scalar.includes(i) ? undefined : soleTranspose(v, op)));
  const first = transposes.find((t) => t);
  const p = first && permOf(first);
  if (!p) return false;
  const q = inverse(p);
  // Every other input: the same Transpose, a constant (permuted back), or one left alone.
  const plan: (Value | null | undefined)[] = op.inputs.map((v, i) => {
    if (!v || scalar.includes(i)) return v;
    const t = transposes[i];
    if (t) return permOf(t)?.join() === p.join() ? t.input(0) : undefined;
    const k = constOf(v);
    const permuted = k && permuteConstant(k, p.length, q);
    if (!permuted) return undefined;
    return permuted === k ? v : g.addInitializer(g.uniqueName(`${v.name}_${q.join('')}`), permuted);
  });
  if (plan.includes(undefined)) {
    dropUnusedInitializers(
      g,
      plan.filter((v): v is Value => !!v && v.isInitializer() && !op.inputs.includes(v)),
    );
    return false;
  }
  const old = [...op.inputs];
  plan.forEach((v, i) => {
    g.setInput(op, i, v ?? null);
  });
  for (const t of new Set(transposes)) if (t) g.remove(t);
  if (op.opType === 'Concat') op.setAttr('axis', attr.int(p[(op.getInt('axis', 0) + p.length) % p.length]!));
  transposeOutput(g, op, p);
  dropUnusedInitializers(g, old);
  return true;
}

/** Pad(T(a), pads) = T(Pad(a, pads permuted back)). */
function sinkThroughPad(g: Graph, pad: Node): boolean {
  const t = soleTranspose(pad.input(0), pad);
  const p = t && permOf(t);
  const pads = constOf(pad.input(1));
  if (!t || !p || !pads || pad.input(3)) return false;
  const r = p.length;
  const v = Array.from(pads.values() as ArrayLike<number | bigint>, Number);
  if (v.length !== 2 * r) return false;
  const q = inverse(p);
  const moved = [...q.map((i) => v[i]!), ...q.map((i) => v[r + i]!)];
  g.setInput(pad, 0, t.input(0));
  g.remove(t);
  const old = pad.input(1);
  g.setInput(
    pad,
    1,
    g.addInitializer(g.uniqueName(`${old!.name}_${q.join('')}`), tensorFromValues('int64', [2 * r], moved)),
  );
  dropUnusedInitializers(g, [old]);
  transposeOutput(g, pad, p);
  return true;
}

/** Puts Transpose(perm) between `op` and its readers; the Transpose takes over the output's name. */
function transposeOutput(g: Graph, op: Node, perm: number[]): void {
  const y = op.output(0);
  const name = y.name;
  const type = y.type;
  g.rename(y, g.uniqueName(`${name}_${inverse(perm).join('')}`));
  y.type = undefined;
  const t = g.insertAfter(op, {
    opType: 'Transpose',
    inputs: [y],
    outputs: [name],
    attributes: { perm: attr.ints(perm) },
  });
  const out = t.output(0);
  for (const u of [...y.uses()]) if (u.node !== t) u.node.graph.setInput(u.node, u.index, out);
  if (y.isGraphOutput()) g.setOutputs(g.outputs.map((o) => (o === y ? out : o)));
  if (type) out.type = type;
}
