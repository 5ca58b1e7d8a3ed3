// LSTM unrolling: a forward ONNX LSTM over a sequence of static length T becomes T steps of
// MatMul / Add / Sigmoid / Tanh / Mul, ops every target format has. Writers whose format has no
// fused LSTM (TF.js graph models) or that cannot map ONNX's LSTM back (our TFLite export) use it.
import {
  attr,
  constOf,
  float32Tensor,
  int64Tensor,
  type Graph,
  type Model,
  type Node,
  type Value,
  walkGraphs,
} from '@enxuto/ir';
import { lstmGateWeights } from './kernels/lstm-weights.js';

/** Longest sequence unrolled: each step adds ~25 nodes. */
export const MAX_UNROLLED_STEPS = 512;

function isZeros(v: Value | null): boolean {
  const t = constOf(v);
  return t !== undefined && t.dtype === 'float32' && t.toFloat32().every((x) => x === 0);
}

/** Why `node` cannot be unrolled, or undefined when it can. */
function refusal(node: Node): string | undefined {
  if (node.domain !== '' || node.opType !== 'LSTM') return 'not an LSTM';
  if (node.getString('direction', 'forward') !== 'forward') return 'only forward LSTMs unroll';
  if (node.getInt('layout', 0) !== 0) return 'only time-major (layout 0) LSTMs unroll';
  if (node.getInt('input_forget', 0) !== 0 || node.getFloat('clip', 0) !== 0)
    return 'input_forget and clip are not unrolled';
  const a = node.attributes.get('activations');
  const acts = a?.type === 'strings' ? a.value : undefined;
  if (acts && acts.join(',') !== 'Sigmoid,Tanh,Tanh') return 'only the default activations unroll';
  if (node.input(4) || node.input(7)) return 'sequence_lens and peepholes are not unrolled';
  const x = node.input(0)?.shape;
  if (x?.length !== 3 || typeof x[0] !== 'number' || typeof x[2] !== 'number')
    return 'X needs a static [T, B, I] shape';
  if (x[0] < 1 || x[0] > MAX_UNROLLED_STEPS) return `sequence length ${x[0]} is outside 1..${MAX_UNROLLED_STEPS}`;
  const [w, r] = [constOf(node.input(1)), constOf(node.input(2))];
  if (!w || !r || w.dtype !== 'float32' || r.dtype !== 'float32') return 'W and R must be float32 constants';
  const b = node.input(3);
  if (b && constOf(b)?.dtype !== 'float32') return 'B must be a float32 constant';
  return undefined;
}

class StepBuilder {
  private readonly opset: number;
  /** Small int64 vectors (axes, slice bounds), one initializer per distinct value. */
  private readonly ints = new Map<string, Value>();
  constructor(
    private readonly g: Graph,
    private readonly at: Node,
    model: Model,
  ) {
    this.opset = model.opset('') ?? 13;
  }

  op(
    opType: string,
    inputs: (Value | null)[],
    name: string,
    attributes: Record<string, ReturnType<typeof attr.int>> = {},
  ): Value {
    const n = this.g.insertBefore(this.at, {
      opType,
      inputs,
      outputs: [this.g.uniqueName(name)],
      attributes,
      name: this.g.uniqueName(name),
    });
    return n.output(0);
  }

  constant(name: string, shape: number[], values: Float32Array): Value {
    return this.g.addInitializer(this.g.uniqueName(name), float32Tensor(shape, values));
  }

  int64(values: number[], name: string): Value {
    const key = values.join(',');
    let v = this.ints.get(key);
    if (!v) {
      v = this.g.addInitializer(this.g.uniqueName(name), int64Tensor([values.length], values));
      this.ints.set(key, v);
    }
    return v;
  }

  /** Squeeze / Unsqueeze on one axis, in the opset's form (axes input from opset 13). */
  axisOp(opType: 'Squeeze' | 'Unsqueeze', x: Value, axis: number, name: string): Value {
    if (this.opset >= 13) return this.op(opType, [x, this.int64([axis], 'lstm_axis')], name);
    return this.op(opType, [x], name, { axes: attr.ints([axis]) });
  }

  slice(x: Value, t: number, name: string): Value {
    if (this.opset >= 10)
      return this.op(
        'Slice',
        [x, this.int64([t], 'lstm_step'), this.int64([t + 1], 'lstm_step'), this.int64([0], 'lstm_axis')],
        name,
      );
    return this.op('Slice', [x], name, { starts: attr.ints([t]), ends: attr.ints([t + 1]), axes: attr.ints([0]) });
  }
}

