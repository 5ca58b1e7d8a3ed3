// Conv (regular and depthwise), ConvTranspose and the pools: NHWC activations, OHWI / 1HWO
// weights, bias Add and activation fused, int8 kernels when the QDQ pattern allows.
import { attr, tensorFromValues, type Node, type QuantParams, type Value } from '@enxuto/ir';
import { unsupported, type ExportContext, type Rep } from './context.js';
import { findOutputQuantize, findTail, type Tail } from './fusion.js';
import { NHWC, applyLayout } from './layout.js';
import { int8Values, qdqParams } from './qdq.js';
import { onnxWindow, tflitePadding, type Window } from './spatial.js';
import { sparseFloatWeight } from './sparse-weights.js';
import { permuteData, quantizeBias, quantizeSymmetricPerAxis } from './weights.js';

function pair(node: Node, name: string, fallback: number): [number, number] {
  const v = node.getInts(name);
  if (v !== undefined && v.length !== 2)
    unsupported(`${name} has ${v.length} values; only 2-D windows are supported`, node, name);
  return v === undefined ? [fallback, fallback] : [v[0]!, v[1]!];
}

function windowOf(node: Node, hw: [number, number], kernel: [number, number]): Window {
  const strides = pair(node, 'strides', 1);
  const dilations = pair(node, 'dilations', 1);
  const pads = node.getInts('pads', [0, 0, 0, 0]);
  // Model files are untrusted: sizes that would give NaN or negative shapes are refused here.
  for (const [name, values, min] of [
    ['kernel_shape', kernel, 1],
    ['strides', strides, 1],
    ['dilations', dilations, 1],
    ['pads', pads, 0],
  ] as const) {
    if (values.some((v) => !Number.isSafeInteger(v) || v < min || v > 2 ** 20))
      unsupported(`${name} [${values.join(', ')}] is out of range`, node, name);
  }
  const w = onnxWindow(
    hw,
    kernel,
    strides,
    dilations,
    node.getString('auto_pad', 'NOTSET'),
    pads,
    node.getInt('ceil_mode', 0) === 1,
  );
  if (w.out.some((d) => !(d >= 1)))
    unsupported(`the window does not fit the ${hw.join('x')} input`, node, 'kernel_shape');
  return w;
}

/** NHWC input, padded explicitly when TFLite's SAME/VALID cannot express the ONNX pads. */
function paddedInput(
  ctx: ExportContext,
  node: Node,
  x: Rep,
  w: Window,
  padValue: 'zero' | 'lowest',
): { x: Rep; padding: 'SAME' | 'VALID' } {
  const hw: [number, number] = [x.shape[2]!, x.shape[3]!];
  const p = tflitePadding(hw, w);
  if (p.explicit === undefined) return { x, padding: p.padding };
  const [t, l, b, r] = p.explicit;
  const shape = [x.shape[0]!, x.shape[1]!, hw[0] + t + b, hw[1] + l + r];
  const valid = (i: 0 | 1) => Math.floor((shape[2 + i]! - ((w.kernel[i] - 1) * w.dilations[i] + 1)) / w.strides[i]) + 1;
  if (valid(0) !== w.out[0] || valid(1) !== w.out[1])
    unsupported('ceil_mode with these pads has no TFLite form', node, 'ceil_mode');
  const paddings = ctx.int32Const('paddings', [0, 0, t, b, l, r, 0, 0], [4, 2]);
  const dtype = x.value.dtype ?? 'float32';
  const tflShape = applyLayout(shape, NHWC);
  let out: Value;
  if (padValue === 'lowest') {
    const fill =
      x.value.quant !== undefined
        ? tensorFromValues('int8', [], [-128])
        : tensorFromValues('float32', [], [-3.4028234663852886e38]);
    out = ctx.op(
      'PADV2',
      [x.value, paddings, ctx.addConst('pad_value', fill, x.value.quant)],
      {},
      tflShape,
      dtype,
      `${x.value.name}_padded`,
      x.value.quant,
    );
  } else {
    out = ctx.op('PAD', [x.value, paddings], {}, tflShape, dtype, `${x.value.name}_padded`, x.value.quant);
  }
  return { x: { value: out, shape, layout: NHWC }, padding: 'VALID' };
}

