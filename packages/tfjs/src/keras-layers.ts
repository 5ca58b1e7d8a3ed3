// Keras layers (layers-model topology) -> ONNX-domain IR ops. A fixed table keyed by class_name;
// an unknown class_name is an UnsupportedError. Nothing named in the file is instantiated.
import { attr, reshapeTensor, tensorFromValues, type Tensor, UnsupportedError, type Value } from '@enxuto/ir';
import type { ImportContext } from './import/context.js';
import {
  asArray,
  asBool,
  asFiniteNumber,
  asInt,
  asString,
  formatError,
  own,
  type JsonObject,
  type Where,
} from './json.js';
import { NCHW_TO_NHWC, NHWC_TO_NCHW, transposeTensor } from './kernels.js';

export interface KerasLayer {
  name: string;
  className: string;
  config: JsonObject;
  /** Keras 2 `inbound_nodes` as found in the file (functional models only). */
  inbound?: unknown;
  where: Where;
}

export interface LayerContext {
  ctx: ImportContext;
  /** The layer's weight `<layer>/<suffix>`; undefined when absent and optional. */
  weight(layer: KerasLayer, suffix: string, optional?: boolean): Tensor | undefined;
}

export type LayerImporter = (lc: LayerContext, layer: KerasLayer, inputs: Value[]) => Value;

function cfg(l: KerasLayer, key: string): unknown {
  return own(l.config, key);
}

function ints(l: KerasLayer, key: string, n: number, fallback?: number[]): number[] {
  const v = cfg(l, key);
  if ((v === undefined || v === null) && fallback) return fallback;
  if (typeof v === 'number') return new Array<number>(n).fill(asInt(v, l.where, `config.${key}`));
  const arr = asArray(v, l.where, `config.${key}`).map((x, i) => asInt(x, l.where, `config.${key}[${i}]`));
  if (arr.length !== n || arr.some((x) => x < 0))
    throw formatError(`config.${key} must be ${n} non-negative integers`, 'tfjs/bad-field', l.where, `config.${key}`);
  return arr;
}

function str(l: KerasLayer, key: string, fallback: string): string {
  const v = cfg(l, key);
  return v === undefined || v === null ? fallback : asString(v, l.where, `config.${key}`);
}

function bool(l: KerasLayer, key: string, fallback: boolean): boolean {
  const v = cfg(l, key);
  return v === undefined || v === null ? fallback : asBool(v, l.where, `config.${key}`);
}

function channelsLast(l: KerasLayer): void {
  const f = str(l, 'data_format', 'channels_last');
  if (f !== 'channels_last')
    throw new UnsupportedError(`data_format ${f} is not supported`, {
      code: 'tfjs/unsupported-attr',
      ...l.where,
      field: 'config.data_format',
    });
}

function onePad(l: KerasLayer): { auto_pad?: ReturnType<typeof attr.string>; pads?: ReturnType<typeof attr.ints> } {
  const p = str(l, 'padding', 'valid');
  if (p === 'same') return { auto_pad: attr.string('SAME_UPPER') };
  if (p === 'valid') return { pads: attr.ints([0, 0, 0, 0]) };
  throw formatError(`unknown padding '${p}'`, 'tfjs/bad-field', l.where, 'config.padding');
}

