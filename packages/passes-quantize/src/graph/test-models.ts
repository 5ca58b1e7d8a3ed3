// Small float models built through the IR, for graph tests and benchmarks (not exported).
import { float32Tensor, int64Tensor, Model, attr, type Node, type Tensor, type Value, mulberry32 } from '@enxuto/ir';
import type { CalibrationBatch } from '../calibrate/session.js';

function seeded(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() - 0.5;
}

export function randomTensor(shape: number[], seed: number, scale = 1): Tensor {
  const r = seeded(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = r() * 2 * scale;
  return float32Tensor(shape, data);
}

/** x[1,2,4,4] -> Conv(3) -> Add bias -> Relu -> MaxPool 2x2 -> Reshape [1,12] -> MatMul [12,5] -> Add [5]. */
export function tinyConvNet(): Model {
  const m = new Model();
  m.opsetImports.set('', 8);
  m.irVersion = 3;
  const g = m.graph;
  const x = g.addInput('x', { kind: 'tensor', dtype: 'float32', shape: [1, 2, 4, 4] });
  const w = g.addInitializer('W', randomTensor([3, 2, 1, 1], 1));
  const b = g.addInitializer('B', randomTensor([3, 1, 1], 2, 0.1));
  const conv = g.addNode({
    opType: 'Conv',
    name: 'conv',
    inputs: [x, w],
    outputs: ['conv_out'],
    attributes: { kernel_shape: attr.ints([1, 1]) },
  });
  const add = g.addNode({ opType: 'Add', name: 'add', inputs: [conv.outputs[0]!, b], outputs: ['add_out'] });
  const relu = g.addNode({ opType: 'Relu', name: 'relu', inputs: [add.outputs[0]!], outputs: ['relu_out'] });
  const pool = g.addNode({
    opType: 'MaxPool',
    name: 'pool',
    inputs: [relu.outputs[0]!],
    outputs: ['pool_out'],
    attributes: { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) },
  });
  const shape = g.addInitializer('shape', int64Tensor([2], [1, 12]));
  const flat = g.addNode({ opType: 'Reshape', name: 'flat', inputs: [pool.outputs[0]!, shape], outputs: ['flat_out'] });
  const fw = g.addInitializer('FW', randomTensor([12, 5], 3));
  const fb = g.addInitializer('FB', randomTensor([5], 4, 0.1));
  const mm = g.addNode({ opType: 'MatMul', name: 'fc', inputs: [flat.outputs[0]!, fw], outputs: ['fc_out'] });
  const out = g.addNode({ opType: 'Add', name: 'fc_bias', inputs: [mm.outputs[0]!, fb], outputs: ['y'] });
  out.outputs[0]!.type = { kind: 'tensor', dtype: 'float32', shape: [1, 5] };
  g.setOutputs([out.outputs[0]!]);
  return m;
}

/** MLP on [batch, width]: `layers` Gemm+Relu of width x width, then Gemm to 10 classes. */
export function randomMlp(width = 1024, layers = 3, batch: number | string = 'N'): Model {
  const m = new Model();
  const g = m.graph;
  let x = g.addInput('x', { kind: 'tensor', dtype: 'float32', shape: [batch, width] });
  for (let i = 0; i < layers; i++) {
    const w = g.addInitializer(`fc${i}.weight`, randomTensor([width, width], 10 + i, Math.sqrt(3 / width)));
    const b = g.addInitializer(`fc${i}.bias`, randomTensor([width], 100 + i, 0.05));
    const gemm = g.addNode({ opType: 'Gemm', name: `fc${i}`, inputs: [x, w, b], outputs: [`fc${i}_out`] });
    x = g.addNode({ opType: 'Relu', name: `relu${i}`, inputs: [gemm.outputs[0]!], outputs: [`relu${i}_out`] })
      .outputs[0]!;
  }
  const w = g.addInitializer('head.weight', randomTensor([width, 10], 99, Math.sqrt(3 / width)));
  const b = g.addInitializer('head.bias', randomTensor([10], 98, 0.05));
  const out = g.addNode({ opType: 'Gemm', name: 'head', inputs: [x, w, b], outputs: ['logits'] }).outputs[0]!;
  out.type = { kind: 'tensor', dtype: 'float32', shape: [batch, 10] };
  g.setOutputs([out]);
  return m;
}

