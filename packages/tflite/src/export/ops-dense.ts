// Gemm and MatMul with a constant right operand -> FULLY_CONNECTED (weights [N, K]), with the bias
// (Gemm C, or a following Add) and activation fused. A flattened NHWC block is read as it is: the
// NCHW order the ONNX weights expect is restored by permuting the weight columns instead.
import { attr, tensorFromValues, type Node, type QuantParams, type Value } from '@enxuto/ir';
import { unsupported, type ExportContext, type Rep } from './context.js';
import { findTail, type Tail } from './fusion.js';
import { identity } from './layout.js';
import { finishTail, int8Plan, type Int8Plan } from './ops-conv.js';
import { exportBatchMatMul } from './ops-index.js';
import { int8Values } from './qdq.js';
import { sparseFloatWeight } from './sparse-weights.js';
import { permuteData, quantizeBias, quantizeSymmetricPerAxis } from './weights.js';

/** True when `w` is an int8 (or uint8 with zero point 128) symmetric quantized constant along `axis`. */
function storedInt8(ctx: ExportContext, w: Value | null, axis: number): boolean {
  const q = ctx.qconstOf(w);
  if (q === undefined) return false;
  const shift = q.tensor.dtype === 'uint8' ? -128 : 0;
  return (
    (q.tensor.dtype === 'int8' || q.tensor.dtype === 'uint8') &&
    q.quant.zeroPoint.every((z) => z + shift === 0) &&
    (q.quant.scale.length === 1 || q.quant.axis === axis)
  );
}

function permuteColumns<T extends Float32Array | Int8Array>(w: T, n: number, k: number, perm: Int32Array): T {
  const out = new (w.constructor as new (len: number) => T)(w.length);
  for (let r = 0; r < n; r++) for (let i = 0; i < k; i++) out[r * k + i] = w[r * k + perm[i]!]!;
  return out;
}

/**
 * An int8 layer with per-channel weights as RESHAPE -> 1x1 CONV_2D -> RESHAPE. TFLite's
 * FULLY_CONNECTED takes per-channel weights only in recent runtimes (older ones, tfjs-tflite-node
 * among them, read one scale and give wrong outputs); CONV_2D has honoured them in every version,
 * and a 1x1 convolution over [1, rows, 1, K] is the same matrix product.
 */
function perChannelDense(
  ctx: ExportContext,
  x: Value,
  weights: { w: Int8Array; scale: Float32Array; bias: Float32Array },
  [N, K]: [number, number],
  outShape: readonly number[],
  tail: Tail,
  plan: Int8Plan,
): Value {
  const rows = outShape.slice(0, -1).reduce((p, d) => p * d, 1);
  const base = `${tail.out.name}_conv1x1`;
  const image = [1, rows, 1, K];
  const xq = x.quant!;
  const xi = ctx.op(
    'RESHAPE',
    [x, ctx.int32Const('shape', image)],
    { new_shape: attr.ints(image) },
    image,
    'int8',
    `${base}_in`,
    xq,
  );
  const zeros = new Int32Array(N);
  const wv = ctx.addConst(`${base}_weights`, tensorFromValues('int8', [N, 1, 1, K], weights.w), {
    dtype: 'int8',
    scale: weights.scale,
    zeroPoint: zeros,
    axis: 0,
  });
  const qb = quantizeBias(weights.bias, xq.scale[0]!, weights.scale);
  const bv = ctx.addConst(`${base}_bias`, tensorFromValues('int32', [N], qb.data), {
    dtype: 'int32',
    scale: qb.scale,
    zeroPoint: zeros,
    axis: 0,
  });
  const options = {
    padding: attr.string('VALID'),
    stride_h: attr.int(1),
    stride_w: attr.int(1),
    dilation_h_factor: attr.int(1),
    dilation_w_factor: attr.int(1),
    fused_activation_function: attr.string(tail.act),
  };
  const conv = ctx.op('CONV_2D', [xi, wv, bv], options, [1, rows, 1, N], 'int8', base, plan.out);
  const shape = outShape.length > 2 ? [...outShape] : [rows, N];
  return ctx.op(
    'RESHAPE',
    [conv, ctx.int32Const('shape', shape)],
    { new_shape: attr.ints(shape) },
    shape,
    'int8',
    tail.out.name,
    plan.out,
  );
}