/** Keras activation names -> IR ops (a fixed list). */
export function applyActivation(ctx: ImportContext, name: string, x: Value, where: Where, base: string): Value {
  switch (name) {
    case 'linear':
      return x;
    case 'relu':
      return ctx.op('Relu', [x], {}, base);
    case 'relu6':
      return ctx.op('Clip', [x, ctx.floatScalar('zero', 0), ctx.floatScalar('six', 6)], {}, base);
    case 'sigmoid':
      return ctx.op('Sigmoid', [x], {}, base);
    case 'tanh':
      return ctx.op('Tanh', [x], {}, base);
    case 'softmax':
      return ctx.op('Softmax', [x], { axis: attr.int(-1) }, base);
    case 'elu':
      return ctx.op('Elu', [x], {}, base);
    case 'selu':
      return ctx.op('Selu', [x], {}, base);
    case 'softplus':
      return ctx.op('Softplus', [x], {}, base);
    case 'hard_sigmoid':
      return ctx.op('HardSigmoid', [x], { alpha: attr.float(0.2), beta: attr.float(0.5) }, base);
    case 'swish':
      return ctx.op('Mul', [x, ctx.op('Sigmoid', [x], {}, base)], {}, base);
    default:
      throw new UnsupportedError(`activation '${name}' is not supported`, {
        code: 'tfjs/unsupported-activation',
        ...where,
        field: 'config.activation',
      });
  }
}

function activationOf(lc: LayerContext, l: KerasLayer, x: Value): Value {
  return applyActivation(lc.ctx, str(l, 'activation', 'linear'), x, l.where, l.name);
}

function single(l: KerasLayer, inputs: Value[]): Value {
  if (inputs.length !== 1)
    throw formatError(
      `${l.className} takes one input, got ${inputs.length}`,
      'tfjs/bad-inbound',
      l.where,
      'inbound_nodes',
    );
  return inputs[0]!;
}

const dense: LayerImporter = (lc, l, inputs) => {
  const { ctx } = lc;
  const kernel = lc.weight(l, 'kernel')!;
  let y = ctx.op('MatMul', [single(l, inputs), ctx.constant(`${l.name}/kernel`, kernel)], {}, l.name);
  if (bool(l, 'use_bias', true))
    y = ctx.op('Add', [y, ctx.constant(`${l.name}/bias`, lc.weight(l, 'bias')!)], {}, l.name);
  return activationOf(lc, l, y);
};

function conv2d(depthwise: boolean): LayerImporter {
  return (lc, l, inputs) => {
    const { ctx } = lc;
    channelsLast(l);
    const x = ctx.transpose(single(l, inputs), NHWC_TO_NCHW, `${l.name}/to_nchw`);
    const k = lc.weight(l, depthwise ? 'depthwise_kernel' : 'kernel')!;
    if (k.shape.length !== 4)
      throw formatError(
        'kernel must have rank 4',
        'tfjs/bad-shape',
        { ...l.where, value: `${l.name}/kernel` },
        'shape',
      );
    const [h, w, c, m] = k.shape as [number, number, number, number];
    const oihw = depthwise
      ? transposeTensor(reshapeTensor(k, [h, w, 1, c * m]), [3, 2, 0, 1])
      : transposeTensor(k, [3, 2, 0, 1]);
    const convInputs = [x, ctx.constant(`${l.name}/kernel_oihw`, oihw)];
    if (bool(l, 'use_bias', true)) convInputs.push(ctx.constant(`${l.name}/bias`, lc.weight(l, 'bias')!));
    let y = ctx.op(
      'Conv',
      convInputs,
      {
        strides: attr.ints(ints(l, 'strides', 2, [1, 1])),
        dilations: attr.ints(ints(l, 'dilation_rate', 2, [1, 1])),
        ...(depthwise ? { group: attr.int(c) } : {}),
        ...onePad(l),
      },
      l.name,
    );
    y = ctx.transpose(y, NCHW_TO_NHWC, `${l.name}/to_nhwc`);
    return activationOf(lc, l, y);
  };
}

function pool2d(op: 'MaxPool' | 'AveragePool'): LayerImporter {
  return (lc, l, inputs) => {
    const { ctx } = lc;
    channelsLast(l);
    const size = ints(l, 'pool_size', 2, [2, 2]);
    const x = ctx.transpose(single(l, inputs), NHWC_TO_NCHW, `${l.name}/to_nchw`);
    const y = ctx.op(
      op,
      [x],
      { kernel_shape: attr.ints(size), strides: attr.ints(ints(l, 'strides', 2, size)), ...onePad(l) },
      l.name,
    );
    return ctx.transpose(y, NCHW_TO_NHWC, `${l.name}/to_nhwc`);
  };
}