/** Conv net on [batch, 3, size, size]: 3->c, c->c, pool, c->2c, 2c->2c (3x3, Relu), global pool, Gemm. */
export function randomConvNet(channels = 64, size = 32, batch: number | string = 'N'): Model {
  const m = new Model();
  const g = m.graph;
  let x = g.addInput('x', { kind: 'tensor', dtype: 'float32', shape: [batch, 3, size, size] });
  const convs: [number, number][] = [
    [3, channels],
    [channels, channels],
    [channels, 2 * channels],
    [2 * channels, 2 * channels],
  ];
  convs.forEach(([cin, cout], i) => {
    const w = g.addInitializer(`conv${i}.weight`, randomTensor([cout, cin, 3, 3], 20 + i, Math.sqrt(3 / (cin * 9))));
    const b = g.addInitializer(`conv${i}.bias`, randomTensor([cout], 200 + i, 0.05));
    const conv = g.addNode({
      opType: 'Conv',
      name: `conv${i}`,
      inputs: [x, w, b],
      outputs: [`conv${i}_out`],
      attributes: { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]) },
    });
    x = g.addNode({ opType: 'Relu', name: `relu${i}`, inputs: [conv.outputs[0]!], outputs: [`relu${i}_out`] })
      .outputs[0]!;
    if (i === 1) {
      x = g.addNode({
        opType: 'MaxPool',
        name: 'pool',
        inputs: [x],
        outputs: ['pool_out'],
        attributes: { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) },
      }).outputs[0]!;
    }
  });
  x = g.addNode({ opType: 'GlobalAveragePool', name: 'gap', inputs: [x], outputs: ['gap_out'] }).outputs[0]!;
  x = g.addNode({ opType: 'Flatten', name: 'flatten', inputs: [x], outputs: ['flat'] }).outputs[0]!;
  const w = g.addInitializer('head.weight', randomTensor([2 * channels, 10], 97, Math.sqrt(3 / (2 * channels))));
  const b = g.addInitializer('head.bias', randomTensor([10], 96, 0.05));
  const out = g.addNode({ opType: 'Gemm', name: 'head', inputs: [x, w, b], outputs: ['logits'] }).outputs[0]!;
  out.type = { kind: 'tensor', dtype: 'float32', shape: [batch, 10] };
  g.setOutputs([out]);
  return m;
}

/** `count` batches of uniform [-1, 1) inputs for a single-input model. */
export function randomBatches(shape: number[], count: number, seed = 7): CalibrationBatch[] {
  const out: CalibrationBatch[] = [];
  for (let i = 0; i < count; i++) {
    const t = randomTensor(shape, seed + i, 1);
    out.push({ feeds: { x: { dtype: 'float32', shape, data: t.toFloat32() } }, samples: shape[0]! });
  }
  return out;
}

/** x[N,4,6,6] -> Conv a -> Clip(0,6) -> Conv b -> Add(clip, b) -> Relu -> Conv c -> y. */
export function residualRelu6Net(): Model {
  const m = new Model();
  m.opsetImports.set('', 13);
  const g = m.graph;
  const x = g.addInput('x', { kind: 'tensor', dtype: 'float32', shape: ['N', 4, 6, 6] });
  const conv = (name: string, input: Node['inputs'][number], seed: number, scale: number) =>
    g.addNode({
      opType: 'Conv',
      name,
      inputs: [input, g.addInitializer(`${name}_w`, randomTensor([8, input === x ? 4 : 8, 3, 3], seed, scale))],
      outputs: [name === 'c' ? 'y' : `${name}_out`],
      attributes: { pads: attr.ints([1, 1, 1, 1]) },
    }).outputs[0]!;
  const a = conv('a', x, 1, 2);
  const lo = g.addInitializer('lo', float32Tensor([], [0]));
  const hi = g.addInitializer('hi', float32Tensor([], [6]));
  const clip = g.addNode({ opType: 'Clip', name: 'relu6', inputs: [a, lo, hi], outputs: ['clip_out'] }).outputs[0]!;
  const b = conv('b', clip, 2, 0.3);
  const sum = g.addNode({ opType: 'Add', name: 'res', inputs: [clip, b], outputs: ['sum'] }).outputs[0]!;
  const relu = g.addNode({ opType: 'Relu', name: 'relu', inputs: [sum], outputs: ['relu_out'] }).outputs[0]!;
  const y = conv('c', relu, 3, 0.3);
  y.type = { kind: 'tensor', dtype: 'float32', shape: ['N', 8, 6, 6] };
  g.setOutputs([y]);
  return m;
}

