// QDQ -> QOperator: each `DQ -> op -> Q` group becomes one integer operator (QLinearConv,
// QLinearMatMul, com.microsoft QGemm/QLinearAdd/...), ops that only move data run on the
// quantized tensor directly, and QuantizeLinear/DequantizeLinear stay only at the float borders.
import {
  attr,
  constOf,
  eliminateDeadCode,
  soleConsumer,
  tensorsEqual,
  type Attr,
  type Graph,
  type Model,
  type Node,
  type Value,
} from '@enxuto/ir';
import { PASS_THROUGH_OPS } from './qdq-rules.js';

interface Dq {
  q: Value;
  scale: Value;
  zeroPoint: Value;
  node: Node;
}

function dqOf(v: Value | null | undefined): Dq | undefined {
  const n = v?.producer();
  if (n?.opType !== 'DequantizeLinear' || n.domain !== '') return undefined;
  const [q, scale, zeroPoint] = n.inputs;
  if (!q || !scale || !zeroPoint) return undefined;
  return { q, scale, zeroPoint, node: n };
}

function sameValue(a: Value, b: Value): boolean {
  if (a === b) return true;
  const x = constOf(a);
  const y = constOf(b);
  return !!x && !!y && tensorsEqual(x, y);
}

/** The QuantizeLinear that is the only reader of `y`. */
function qAfter(y: Value | null | undefined): Node | undefined {
  if (!y) return undefined;
  const n = soleConsumer(y);
  return n && n.opType === 'QuantizeLinear' && n.domain === '' && n.inputs[1] && n.inputs[2] ? n : undefined;
}

export interface QOperatorReport {
  converted: Record<string, number>;
}

export function qdqToQOperator(model: Model): QOperatorReport {
  const g = model.graph;
  const converted: Record<string, number> = {};
  let usesMs = false;
  const count = (op: string) => (converted[op] = (converted[op] ?? 0) + 1);

  for (const n of [...g]) {
    if (n.isRemoved() || n.domain !== '') continue;
    if (n.opType === 'Gemm' && floatOutputGemm(g, n)) {
      usesMs = true;
      count('QGemm');
      continue;
    }
    const qn = qAfter(n.outputs[0]);
    if (!qn) continue;
    const ys = qn.inputs[1]!;
    const yzp = qn.inputs[2]!;
    const x = dqOf(n.inputs[0]);
    if (!x || constOf(x.q)) continue;
    const attrs = new Map<string, Attr>();
    for (const [k, a] of n.attributes) attrs.set(k, a);
    let spec: { opType: string; domain?: string; inputs: (Value | null)[]; attributes?: Map<string, Attr> } | undefined;

    if (n.opType === 'Conv' || n.opType === 'MatMul' || n.opType === 'Gemm') {
      const w = dqOf(n.inputs[1]);
      if (!w || !constOf(w.q)) continue;
      const b = n.inputs[2] ? dqOf(n.inputs[2]) : undefined;
      if (n.inputs[2] && (!b || constOf(b.q)?.dtype !== 'int32')) continue;
      if (n.opType === 'Conv') {
        spec = {
          opType: 'QLinearConv',
          inputs: [x.q, x.scale, x.zeroPoint, w.q, w.scale, w.zeroPoint, ys, yzp, ...(b ? [b.q] : [])],
          attributes: attrs,
        };
      } else if (n.opType === 'MatMul') {
        spec = { opType: 'QLinearMatMul', inputs: [x.q, x.scale, x.zeroPoint, w.q, w.scale, w.zeroPoint, ys, yzp] };
      } else {
        if (n.getFloat('beta', 1) !== 1) continue;
        attrs.delete('beta');
        spec = {
          opType: 'QGemm',
          domain: 'com.microsoft',
          inputs: [x.q, x.scale, x.zeroPoint, w.q, w.scale, w.zeroPoint, b ? b.q : null, ys, yzp],
          attributes: attrs,
        };
      }
    } else if (PASS_THROUGH_OPS.has(n.opType)) {
      if (!sameValue(x.scale, ys) || !sameValue(x.zeroPoint, yzp)) continue;
      spec = { opType: n.opType, inputs: [x.q, ...n.inputs.slice(1)], attributes: attrs };
    } else if (n.opType === 'Add' || n.opType === 'Mul') {
      const y2 = dqOf(n.inputs[1]);
      if (!y2) continue;
      spec = {
        opType: `QLinear${n.opType}`,
        domain: 'com.microsoft',
        inputs: [x.q, x.scale, x.zeroPoint, y2.q, y2.scale, y2.zeroPoint, ys, yzp],
      };
    } else if (n.opType === 'AveragePool' || n.opType === 'GlobalAveragePool') {
      if (n.opType === 'GlobalAveragePool') attrs.set('channels_last', attr.int(0));
      spec = {
        opType: `QLinear${n.opType}`,
        domain: 'com.microsoft',
        inputs: [x.q, x.scale, x.zeroPoint, ys, yzp],
        attributes: attrs,
      };
    }
    if (!spec) continue;
    if (spec.domain === 'com.microsoft') usesMs = true;
    const out = qn.outputs[0]!;
    const made = g.insertAfter(qn, {
      opType: spec.opType,
      domain: spec.domain ?? '',
      name: n.name,
      inputs: spec.inputs,
      outputs: [g.uniqueName(`${out.name}_${spec.opType}`)],
      ...(spec.attributes ? { attributes: spec.attributes } : {}),
    });
    const y = made.outputs[0]!;
    y.type = out.type;
    g.replaceAllUsesWith(out, y);
    g.remove([qn, n]);
    const name = out.name;
    g.rename(y, name);
    count(spec.opType);
  }
  cancelDqQ(g);
  eliminateDeadCode(model);
  if (usesMs && !model.opsetImports.has('com.microsoft')) model.opsetImports.set('com.microsoft', 1);
  return { converted };
}