function globalPool(op: 'ReduceMean' | 'ReduceMax'): LayerImporter {
  return (lc, l, inputs) => {
    channelsLast(l);
    return lc.ctx.op(
      op,
      [single(l, inputs), lc.ctx.int64s(`${l.name}/axes`, [1, 2])],
      { keepdims: attr.int(0) },
      l.name,
    );
  };
}

const reshape: LayerImporter = (lc, l, inputs) => {
  const target = asArray(cfg(l, 'target_shape'), l.where, 'config.target_shape').map((d, i) =>
    asInt(d, l.where, `config.target_shape[${i}]`),
  );
  if (target.some((d) => d < -1 || d === 0))
    throw formatError('target_shape has a bad dimension', 'tfjs/bad-shape', l.where, 'config.target_shape');
  // ONNX 0 copies the batch dimension; -1 is free for the batch only when the target has none.
  const shape = target.includes(-1) ? [0, ...target] : [-1, ...target];
  return lc.ctx.op('Reshape', [single(l, inputs), lc.ctx.int64s(`${l.name}/shape`, shape)], {}, l.name);
};

const batchNorm: LayerImporter = (lc, l, inputs) => {
  const axisJ = cfg(l, 'axis');
  const axis = Array.isArray(axisJ)
    ? axisJ.length === 1
      ? asInt(axisJ[0], l.where, 'config.axis[0]')
      : NaN
    : asInt(axisJ ?? -1, l.where, 'config.axis');
  if (axis !== -1 && axis !== 3)
    throw new UnsupportedError('BatchNormalization only on the last axis', {
      code: 'tfjs/unsupported-attr',
      ...l.where,
      field: 'config.axis',
    });
  const eps = asFiniteNumber(cfg(l, 'epsilon') ?? 0.001, l.where, 'config.epsilon');
  const mean = lc.weight(l, 'moving_mean')!.toFloat32();
  const variance = lc.weight(l, 'moving_variance')!.toFloat32();
  const c = mean.length;
  const gamma = bool(l, 'scale', true) ? lc.weight(l, 'gamma')!.toFloat32() : new Float32Array(c).fill(1);
  const beta = bool(l, 'center', true) ? lc.weight(l, 'beta')!.toFloat32() : new Float32Array(c);
  if (variance.length !== c || gamma.length !== c || beta.length !== c)
    throw formatError('batch-norm weights differ in length', 'tfjs/bad-shape', l.where, 'weights');
  const a = new Float32Array(c);
  const b = new Float32Array(c);
  for (let i = 0; i < c; i++) {
    a[i] = gamma[i]! / Math.sqrt(variance[i]! + eps);
    b[i] = beta[i]! - mean[i]! * a[i]!;
  }
  const { ctx } = lc;
  const y = ctx.op(
    'Mul',
    [single(l, inputs), ctx.constant(`${l.name}/scale`, tensorFromValues('float32', [c], a))],
    {},
    l.name,
  );
  return ctx.op('Add', [y, ctx.constant(`${l.name}/shift`, tensorFromValues('float32', [c], b))], {}, l.name);
};

/** ZeroPadding2D padding: n, [h, w] or [[top, bottom], [left, right]]. */
function paddingPairs(l: KerasLayer): [number, number, number, number] {
  const p = cfg(l, 'padding');
  const int = (v: unknown, field: string) => asInt(v, l.where, field);
  if (typeof p === 'number')
    return [p, p, p, p].map((v) => int(v, 'config.padding')) as [number, number, number, number];
  const arr = asArray(p, l.where, 'config.padding');
  if (arr.length !== 2) throw formatError('padding must have 2 entries', 'tfjs/bad-field', l.where, 'config.padding');
  const pair = (v: unknown, i: number): [number, number] => {
    if (!Array.isArray(v)) return [int(v, `config.padding[${i}]`), int(v, `config.padding[${i}]`)];
    if (v.length !== 2)
      throw formatError('padding pairs must have 2 entries', 'tfjs/bad-field', l.where, `config.padding[${i}]`);
    return [int(v[0], `config.padding[${i}][0]`), int(v[1], `config.padding[${i}][1]`)];
  };
  const [t, b] = pair(arr[0], 0);
  const [le, r] = pair(arr[1], 1);
  return [t, b, le, r];
}

