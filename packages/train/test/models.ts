// Small IR models built by hand for the tests (Gemm MLPs and a tiny CNN), seeded initial weights.
import { attr, float32Tensor, Model, tensorType, type Value } from '@enxuto/ir';
import { int64Tensor } from '@enxuto/ir';
import { seededRandom } from '../src/train/rng.js';

function heInit(fanIn: number, count: number, rand: () => number): Float32Array {
  const out = new Float32Array(count);
  const scale = Math.sqrt(6 / fanIn); // uniform He: var = 2 / fanIn
  for (let i = 0; i < count; i++) out[i] = (rand() * 2 - 1) * scale;
  return out;
}

export interface MlpSpec {
  input: number;
  hidden: number[];
  classes: number;
  seed?: number;
  batchNorm?: boolean;
  dropout?: number;
}

/** x [N, input] -> (Gemm, [BatchNormalization], Relu, [Dropout])* -> Gemm -> logits [N, classes]. */
export function mlpModel(spec: MlpSpec): Model {
  const model = new Model();
  model.opsetImports.set('', 17);
  const g = model.graph;
  const rand = seededRandom(spec.seed ?? 1);
  let x: Value = g.addInput('x', tensorType('float32', ['N', spec.input]));
  let width = spec.input;
  const layers = [...spec.hidden, spec.classes];
  layers.forEach((units, i) => {
    const w = g.addInitializer(`fc${i}.weight`, float32Tensor([width, units], heInit(width, width * units, rand)));
    const b = g.addInitializer(`fc${i}.bias`, float32Tensor([units], new Float32Array(units)));
    x = g.addNode({ opType: 'Gemm', name: `fc${i}`, inputs: [x, w, b], outputs: [`fc${i}.out`] }).output(0);
    if (i === layers.length - 1) return;
    if (spec.batchNorm) {
      const p = (n: string, v: number) =>
        g.addInitializer(`bn${i}.${n}`, float32Tensor([units], new Float32Array(units).fill(v)));
      const inputs = [x, p('scale', 1), p('bias', 0), p('mean', 0), p('var', 1)];
      x = g.addNode({ opType: 'BatchNormalization', name: `bn${i}`, inputs, outputs: [`bn${i}.out`] }).output(0);
    }
    x = g.addNode({ opType: 'Relu', name: `relu${i}`, inputs: [x], outputs: [`relu${i}.out`] }).output(0);
    if (spec.dropout) {
      const ratio = g.addInitializer(`drop${i}.ratio`, float32Tensor([], [spec.dropout]));
      x = g.addNode({ opType: 'Dropout', name: `drop${i}`, inputs: [x, ratio], outputs: [`drop${i}.out`] }).output(0);
    }
    width = units;
  });
  g.addOutput(x);
  return model;
}

/** x [N,1,H,W] -> Conv(k3,p1) -> Relu -> MaxPool(2) -> Conv(k3, group 2, stride 2) -> Relu -> Flatten -> Gemm. */
export function tinyCnnModel(h: number, w: number, classes: number, seed = 3): Model {
  const model = new Model();
  model.opsetImports.set('', 13);
  const g = model.graph;
  const rand = seededRandom(seed);
  const x = g.addInput('x', tensorType('float32', ['N', 1, h, w]));
  const w1 = g.addInitializer('conv1.weight', float32Tensor([4, 1, 3, 3], heInit(9, 36, rand)));
  const b1 = g.addInitializer('conv1.bias', float32Tensor([4], new Float32Array(4)));
  let y = g
    .addNode({
      opType: 'Conv',
      name: 'conv1',
      inputs: [x, w1, b1],
      outputs: ['c1'],
      attributes: { pads: attr.ints([1, 1, 1, 1]), kernel_shape: attr.ints([3, 3]) },
    })
    .output(0);
  y = g.addNode({ opType: 'Relu', inputs: [y], outputs: ['r1'] }).output(0);
  y = g
    .addNode({
      opType: 'MaxPool',
      inputs: [y],
      outputs: ['p1'],
      attributes: { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) },
    })
    .output(0);
  const w2 = g.addInitializer('conv2.weight', float32Tensor([8, 2, 3, 3], heInit(18, 144, rand)));
  y = g
    .addNode({
      opType: 'Conv',
      name: 'conv2',
      inputs: [y, w2],
      outputs: ['c2'],
      attributes: { group: attr.int(2), strides: attr.ints([2, 2]), auto_pad: attr.string('SAME_UPPER') },
    })
    .output(0);
  y = g.addNode({ opType: 'Relu', inputs: [y], outputs: ['r2'] }).output(0);
  const shape = g.addInitializer('flat.shape', int64Tensor([2], [0, -1]));
  y = g.addNode({ opType: 'Reshape', inputs: [y, shape], outputs: ['flat'] }).output(0);
  const feat = 8 * Math.ceil(h / 4) * Math.ceil(w / 4);
  const w3 = g.addInitializer('fc.weight', float32Tensor([classes, feat], heInit(feat, classes * feat, rand)));
  const b3 = g.addInitializer('fc.bias', float32Tensor([classes], new Float32Array(classes)));
  y = g
    .addNode({
      opType: 'Gemm',
      name: 'fc',
      inputs: [y, w3, b3],
      outputs: ['logits'],
      attributes: { transB: attr.int(1) },
    })
    .output(0);
  g.addOutput(y);
  return model;
}

/** Two Gaussian-ish blobs per class on a ring: a task an MLP separates almost perfectly. */
export function blobs(count: number, classes: number, seed: number): { input: Float32Array; labels: Int32Array } {
  const rand = seededRandom(seed);
  const input = new Float32Array(count * 2);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const c = i % classes;
    const angle = (2 * Math.PI * c) / classes;
    input[2 * i] = 3 * Math.cos(angle) + (rand() - 0.5);
    input[2 * i + 1] = 3 * Math.sin(angle) + (rand() - 0.5);
    labels[i] = c;
  }
  return { input, labels };
}