/** The int8 plan of a compute op, or undefined when it must run in float. */
export interface Int8Plan {
  x: Rep;
  weights: Int8Array;
  weightScale: Float32Array;
  out: QuantParams;
  qnode: Node;
}

export function int8Plan(
  ctx: ExportContext,
  node: Node,
  x: Value,
  w: Value | null,
  tail: Tail,
  weightAxis = 0,
): Int8Plan | undefined {
  if (!ctx.int8) return undefined;
  const xr = ctx.rep(x, node);
  const xq = xr.value.quant;
  const wq = ctx.qconstOf(w);
  const qnode = findOutputQuantize(ctx, tail.out);
  if (xq === undefined || xq.scale.length !== 1 || wq === undefined || qnode === undefined) return undefined;
  const weights = int8Values(wq.tensor);
  const shift = wq.tensor.dtype === 'uint8' ? -128 : 0;
  if (weights === undefined || !wq.quant.zeroPoint.every((z) => z + shift === 0)) return undefined;
  if (wq.quant.scale.length > 1 && wq.quant.axis !== weightAxis) return undefined;
  const out = qdqParams(ctx, qnode, xr.shape.length);
  if (out === undefined || out.scale.length !== 1) return undefined;
  return { x: xr, weights, weightScale: wq.quant.scale, out, qnode };
}

export function finishTail(ctx: ExportContext, tail: Tail, plan: Int8Plan | undefined, rep: Rep): void {
  for (const n of tail.nodes) ctx.absorbed.add(n);
  const perm = tail.perm;
  if (perm !== undefined)
    rep = { value: rep.value, shape: perm.map((p) => rep.shape[p]!), layout: rep.layout.map((d) => perm.indexOf(d)) };
  ctx.bind(tail.out, rep);
  if (plan !== undefined) {
    ctx.absorbed.add(plan.qnode);
    ctx.bind(plan.qnode.output(), rep);
  }
}

