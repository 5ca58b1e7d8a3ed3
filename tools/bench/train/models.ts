// Models of the training-speed benchmark, built in the IR: the 784-800-800-10 MLP and a
// MobileNet-style net (depthwise-separable blocks with BatchNorm and ReLU6). LeNet-5 comes from
// the pruning benchmark.
import { attr, float32Tensor, Model, mulberry32, tensorType, type Attr, type Graph, type Value } from '@enxuto/ir';

function heUniform(g: Graph, name: string, shape: number[], fanIn: number, rnd: () => number): Value {
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

function filled(g: Graph, name: string, n: number, v: number): Value {
  return g.addInitializer(name, float32Tensor([n], new Float32Array(n).fill(v)));
}

function node(g: Graph, opType: string, name: string, inputs: Value[], attrs: Record<string, Attr> = {}): Value {
  return g.addNode({ opType, name, inputs, outputs: [`${name}.out`], attributes: attrs }).output(0);
}

/** x [N, widths[0]] -> (Gemm, Relu)* -> Gemm -> logits. */
export function mlp(widths: readonly number[], seed = 1): Model {
  const m = new Model();
  m.opsetImports.set('', 13);
  const g = m.graph;
  const rnd = mulberry32(seed);
  let x = g.addInput('x', tensorType('float32', ['N', widths[0]!]));
  for (let i = 0; i + 1 < widths.length; i++) {
    const w = heUniform(g, `fc${i}.w`, [widths[i]!, widths[i + 1]!], widths[i]!, rnd);
    x = node(g, 'Gemm', `fc${i}`, [x, w, filled(g, `fc${i}.b`, widths[i + 1]!, 0)]);
    if (i + 2 < widths.length) x = node(g, 'Relu', `relu${i}`, [x]);
  }
  g.addOutput(x);
  return m;
}

/**
 * x [N, 3, 32, 32] -> conv3x3/2 (16) -> 4 depthwise-separable blocks (32, 64/2, 64, 128/2), each
 * conv followed by BatchNormalization and ReLU6 -> GlobalAveragePool -> Gemm 10.
 */
export function mobileNetStyle(seed = 1): Model {
  const m = new Model();
  m.opsetImports.set('', 13);
  const g = m.graph;
  const rnd = mulberry32(seed);
  let x = g.addInput('x', tensorType('float32', ['N', 3, 32, 32]));
  const six = g.addInitializer('six', float32Tensor([], [6]));
  const zero = g.addInitializer('zero', float32Tensor([], [0]));
  const convBnRelu6 = (name: string, co: number, ci: number, k: number, stride: number, group: number) => {
    const w = heUniform(g, `${name}.w`, [co, ci / group, k, k], (ci / group) * k * k, rnd);
    const p = (k - 1) / 2;
    x = node(g, 'Conv', name, [x, w], {
      kernel_shape: attr.ints([k, k]),
      strides: attr.ints([stride, stride]),
      pads: attr.ints([p, p, p, p]),
      group: attr.int(group),
    });
    const bn = [filled(g, `${name}.bn.s`, co, 1), filled(g, `${name}.bn.b`, co, 0)];
    const stats = [filled(g, `${name}.bn.m`, co, 0), filled(g, `${name}.bn.v`, co, 1)];
    x = node(g, 'BatchNormalization', `${name}.bn`, [x, ...bn, ...stats]);
    x = node(g, 'Clip', `${name}.relu6`, [x, zero, six]);
  };
  convBnRelu6('stem', 16, 3, 3, 2, 1);
  let c = 16;
  for (const [i, [co, s]] of [
    [32, 1],
    [64, 2],
    [64, 1],
    [128, 2],
  ].entries()) {
    convBnRelu6(`b${i}.dw`, c, c, 3, s!, c);
    convBnRelu6(`b${i}.pw`, co!, c, 1, 1, 1);
    c = co!;
  }
  x = node(g, 'GlobalAveragePool', 'gap', [x]);
  x = node(g, 'Flatten', 'flatten', [x], { axis: attr.int(1) });
  x = node(g, 'Gemm', 'fc', [x, heUniform(g, 'fc.w', [c, 10], c, rnd), filled(g, 'fc.b', 10, 0)]);
  g.addOutput(x);
  return m;
}
