// Small IR models for tests: a conv net with BN, a residual Add, a Concat, Flatten and two Gemms,
// and a seeded-random fill. Channel c of a producer can be made weak on purpose.
import { attr, float32Tensor, int64Tensor, Model, tensorType, type Graph, type Value } from '@enxuto/ir';

export function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) / 4294967296) * 2 - 1;
  };
}

function weight(
  g: Graph,
  name: string,
  shape: number[],
  rnd: () => number,
  weak: readonly number[] = [],
  axis = 0,
  factor = 0.01,
): Value {
  const size = shape.reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: size }, () => rnd() * 0.5);
  for (let i = 0; i < size; i++) if (weak.includes(Math.floor(i / inner) % shape[axis]!)) data[i]! *= factor;
  return g.addInitializer(name, float32Tensor(shape, data));
}

function node(
  g: Graph,
  opType: string,
  name: string,
  inputs: (Value | null)[],
  shape: number[],
  attrs: Record<string, ReturnType<typeof attr.int>> = {},
): Value {
  const n = g.addNode({ opType, name, inputs, outputs: [`${name}.out`] });
  for (const [k, v] of Object.entries(attrs)) n.setAttr(k, v);
  const out = n.output(0);
  out.type = tensorType('float32', shape);
  return out;
}

/** The channels the tests expect L1 pruning at ratio 0.5 to remove. */
export const WEAK = { conv12: [1, 3, 5, 7], conv3: [0, 2, 4], fc1: [0, 2, 4, 6, 8] };

/**
 * x[1,3,8,8] -> conv1(8)+BN -> relu1 ┬-> conv2(8) -> relu2 -> add(relu1, relu2) -> concat(add, relu3) -> maxpool
 *                                   └-> conv3(6, 1x1) -> relu3 ┘                               -> flatten -> fc1(10) -> relu -> fc2(5, transB)
 */
export function convNet(seed = 1, exactZeros = false): Model {
  const f = exactZeros ? 0 : 0.01;
  const m = new Model();
  m.opsetImports.set('', 13);
  const g = m.graph;
  const rnd = seeded(seed);
  const x = g.addInput('x', tensorType('float32', [1, 3, 8, 8]));
  const pads = { pads: attr.ints([1, 1, 1, 1]), kernel_shape: attr.ints([3, 3]) };
  const c1 = node(
    g,
    'Conv',
    'conv1',
    [x, weight(g, 'conv1.w', [8, 3, 3, 3], rnd, WEAK.conv12, 0, f)],
    [1, 8, 8, 8],
    pads,
  );
  // With exactZeros the weak channels are exactly 0 after BN and Relu, so removing them changes nothing downstream.
  const bnParams = (n: string, v: number[]) =>
    g.addInitializer(
      n,
      float32Tensor(
        [8],
        v.map((x, i) => (exactZeros && !n.endsWith('var') && !n.endsWith('scale') && WEAK.conv12.includes(i) ? 0 : x)),
      ),
    );
  const bn = node(
    g,
    'BatchNormalization',
    'bn1',
    [
      c1,
      bnParams('bn1.scale', [1, 1.2, 0.8, 1, 1.1, 0.9, 1, 1.3]),
      bnParams('bn1.bias', [0.1, -0.1, 0.2, 0, 0.05, -0.2, 0.3, 0.1]),
      bnParams('bn1.mean', [0, 0.1, -0.1, 0.2, 0, 0.05, -0.05, 0]),
      bnParams('bn1.var', [1, 0.9, 1.1, 1.2, 0.8, 1, 1, 0.95]),
    ],
    [1, 8, 8, 8],
  );
  const r1 = node(g, 'Relu', 'relu1', [bn], [1, 8, 8, 8]);
  const c2 = node(
    g,
    'Conv',
    'conv2',
    [
      r1,
      weight(g, 'conv2.w', [8, 8, 3, 3], rnd, WEAK.conv12, 0, f),
      weight(g, 'conv2.b', [8], rnd, exactZeros ? WEAK.conv12 : [], 0, 0),
    ],
    [1, 8, 8, 8],
    pads,
  );
  const r2 = node(g, 'Relu', 'relu2', [c2], [1, 8, 8, 8]);
  const add = node(g, 'Add', 'add', [r1, r2], [1, 8, 8, 8]);
  const c3 = node(g, 'Conv', 'conv3', [r1, weight(g, 'conv3.w', [6, 8, 1, 1], rnd, WEAK.conv3, 0, f)], [1, 6, 8, 8], {
    kernel_shape: attr.ints([1, 1]),
  });
  const r3 = node(g, 'Relu', 'relu3', [c3], [1, 6, 8, 8]);
  const cat = node(g, 'Concat', 'concat', [add, r3], [1, 14, 8, 8], { axis: attr.int(1) });
  const pool = node(g, 'MaxPool', 'pool', [cat], [1, 14, 4, 4], {
    kernel_shape: attr.ints([2, 2]),
    strides: attr.ints([2, 2]),
  });
  const flat = node(g, 'Flatten', 'flatten', [pool], [1, 224], { axis: attr.int(1) });
  const fc1 = node(
    g,
    'Gemm',
    'fc1',
    [
      flat,
      weight(g, 'fc1.w', [224, 10], rnd, WEAK.fc1, 1, f),
      weight(g, 'fc1.b', [10], rnd, exactZeros ? WEAK.fc1 : [], 0, 0),
    ],
    [1, 10],
  );
  const r4 = node(g, 'Relu', 'relu4', [fc1], [1, 10]);
  const fc2 = node(g, 'Gemm', 'fc2', [r4, weight(g, 'fc2.w', [5, 10], rnd), weight(g, 'fc2.b', [5], rnd)], [1, 5], {
    transB: attr.int(1),
  });
  g.addOutput(fc2);
  return m;
}