export function exportConv(ctx: ExportContext, node: Node): void {
  const x = node.input(0)!;
  const w = node.input(1);
  const wt = ctx.constOf(w);
  if (wt === undefined || wt.shape.length !== 4) unsupported('Conv needs constant 2-D (OIHW) weights', node, 'W');
  const [O, Ipg, kh, kw] = wt.shape as [number, number, number, number];
  const xr0 = ctx.rep(x, node);
  if (xr0.shape.length !== 4) unsupported('only 2-D convolutions (NCHW inputs) are supported', node, 'X');
  const C = xr0.shape[1]!;
  const group = node.getInt('group', 1);
  const depthwise = group > 1 && group === C && Ipg === 1;
  if (group !== 1 && !depthwise)
    unsupported(`grouped convolution (group ${group} of ${C} channels) has no TFLite op`, node, 'group');
  const win = windowOf(node, [xr0.shape[2]!, xr0.shape[3]!], [kh, kw]);
  const tail = findTail(ctx, node, { channels: O, axis: 1, rank: 4 });
  const bias = new Float32Array(O);
  const b0 = ctx.floatConst(node.input(2));
  if (node.input(2) !== null && b0 === undefined) unsupported('Conv bias must be constant', node, 'B');
  for (let c = 0; c < O; c++) bias[c] = (b0?.[c] ?? 0) + (tail.bias?.[c] ?? 0);

  const plan = int8Plan(ctx, node, x, w, tail);
  const outParams = plan?.out;

  const xin = plan !== undefined ? ctx.inLayout(plan.x, NHWC, node) : ctx.input(x, node, NHWC);
  const { x: xp, padding } = paddedInput(ctx, node, xin, win, 'zero');
  const outShape = [xr0.shape[0]!, O, win.out[0], win.out[1]];
  const wPerm = depthwise ? [1, 2, 3, 0] : [0, 2, 3, 1];
  const wShape = applyLayout([O, Ipg, kh, kw], wPerm);
  const qAxis = depthwise ? 3 : 0;
  const options = {
    padding: attr.string(padding),
    stride_h: attr.int(win.strides[0]),
    stride_w: attr.int(win.strides[1]),
    dilation_h_factor: attr.int(win.dilations[0]),
    dilation_w_factor: attr.int(win.dilations[1]),
    fused_activation_function: attr.string(tail.act),
    ...(depthwise ? { depth_multiplier: attr.int(O / C) } : {}),
  };
  const opType = depthwise ? 'DEPTHWISE_CONV_2D' : 'CONV_2D';
  const base = node.name || tail.out.name;
  let wv: Value;
  let bv: Value;
  let hybrid = false;
  if (plan !== undefined) {
    const data = permuteData(plan.weights, [O, Ipg, kh, kw], wPerm);
    const wQuant: QuantParams = {
      dtype: 'int8',
      scale: plan.weightScale,
      zeroPoint: new Int32Array(plan.weightScale.length),
    };
    if (plan.weightScale.length > 1) wQuant.axis = qAxis;
    wv = ctx.addConst(`${base}_weights`, tensorFromValues('int8', wShape, data), wQuant);
    const qb = quantizeBias(bias, xp.value.quant!.scale[0]!, plan.weightScale);
    const bQuant: QuantParams = { dtype: 'int32', scale: qb.scale, zeroPoint: new Int32Array(O) };
    if (O > 1) bQuant.axis = 0;
    bv = ctx.addConst(`${base}_bias`, tensorFromValues('int32', [O], qb.data), bQuant);
  } else {
    const wf = permuteData(ctx.floatConst(w)!, [O, Ipg, kh, kw], wPerm);
    if (ctx.mode === 'dynamic-int8') {
      const q = quantizeSymmetricPerAxis(wf, wShape, qAxis);
      const wQuant: QuantParams = {
        dtype: 'int8',
        scale: q.scale,
        zeroPoint: new Int32Array(q.scale.length),
        axis: qAxis,
      };
      wv = ctx.addConst(`${base}_weights`, tensorFromValues('int8', wShape, q.data), wQuant);
      hybrid = true;
    } else {
      const sparse = opType === 'CONV_2D' ? sparseFloatWeight(ctx, `${base}_weights`, wf, wShape) : undefined;
      wv = sparse ?? ctx.floatWeight(`${base}_weights`, wf, wShape);
    }
    bv =
      ctx.mode === 'dynamic-int8'
        ? ctx.addConst(`${base}_bias`, tensorFromValues('float32', [O], bias))
        : ctx.floatWeight(`${base}_bias`, bias, [O]);
  }
  const out = ctx.op(
    opType,
    [xp.value, wv, bv],
    options,
    applyLayout(outShape, NHWC),
    plan !== undefined ? 'int8' : 'float32',
    tail.out.name,
    plan !== undefined ? outParams : undefined,
    { hybrid },
  );
  finishTail(ctx, tail, plan, { value: out, shape: outShape, layout: NHWC });
}