function unrollOne(model: Model, g: Graph, node: Node): void {
  const hidden = node.getInt('hidden_size') ?? constOf(node.input(2))!.shape[1]!;
  const [steps, , inputSize] = node.input(0)!.shape as [number, unknown, number];
  const weights = lstmGateWeights(
    constOf(node.input(1))!.toFloat32(),
    constOf(node.input(2))!.toFloat32(),
    constOf(node.input(3))?.toFloat32(),
    hidden,
    inputSize,
  );
  const s = new StepBuilder(g, node, model);
  const base = node.name || 'lstm';
  const w = weights.w.map((v, k) => s.constant(`${base}_W${'iofc'[k]}`, [inputSize, hidden], v));
  const r = weights.r.map((v, k) => s.constant(`${base}_R${'iofc'[k]}`, [hidden, hidden], v));
  const b = weights.b.map((v, k) => s.constant(`${base}_B${'iofc'[k]}`, [hidden], v));
  // Zero initial states drop out of the first step (no recurrent term, no forget term).
  const init = (i: number) =>
    node.input(i) && !isZeros(node.input(i)) ? s.axisOp('Squeeze', node.input(i)!, 0, `${base}_init${i}`) : null;
  let h: Value | null = init(5);
  let c: Value | null = init(6);
  const hs: Value[] = [];
  for (let t = 0; t < steps; t++) {
    const p = `${base}_t${t}`;
    const x = s.axisOp('Squeeze', s.slice(node.input(0)!, t, `${p}_x`), 0, `${p}_x2d`);
    const gate = (k: number, act: 'Sigmoid' | 'Tanh') => {
      let a = s.op('MatMul', [x, w[k]!], `${p}_${'iofc'[k]}_x`);
      if (h) a = s.op('Add', [a, s.op('MatMul', [h, r[k]!], `${p}_${'iofc'[k]}_h`)], `${p}_${'iofc'[k]}_sum`);
      return s.op(act, [s.op('Add', [a, b[k]!], `${p}_${'iofc'[k]}_pre`)], `${p}_${'iofc'[k]}`);
    };
    const [i, o, f, cand] = [gate(0, 'Sigmoid'), gate(1, 'Sigmoid'), c ? gate(2, 'Sigmoid') : null, gate(3, 'Tanh')];
    const ic = s.op('Mul', [i, cand], `${p}_ic`);
    c = c && f ? s.op('Add', [s.op('Mul', [f, c], `${p}_fc`), ic], `${p}_c`) : ic;
    h = s.op('Mul', [o, s.op('Tanh', [c], `${p}_tanh_c`)], `${p}_h`);
    hs.push(h);
  }
  const [y, yh, yc] = [node.outputs[0], node.outputs[1], node.outputs[2]];
  const renames: [Value, string][] = [];
  const replace = (old: Value | null | undefined, make: () => Value) => {
    if (!old || (old.uses().length === 0 && !old.isGraphOutput())) return;
    const v = make();
    if (old.isGraphOutput()) renames.push([v, old.name]);
    g.replaceAllUsesWith(old, v, { graphOutputs: true });
  };
  replace(y, () => {
    const seq =
      hs.length === 1
        ? s.axisOp('Unsqueeze', hs[0]!, 0, `${base}_y3d`)
        : s.op(
            'Concat',
            hs.map((v, t) => s.axisOp('Unsqueeze', v, 0, `${base}_y${t}`)),
            `${base}_seq`,
            { axis: attr.int(0) },
          );
    return s.axisOp('Unsqueeze', seq, 1, `${base}_Y`);
  });
  replace(yh, () => s.axisOp('Unsqueeze', h!, 0, `${base}_Y_h`));
  replace(yc, () => s.axisOp('Unsqueeze', c!, 0, `${base}_Y_c`));
  g.remove(node);
  // Graph outputs keep their names.
  for (const [v, name] of renames) g.rename(v, name);
}

/** Unrolls every LSTM (If/Loop bodies included) that can be; returns how many were and why others were not. */
export function unrollLstm(model: Model): { unrolled: number; refused: { node: string; reason: string }[] } {
  let unrolled = 0;
  const refused: { node: string; reason: string }[] = [];
  for (const g of [...walkGraphs(model.graph)])
    for (const node of [...g.topologicalOrder()]) {
      if (node.opType !== 'LSTM' || node.domain !== '') continue;
      const why = refusal(node);
      if (why) {
        refused.push({ node: node.name || node.outputs[0]?.name || 'LSTM', reason: why });
        continue;
      }
      unrollOne(model, g, node);
      unrolled++;
    }
  return { unrolled, refused };
}