/** x[N,4,6,6] -> Conv a -> SiLU (a * Sigmoid(a)) -> Conv b -> LeakyRelu(0.1) -> Conv c -> y. */
export function siluLeakyNet(): Model {
  const m = new Model();
  m.opsetImports.set('', 13);
  const g = m.graph;
  const x = g.addInput('x', { kind: 'tensor', dtype: 'float32', shape: ['N', 4, 6, 6] });
  const conv = (name: string, input: Node['inputs'][number], seed: number, scale: number) =>
    g.addNode({
      opType: 'Conv',
      name,
      inputs: [input, g.addInitializer(`${name}_w`, randomTensor([8, input === x ? 4 : 8, 3, 3], seed, scale))],
      outputs: [name === 'c' ? 'y' : `${name}_out`],
      attributes: { pads: attr.ints([1, 1, 1, 1]) },
    }).outputs[0]!;
  const a = conv('a', x, 1, 1);
  const sig = g.addNode({ opType: 'Sigmoid', name: 'sigmoid', inputs: [a], outputs: ['sig_out'] }).outputs[0]!;
  const silu = g.addNode({ opType: 'Mul', name: 'silu', inputs: [a, sig], outputs: ['silu_out'] }).outputs[0]!;
  const b = conv('b', silu, 2, 0.3);
  const leaky = g.addNode({
    opType: 'LeakyRelu',
    name: 'leaky',
    inputs: [b],
    outputs: ['leaky_out'],
    attributes: { alpha: attr.float(0.1) },
  }).outputs[0]!;
  const y = conv('c', leaky, 3, 0.3);
  y.type = { kind: 'tensor', dtype: 'float32', shape: ['N', 8, 6, 6] };
  g.setOutputs([y]);
  return m;
}

/**
 * MobileNetV3's activations: x[N,4,6,6] -> Conv a -> HardSwish -> Conv b -> squeeze-excite
 * (GlobalAveragePool -> Conv -> HardSigmoid(alpha 0.2) -> Mul with b) -> Conv c -> y; 16 channels.
 */
export function hardSwishNet(): Model {
  const m = new Model();
  m.opsetImports.set('', 14);
  const g = m.graph;
  const x = g.addInput('x', { kind: 'tensor', dtype: 'float32', shape: ['N', 4, 6, 6] });
  const conv = (name: string, input: Value, seed: number, k = 3) =>
    g.addNode({
      opType: 'Conv',
      name,
      inputs: [input, g.addInitializer(`${name}_w`, randomTensor([16, input === x ? 4 : 16, k, k], seed, 0.5))],
      outputs: [name === 'c' ? 'y' : `${name}_out`],
      attributes: { pads: attr.ints(Array(4).fill((k - 1) / 2)) },
    }).outputs[0]!;
  const node = (opType: string, name: string, inputs: Value[]) =>
    g.addNode({ opType, name, inputs, outputs: [`${name}_out`] }).outputs[0]!;
  const a = node('HardSwish', 'hardswish', [conv('a', x, 1)]);
  const b = conv('b', a, 2);
  const squeezed = conv('fc', node('GlobalAveragePool', 'pool', [b]), 3, 1);
  const gate = g.addNode({
    opType: 'HardSigmoid',
    name: 'gate',
    inputs: [squeezed],
    outputs: ['gate_out'],
    attributes: { alpha: attr.float(0.2) },
  }).outputs[0]!;
  const y = conv('c', node('Mul', 'excite', [b, gate]), 4);
  y.type = { kind: 'tensor', dtype: 'float32', shape: ['N', 16, 6, 6] };
  g.setOutputs([y]);
  return m;
}

/** Largest magnitude of `a`, largest |a - b| and the cosine of a and b. */
export function compareOutputs(a: Float32Array, b: Float32Array): { peak: number; worst: number; cosine: number } {
  let peak = 0;
  let worst = 0;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let k = 0; k < a.length; k++) {
    peak = Math.max(peak, Math.abs(a[k]!));
    worst = Math.max(worst, Math.abs(a[k]! - b[k]!));
    ab += a[k]! * b[k]!;
    aa += a[k]! * a[k]!;
    bb += b[k]! * b[k]!;
  }
  return { peak, worst, cosine: ab / Math.sqrt(aa * bb) };
}