const zeroPadding: LayerImporter = (lc, l, inputs) => {
  channelsLast(l);
  const [t, b, le, r] = paddingPairs(l);
  if ([t, b, le, r].some((v) => v < 0))
    throw formatError('negative padding', 'tfjs/bad-field', l.where, 'config.padding');
  return lc.ctx.op('Pad', [single(l, inputs), lc.ctx.int64s(`${l.name}/pads`, [0, t, le, 0, 0, b, r, 0])], {}, l.name);
};

function merge(op: 'Add' | 'Mul'): LayerImporter {
  return (lc, l, inputs) => {
    if (inputs.length < 2)
      throw formatError(`${l.className} needs at least 2 inputs`, 'tfjs/bad-inbound', l.where, 'inbound_nodes');
    return inputs.slice(1).reduce((acc, v) => lc.ctx.op(op, [acc, v], {}, l.name), inputs[0]!);
  };
}

export const KERAS_LAYERS: ReadonlyMap<string, LayerImporter> = new Map<string, LayerImporter>([
  ['Dense', dense],
  ['Conv2D', conv2d(false)],
  ['DepthwiseConv2D', conv2d(true)],
  ['MaxPooling2D', pool2d('MaxPool')],
  ['AveragePooling2D', pool2d('AveragePool')],
  ['GlobalAveragePooling2D', globalPool('ReduceMean')],
  ['GlobalMaxPooling2D', globalPool('ReduceMax')],
  ['Flatten', (lc, l, inputs) => lc.ctx.op('Flatten', [single(l, inputs)], { axis: attr.int(1) }, l.name)],
  ['Reshape', reshape],
  ['Dropout', (_lc, l, inputs) => single(l, inputs)],
  ['Activation', (lc, l, inputs) => activationOf(lc, l, single(l, inputs))],
  [
    'ReLU',
    (lc, l, inputs) => {
      const max = cfg(l, 'max_value');
      const x = single(l, inputs);
      if (max === undefined || max === null) return lc.ctx.op('Relu', [x], {}, l.name);
      const m = asFiniteNumber(max, l.where, 'config.max_value');
      return lc.ctx.op('Clip', [x, lc.ctx.floatScalar('zero', 0), lc.ctx.floatScalar(`${l.name}/max`, m)], {}, l.name);
    },
  ],
  [
    'LeakyReLU',
    (lc, l, inputs) =>
      lc.ctx.op(
        'LeakyRelu',
        [single(l, inputs)],
        { alpha: attr.float(asFiniteNumber(cfg(l, 'alpha') ?? 0.3, l.where, 'config.alpha')) },
        l.name,
      ),
  ],
  [
    'Softmax',
    (lc, l, inputs) =>
      lc.ctx.op(
        'Softmax',
        [single(l, inputs)],
        { axis: attr.int(asInt(cfg(l, 'axis') ?? -1, l.where, 'config.axis')) },
        l.name,
      ),
  ],
  ['BatchNormalization', batchNorm],
  ['ZeroPadding2D', zeroPadding],
  ['Add', merge('Add')],
  ['Multiply', merge('Mul')],
  [
    'Concatenate',
    (lc, l, inputs) =>
      lc.ctx.op('Concat', inputs, { axis: attr.int(asInt(cfg(l, 'axis') ?? -1, l.where, 'config.axis')) }, l.name),
  ],
]);
