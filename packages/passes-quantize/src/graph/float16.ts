// float32 -> float16: weights and compute. Float initializers, Constant values and Cast targets
// become float16, so the float data flow does too; inputs/outputs may stay float32 behind Casts,
// and listed ops stay float32 behind Casts. onnxruntime's CPU provider runs ops that lack a
// float16 kernel in float32 through casts it inserts itself, so the model runs everywhere; the gain
// is size (2x) and speed only where float16 kernels exist (ARM, WebGPU).
import { attr, float32ToFloat16, tensorFromBytes, type Model, type Node, type Tensor, type Value } from '@enxuto/ir';
import { inferDtypes, onnxCodeOf } from './dtypes.js';
import { inMemory, type TensorStore } from './helpers.js';

export interface Float16Options {
  keepIO: boolean;
  /** Op types computed in float32. */
  keepOps: readonly string[];
  /** Node names computed in float32. */
  exclude: readonly string[];
}

/** Ops whose float inputs must stay float32 at these input slots (the ONNX spec allows only float there). */
const FLOAT32_SLOTS: Record<string, number[]> = { Resize: [1, 2], Upsample: [1], RoiAlign: [1] };
/** Ops that read quantization scales: computed as they are. */
const ALWAYS_FLOAT32 = new Set([
  'QuantizeLinear',
  'DequantizeLinear',
  'DynamicQuantizeLinear',
  'QGemm',
  'QLinearConv',
  'QLinearMatMul',
]);

/** Contrib ops whose float inputs, scales and outputs may all be float16 (onnxruntime CPU and wasm). */
const FLOAT16_CONTRIB = new Set([
  'com.microsoft.MatMulNBits',
  'com.microsoft.GatherBlockQuantized',
  'com.microsoft.MatMulBnb4',
]);

export function toFloat16Tensor(t: Tensor): Tensor {
  const src = t.toFloat32();
  const out = new Uint16Array(src.length);
  for (let i = 0; i < src.length; i++) {
    // Out-of-range weights saturate to the largest half instead of becoming Inf.
    const v = src[i]!;
    out[i] = float32ToFloat16(v > 65504 ? 65504 : v < -65504 ? -65504 : v);
  }
  return tensorFromBytes('float16', t.shape, new Uint8Array(out.buffer));
}

export interface Float16Report {
  initializers: number;
  casts: number;
  keptFloat32: string[];
}