export function exportConvTranspose(ctx: ExportContext, node: Node): void {
  const x = node.input(0)!;
  const w = node.input(1);
  const wt = ctx.constOf(w);
  if (wt === undefined || wt.shape.length !== 4) unsupported('ConvTranspose needs constant 2-D weights', node, 'W');
  const [Ci, Opg, kh, kw] = wt.shape as [number, number, number, number];
  if (node.getInt('group', 1) !== 1) unsupported('grouped ConvTranspose has no TFLite op', node, 'group');
  if (pair(node, 'dilations', 1).some((d) => d !== 1))
    unsupported('dilated ConvTranspose has no TFLite op', node, 'dilations');
  const xr = ctx.input(x, node, NHWC);
  const [N, , H, W] = xr.shape as [number, number, number, number];
  const [sh, sw] = pair(node, 'strides', 1);
  const autoPad = node.getString('auto_pad', 'NOTSET');
  const pads = node.getInts('pads', [0, 0, 0, 0]);
  const validOut: [number, number] = [(H - 1) * sh + kh, (W - 1) * sw + kw];
  let padding: 'SAME' | 'VALID';
  let outHW: [number, number];
  const outputPadding = node.getInts('output_padding', [0, 0]);
  const outputShape = node.getInts('output_shape');
  if (autoPad === 'VALID' || (autoPad === 'NOTSET' && pads.every((p) => p === 0))) {
    // output_padding adds rows/columns at the end that no input reaches: TFLite's VALID
    // TRANSPOSE_CONV with that larger output_shape leaves them at the bias as well.
    padding = 'VALID';
    outHW = [validOut[0] + outputPadding[0]!, validOut[1] + outputPadding[1]!];
    if (outputShape !== undefined && (outputShape[0] !== outHW[0] || outputShape[1] !== outHW[1]))
      unsupported('ConvTranspose output_shape other than the VALID size has no TFLite form', node, 'output_shape');
    if (outputPadding.some((p, i) => p < 0 || p >= [sh, sw][i]!))
      unsupported('ConvTranspose output_padding must be below the stride', node, 'output_padding');
  } else {
    if (outputPadding.some((p) => p !== 0))
      unsupported('ConvTranspose output_padding with SAME padding has no TFLite form', node, 'output_padding');
    if (outputShape !== undefined && (outputShape[0] !== H * sh || outputShape[1] !== W * sw))
      unsupported('ConvTranspose output_shape other than input * stride has no TFLite SAME form', node, 'output_shape');
    outHW = [H * sh, W * sw];
    const totals = [validOut[0] - outHW[0], validOut[1] - outHW[1]];
    const same = [
      Math.floor(totals[0]! / 2),
      Math.floor(totals[1]! / 2),
      totals[0]! - Math.floor(totals[0]! / 2),
      totals[1]! - Math.floor(totals[1]! / 2),
    ];
    const given = autoPad === 'NOTSET' && outputShape === undefined ? pads : same;
    if (autoPad === 'SAME_LOWER' || !given.every((p, i) => p === same[i]))
      unsupported('ConvTranspose pads other than VALID or SAME_UPPER have no TFLite form', node, 'pads');
    padding = 'SAME';
  }
  const tail = findTail(ctx, node, { channels: Opg, axis: 1, rank: 4 });
  if (tail.act !== 'NONE') {
    // TRANSPOSE_CONV takes a fused activation only from version 4 on; keep the activation separate.
    tail.nodes.pop();
    tail.out = tail.nodes.length > 0 ? tail.nodes.at(-1)!.output() : node.output();
    tail.act = 'NONE';
  }
  const bias = new Float32Array(Opg);
  const b0 = ctx.floatConst(node.input(2));
  for (let c = 0; c < Opg; c++) bias[c] = (b0?.[c] ?? 0) + (tail.bias?.[c] ?? 0);
  const outShape = [N, Opg, outHW[0], outHW[1]];
  const tflOut = applyLayout(outShape, NHWC);
  const base = node.name || tail.out.name;
  const wf = permuteData(ctx.floatConst(w)!, [Ci, Opg, kh, kw], [1, 2, 3, 0]);
  const wv = ctx.floatWeight(`${base}_weights`, wf, [Opg, kh, kw, Ci]);
  const bv = ctx.floatWeight(`${base}_bias`, bias, [Opg]);
  const options = {
    padding: attr.string(padding),
    stride_h: attr.int(sh),
    stride_w: attr.int(sw),
    fused_activation_function: attr.string('NONE'),
  };
  const out = ctx.op(
    'TRANSPOSE_CONV',
    [ctx.int32Const('output_shape', tflOut), wv, xr.value, bv],
    options,
    tflOut,
    'float32',
    tail.out.name,
  );
  finishTail(ctx, tail, undefined, { value: out, shape: outShape, layout: NHWC });
}