export function exportDense(ctx: ExportContext, node: Node): void {
  const isGemm = node.opType === 'Gemm';
  if (isGemm && node.getInt('transA', 0) !== 0) unsupported('Gemm with transA=1 is not supported', node, 'transA');
  const a = node.input(0)!;
  const b = node.input(1);
  const bt = ctx.constOf(b);
  if (bt === undefined && !isGemm) {
    exportBatchMatMul(ctx, node);
    return;
  }
  if (bt === undefined || bt.shape.length !== 2)
    unsupported(`${node.opType} needs a constant 2-D right operand`, node, 'B');
  const transB = isGemm && node.getInt('transB', 0) === 1;
  const [N, K] = transB ? [bt.shape[0]!, bt.shape[1]!] : [bt.shape[1]!, bt.shape[0]!];
  const alpha = isGemm ? node.getFloat('alpha', 1) : 1;
  const beta = isGemm ? node.getFloat('beta', 1) : 1;
  const r0 = ctx.rep(a, node);
  const rank = r0.shape.length;
  if (r0.shape[rank - 1] !== K) unsupported(`inner dimensions differ (${r0.shape[rank - 1]} vs ${K})`, node, 'B');
  if (isGemm && rank !== 2) unsupported('Gemm input must be 2-D', node, 'A');

  const tail = findTail(ctx, node, { channels: N, axis: rank - 1, rank });
  const bias = new Float32Array(N);
  if (isGemm && node.input(2) !== null) {
    const c = ctx.floatConst(node.input(2));
    const ct = ctx.constOf(node.input(2));
    if (c === undefined || (ct!.size !== N && ct!.size !== 1) || (ct!.shape.length === 2 && ct!.shape[0] !== 1))
      unsupported('Gemm C must be a constant per-output bias', node, 'C');
    for (let i = 0; i < N; i++) bias[i] = beta * c[c.length === 1 ? 0 : i]!;
  }
  if (tail.bias !== undefined) for (let i = 0; i < N; i++) bias[i]! += tail.bias[i]!;

  const plan = int8Plan(ctx, node, a, b, tail, transB ? 0 : 1);
  let xr: Rep = plan !== undefined ? plan.x : ctx.float(r0);
  const rowPerm = xr.rowPerm;
  if (rowPerm === undefined) xr = ctx.inLayout(xr, identity(rank), node);
  const base = node.name || tail.out.name;
  const outShape = [...r0.shape.slice(0, -1), N];
  let wv: Value;
  let bv: Value;
  let hybrid = false;
  if (plan !== undefined) {
    let w: Int8Array = transB ? plan.weights : permuteData(plan.weights, [K, N], [1, 0]);
    if (rowPerm !== undefined) w = permuteColumns(w, N, K, rowPerm);
    const wScale: Float32Array = Float32Array.from(plan.weightScale, (s) => s * alpha);
    if (wScale.length > 1) {
      const out = perChannelDense(ctx, xr.value, { w, scale: wScale, bias }, [N, K], outShape, tail, plan);
      finishTail(ctx, tail, plan, { value: out, shape: outShape, layout: identity(outShape.length) });
      return;
    }
    const wQuant: QuantParams = { dtype: 'int8', scale: wScale, zeroPoint: new Int32Array(1) };
    wv = ctx.addConst(`${base}_weights`, tensorFromValues('int8', [N, K], w), wQuant);
    const qb = quantizeBias(bias, xr.value.quant!.scale[0]!, wScale);
    const bQuant: QuantParams = { dtype: 'int32', scale: qb.scale.subarray(0, 1), zeroPoint: new Int32Array(1) };
    bv = ctx.addConst(`${base}_bias`, tensorFromValues('int32', [N], qb.data), bQuant);
  } else {
    const raw = ctx.floatConst(b)!;
    let w = transB ? Float32Array.from(raw) : permuteData(raw, [K, N], [1, 0]);
    if (alpha !== 1) w = w.map((x) => x * alpha);
    if (rowPerm !== undefined) w = permuteColumns(w, N, K, rowPerm);
    if (ctx.mode === 'dynamic-int8') {
      // Per tensor: the hybrid FULLY_CONNECTED kernel of the TFLite runtimes we test against
      // ignores per-channel weight scales (outputs ~1e3 off on mnist-8); conv kernels honour them.
      const q = quantizeSymmetricPerAxis(w, [1, N * K], 0);
      wv = ctx.addConst(`${base}_weights`, tensorFromValues('int8', [N, K], q.data), {
        dtype: 'int8',
        scale: q.scale,
        zeroPoint: new Int32Array(1),
      });
      bv = ctx.addConst(`${base}_bias`, tensorFromValues('float32', [N], bias));
      hybrid = true;
    } else if (ctx.int8 && storedInt8(ctx, b, transB ? 0 : 1) && alpha === 1) {
      const wq = ctx.qconstOf(b)!;
      let data = transB ? int8Values(wq.tensor)! : permuteData(int8Values(wq.tensor)!, [K, N], [1, 0]);
      if (rowPerm !== undefined) data = permuteColumns(data, N, K, rowPerm);
      const quant: QuantParams = {
        dtype: 'int8',
        scale: wq.quant.scale,
        zeroPoint: new Int32Array(wq.quant.scale.length),
      };
      if (wq.quant.scale.length > 1) quant.axis = 0;
      wv = ctx.dequantizedWeight(`${base}_weights`, data, [N, K], quant);
      bv = ctx.floatWeight(`${base}_bias`, bias, [N]);
    } else {
      wv = sparseFloatWeight(ctx, `${base}_weights`, w, [N, K]) ?? ctx.floatWeight(`${base}_weights`, w, [N, K]);
      bv = ctx.floatWeight(`${base}_bias`, bias, [N]);
    }
  }
  const options = {
    fused_activation_function: attr.string(tail.act),
    keep_num_dims: attr.int(rank > 2 ? 1 : 0),
    asymmetric_quantize_inputs: attr.int(hybrid ? 1 : 0),
  };
  const tflShape = rank > 2 ? outShape : [outShape.slice(0, -1).reduce((p, d) => p * d, 1), N];
  const out = ctx.op(
    'FULLY_CONNECTED',
    [xr.value, wv, bv],
    options,
    tflShape,
    plan !== undefined ? 'int8' : 'float32',
    tail.out.name,
    plan?.out,
    { hybrid },
  );
  finishTail(ctx, tail, plan, { value: out, shape: outShape, layout: identity(outShape.length) });
}