export function convertFloat16(
  model: Model,
  options: Partial<Float16Options> = {},
  store: TensorStore = inMemory,
): Float16Report {
  const o: Float16Options = { keepIO: true, keepOps: [], exclude: [], ...options };
  const g = model.graph;
  const dtypes = inferDtypes(g);
  const keepOps = new Set(o.keepOps);
  const exclude = new Set(o.exclude);
  const kept = (n: Node) =>
    keepOps.has(n.opType) ||
    exclude.has(n.name) ||
    ALWAYS_FLOAT32.has(n.opType) ||
    (n.domain !== '' && !FLOAT16_CONTRIB.has(`${n.domain}.${n.opType}`));
  const report: Float16Report = { initializers: 0, casts: 0, keptFloat32: [] };
  const isF32 = (v: Value | null | undefined): v is Value => !!v && dtypes.get(v) === 'float32';

  // Initializers read only at float32-only slots or by float32 ops stay float32.
  for (const v of g.initializers()) {
    if (!isF32(v)) continue;
    const onlyF32 =
      v.uses().length > 0 &&
      v.uses().every((u) => kept(u.node) || (FLOAT32_SLOTS[u.node.opType] ?? []).includes(u.index));
    if (onlyF32) continue;
    g.setConst(v, store(toFloat16Tensor(v.const!)));
    dtypes.set(v, 'float16');
    report.initializers++;
  }
  for (const n of g) {
    if (kept(n)) continue;
    if (n.opType === 'Cast' && n.getInt('to', 0) === 1) n.setAttr('to', attr.int(onnxCodeOf('float16')));
    if (n.opType === 'Constant' || n.opType === 'ConstantOfShape') {
      const t = n.getTensor('value');
      if (t && t.dtype === 'float32') n.setAttr('value', attr.tensor(toFloat16Tensor(t)));
      const f = n.attr('value_float');
      if (f && f.type === 'float') {
        n.setAttr('value_float', undefined);
        n.setAttr(
          'value',
          attr.tensor(toFloat16Tensor(tensorFromBytes('float32', [], new Uint8Array(Float32Array.of(f.value).buffer)))),
        );
      }
    }
  }
  // Every float32 node output becomes float16 (values read by float32-only ops are cast back below).
  const half = new Set<Value>();
  for (const n of g) {
    if (kept(n)) continue;
    for (const v of n.outputs) if (isF32(v)) half.add(v);
  }
  for (const v of g.initializers()) if (dtypes.get(v) === 'float16') half.add(v);

  const cast = (v: Value, to: 'float16' | 'float32', name: string, before: Node | undefined): Value => {
    const spec = {
      opType: 'Cast',
      name: g.uniqueName(`${name}_Cast`),
      inputs: [v],
      outputs: [g.uniqueName(name)],
      attributes: { to: attr.int(onnxCodeOf(to)) },
    };
    const c = before ? g.insertBefore(before, spec) : g.addNode(spec);
    report.casts++;
    return c.outputs[0]!;
  };

  // Graph inputs: float32 behind a Cast, or float16 themselves.
  for (const x of g.inputs) {
    if (x.isInitializer() || !isF32(x)) continue;
    if (o.keepIO) {
      const c = cast(x, 'float16', `${x.name}_fp16`, g.topologicalOrder()[0]);
      for (const u of [...x.uses()]) if (u.node !== c.producer()) g.setInput(u.node, u.index, c);
      half.add(c);
    } else {
      x.type = { kind: 'tensor', dtype: 'float16', ...(x.shape ? { shape: x.shape } : {}) };
      half.add(x);
    }
  }
  // Float32 consumers (kept ops, float32-only slots) read a Cast back to float32.
  const back = new Map<Value, Value>();
  for (const n of [...g]) {
    const slots = FLOAT32_SLOTS[n.opType] ?? [];
    n.inputs.forEach((v, i) => {
      if (!v || !half.has(v) || (!kept(n) && !slots.includes(i)) || n.opType === 'Cast') return;
      let b = back.get(v);
      if (!b) back.set(v, (b = cast(v, 'float32', `${v.name}_fp32`, n)));
      g.setInput(n, i, b);
    });
    if (kept(n) && !ALWAYS_FLOAT32.has(n.opType)) report.keptFloat32.push(n.name || n.opType);
    // Outputs of a float32 op feeding float16 ops get a Cast to float16.
    if (kept(n)) {
      for (const y of n.outputs) {
        if (!isF32(y)) continue;
        const readers = y
          .uses()
          .filter((u) => !kept(u.node) && !(FLOAT32_SLOTS[u.node.opType] ?? []).includes(u.index));
        if (readers.length === 0) continue;
        const c = cast(y, 'float16', `${y.name}_fp16`, readers[0]!.node);
        for (const u of readers) g.setInput(u.node, u.index, c);
        half.add(c);
      }
    }
  }
  // Graph outputs: a Cast to float32 under the original name, or float16 outputs.
  const outs = g.outputs.map((y) => {
    if (!half.has(y)) return y;
    if (!o.keepIO) {
      y.type = { kind: 'tensor', dtype: 'float16', ...(y.shape ? { shape: y.shape } : {}) };
      return y;
    }
    const name = y.name;
    const type = y.type;
    g.rename(y, g.uniqueName(`${name}_fp16`));
    const c = cast(y, 'float32', name, undefined);
    g.rename(c, name);
    c.type = type ?? { kind: 'tensor', dtype: 'float32' };
    return c;
  });
  g.setOutputs(outs);
  // Types recorded on intermediate values must follow.
  for (const v of half) {
    if (v.type?.kind === 'tensor' && v.type.dtype === 'float32' && !v.isGraphOutput())
      v.type = { ...v.type, dtype: 'float16' };
  }
  return report;
}