export function exportPool(ctx: ExportContext, node: Node): void {
  const x = node.input(0)!;
  const r0 = ctx.rep(x, node);
  if (r0.shape.length !== 4) unsupported('only 2-D pooling (NCHW inputs) is supported', node, 'X');
  const isMax = node.opType === 'MaxPool';
  if (node.outputs.length > 1 && node.outputs[1] !== null)
    unsupported('MaxPool indices output has no TFLite form', node, 'Indices');
  if (node.getInts('kernel_shape') === undefined)
    unsupported(`${node.opType} needs kernel_shape`, node, 'kernel_shape');
  const kernel = pair(node, 'kernel_shape', 1);
  const win = windowOf(node, [r0.shape[2]!, r0.shape[3]!], kernel);
  if (win.dilations.some((d) => d !== 1)) unsupported('dilated pooling has no TFLite op', node, 'dilations');
  const quantized = ctx.int8 && r0.value.quant !== undefined;
  const hw: [number, number] = [r0.shape[2]!, r0.shape[3]!];
  // A quantized average over the whole input is MEAN, which (unlike AVERAGE_POOL_2D) can round
  // straight to the following Q's parameters.
  const global = win.out[0] === 1 && win.out[1] === 1 && kernel[0] === hw[0] && kernel[1] === hw[1];
  if (quantized && !isMax && global && win.pads.every((v) => v === 0)) {
    exportMean(ctx, node, r0);
    return;
  }
  const xin = quantized ? ctx.inLayout(r0, NHWC, node) : ctx.input(x, node, NHWC);
  const p = tflitePadding(hw, win);
  if (!isMax && p.padding === 'SAME' && node.getInt('count_include_pad', 0) === 1 && win.pads.some((v) => v !== 0)) {
    unsupported('AveragePool count_include_pad=1 with padding has no TFLite form', node, 'count_include_pad');
  }
  if (!isMax && p.explicit !== undefined && node.getInt('count_include_pad', 0) === 0)
    unsupported('AveragePool with these pads (count_include_pad=0) has no TFLite form', node, 'pads');
  const { x: xp, padding } = paddedInput(ctx, node, xin, win, isMax ? 'lowest' : 'zero');
  const tail = findTail(ctx, node);
  const outShape = [r0.shape[0]!, r0.shape[1]!, win.out[0], win.out[1]];
  const options = {
    padding: attr.string(padding),
    stride_h: attr.int(win.strides[0]),
    stride_w: attr.int(win.strides[1]),
    filter_height: attr.int(kernel[0]),
    filter_width: attr.int(kernel[1]),
    fused_activation_function: attr.string(quantized ? 'NONE' : tail.act),
  };
  if (quantized) {
    // Max and average commute with the int8 mapping: run on int8 with the input's parameters.
    tail.nodes.length = 0;
    delete tail.perm;
    tail.out = node.output();
  }
  const out = ctx.op(
    isMax ? 'MAX_POOL_2D' : 'AVERAGE_POOL_2D',
    [xp.value],
    options,
    applyLayout(outShape, NHWC),
    quantized ? 'int8' : 'float32',
    tail.out.name,
    quantized ? xp.value.quant : undefined,
  );
  finishTail(ctx, tail, undefined, { value: out, shape: outShape, layout: NHWC });
}

export function exportGlobalAveragePool(ctx: ExportContext, node: Node): void {
  const r0 = ctx.rep(node.input(0)!, node);
  if (r0.shape.length !== 4) unsupported('only NCHW GlobalAveragePool is supported', node, 'X');
  exportMean(ctx, node, r0);
}

/** An average over all of H and W (NCHW `r0`) as MEAN over the NHWC spatial axes. */
function exportMean(ctx: ExportContext, node: Node, r0: Rep): void {
  const quantized = ctx.int8 && r0.value.quant !== undefined;
  const xin = quantized ? ctx.inLayout(r0, NHWC, node) : ctx.input(node.input(0)!, node, NHWC);
  const outShape = [r0.shape[0]!, r0.shape[1]!, 1, 1];
  // int8 MEAN rescales to its output's parameters: it takes the following Q's, so the mean is
  // rounded once, as in the QDQ model (the input's parameters and a REQUANTIZE round twice).
  const qnode = quantized ? findOutputQuantize(ctx, node.output()) : undefined;
  const qOut = qnode === undefined ? undefined : qdqParams(ctx, qnode, 4);
  const ownQuant = qOut !== undefined && qOut.scale.length === 1;
  const out = ctx.op(
    'MEAN',
    [xin.value, ctx.int32Const('axes', [1, 2])],
    { keep_dims: attr.int(1) },
    applyLayout(outShape, NHWC),
    quantized ? 'int8' : 'float32',
    node.output().name,
    quantized ? (ownQuant ? qOut : xin.value.quant) : undefined,
  );
  const rep = { value: out, shape: outShape, layout: NHWC };
  ctx.bind(node.output(), rep);
  if (ownQuant) {
    ctx.absorbed.add(qnode!);
    ctx.bind(qnode!.output(), rep);
  }
}