/** x[1,1,6,6] -> conv(4) -> relu -> Reshape([-1, 144]) -> MatMul [144, 3]: the Reshape constant must be rewritten. */
export function reshapeNet(seed = 2): Model {
  const m = new Model();
  m.opsetImports.set('', 13);
  const g = m.graph;
  const rnd = seeded(seed);
  const x = g.addInput('x', tensorType('float32', [1, 1, 6, 6]));
  const c = node(
    g,
    'Conv',
    'conv',
    [x, weight(g, 'conv.w', [4, 1, 3, 3], rnd, [1, 2]), weight(g, 'conv.b', [4], rnd)],
    [1, 4, 6, 6],
    {
      pads: attr.ints([1, 1, 1, 1]),
      kernel_shape: attr.ints([3, 3]),
    },
  );
  const r = node(g, 'Relu', 'relu', [c], [1, 4, 6, 6]);
  const shape = g.addInitializer('flat.shape', int64Tensor([2], [-1, 144]));
  const flat = node(g, 'Reshape', 'flat', [r, shape], [1, 144]);
  const y = node(g, 'MatMul', 'fc', [flat, weight(g, 'fc.w', [144, 3], rnd)], [1, 3]);
  g.addOutput(y);
  return m;
}

/** x[N,k] -> fc1 [k,8] -> relu -> fc2 [8,8] -> relu -> fc3 (transB) [3,8]; weights 1..n in magnitude order. */
export function gemmMlp(inputs = 4): Model {
  const m = new Model();
  m.opsetImports.set('', 13);
  const g = m.graph;
  let x: Value = g.addInput('x', tensorType('float32', ['N', inputs]));
  const layers: [string, number[], boolean][] = [
    ['fc1', [inputs, 8], false],
    ['fc2', [8, 8], false],
    ['fc3', [3, 8], true],
  ];
  for (const [name, shape, transB] of layers) {
    const n = shape[0]! * shape[1]!;
    const w = g.addInitializer(
      `${name}.w`,
      float32Tensor(
        shape,
        Float32Array.from({ length: n }, (_, i) => (i % 2 ? -1 : 1) * (i + 1)),
      ),
    );
    const node = g.addNode({ opType: 'Gemm', name, inputs: [x, w], outputs: [`${name}.out`] });
    if (transB) node.setAttr('transB', { type: 'int', value: 1 });
    x = node.output(0);
    if (name !== 'fc3')
      x = g.addNode({ opType: 'Relu', name: `${name}.relu`, inputs: [x], outputs: [`${name}.relu.out`] }).output(0);
  }
  g.addOutput(x);
  return m;
}