/** DQ -> Gemm with a float output becomes QGemm without y_scale (it then outputs float). */
function floatOutputGemm(g: Graph, n: Node): boolean {
  if (qAfter(n.outputs[0]) || n.getFloat('beta', 1) !== 1) return false;
  const x = dqOf(n.inputs[0]);
  const w = dqOf(n.inputs[1]);
  const b = n.inputs[2] ? dqOf(n.inputs[2]) : undefined;
  if (!x || constOf(x.q) || !w || !constOf(w.q) || (n.inputs[2] && (!b || constOf(b.q)?.dtype !== 'int32')))
    return false;
  const attrs = new Map(n.attributes);
  attrs.delete('beta');
  const y = n.outputs[0]!;
  const made = g.insertAfter(n, {
    opType: 'QGemm',
    domain: 'com.microsoft',
    name: n.name,
    inputs: [x.q, x.scale, x.zeroPoint, w.q, w.scale, w.zeroPoint, b ? b.q : null],
    outputs: [g.uniqueName(`${y.name}_QGemm`)],
    attributes: attrs,
  });
  const out = made.outputs[0]!;
  out.type = y.type;
  g.replaceAllUsesWith(y, out);
  g.remove(n);
  g.rename(out, y.name);
  return true;
}

/** Q(DQ(x)) with the same scale and zero point is x. */
function cancelDqQ(g: Graph): void {
  for (const n of [...g]) {
    if (n.isRemoved() || n.opType !== 'QuantizeLinear' || n.domain !== '') continue;
    const d = dqOf(n.inputs[0]);
    if (!d || !n.inputs[1] || !n.inputs[2] || d.node.attr('axis') || n.attr('axis')) continue;
    if (!sameValue(d.scale, n.inputs[1]) || !sameValue(d.zeroPoint, n.inputs[2])) continue;
    const out = n.outputs[0]!;
    if (out.isGraphOutput()) continue;
    g.replaceAllUsesWith(out, d.q);
    g.remove(n);
  }
}
