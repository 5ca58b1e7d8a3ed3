import {
  attr,
  checkModel,
  cloneModel,
  float32Tensor,
  Graph,
  Model,
  type Node,
  tensorType,
  type Value,
} from '@enxuto/ir';
import { writeOnnxBytes } from '@enxuto/onnx';
import { maxRelativeDifference, runOrt } from '@enxuto/test-support/ort';
import { describe, expect, it } from 'vitest';
import { foldAffine } from './fold-affine.js';

const wave = (n: number, k = 0) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.61 + k));

/** x -> layer(x) -> each of `after` in turn (op, constant operand, constant first?) -> y. */
function chain(
  inShape: number[],
  layer: (g: Graph, x: Value) => Node,
  after: [string, number[] | null, boolean?][],
): Model {
  const g = new Graph('chain');
  const x = g.addInput('x', tensorType('float32', inShape));
  let y = layer(g, x).output(0);
  after.forEach(([op, shape, first], i) => {
    const k = shape
      ? g.addInitializer(
          `k${i}`,
          float32Tensor(
            shape,
            wave(
              shape.reduce((a, b) => a * b, 1),
              i + 2,
            ),
          ),
        )
      : null;
    const inputs = op === 'Relu' ? [y] : first ? [k, y] : [y, k];
    y = g.addNode({ opType: op, name: `${op.toLowerCase()}${i}`, inputs, outputs: [`a${i}`] }).output(0);
  });
  g.setOutputs([y]);
  const m = new Model(g);
  m.opsetImports.set('', 13);
  return m;
}

const conv =
  (cin: number, cout: number, bias = true) =>
  (g: Graph, x: Value) =>
    g.addNode({
      opType: 'Conv',
      name: 'conv',
      inputs: [
        x,
        g.addInitializer('w', float32Tensor([cout, cin, 3, 3], wave(cout * cin * 9))),
        bias ? g.addInitializer('b', float32Tensor([cout], wave(cout, 1))) : null,
      ],
      outputs: ['c'],
      attributes: { pads: attr.ints([1, 1, 1, 1]) },
    });

const ops = (m: Model) => [...m.graph].map((n) => n.opType);

/** Folds a copy of `m` and checks onnxruntime gives the same outputs (1e-5 of the largest value). */
async function foldsTheSame(m: Model, inShape: number[]) {
  const folded = cloneModel(m);
  const stats = foldAffine(folded);
  checkModel(folded);
  const feeds = {
    x: {
      dims: inShape,
      data: wave(
        inShape.reduce((a, b) => a * b, 1),
        9,
      ).map((v) => v * 3),
    },
  };
  const [a, b] = await Promise.all([runOrt(writeOnnxBytes(m), feeds), runOrt(writeOnnxBytes(folded), feeds)]);
  expect(maxRelativeDifference(a, b)).toBeLessThan(1e-5);
  return { folded, stats };
}

describe('foldAffine', () => {
  it('folds a Mul -> Add chain (lowered BatchNormalization) into the Conv before it', async () => {
    const m = chain([1, 3, 5, 5], conv(3, 4), [
      ['Mul', [1, 4, 1, 1]],
      ['Add', [4, 1, 1]],
      ['Relu', null],
    ]);
    const { folded, stats } = await foldsTheSame(m, [1, 3, 5, 5]);
    expect(ops(folded)).toEqual(['Conv', 'Relu']);
    expect(stats.folded).toEqual({ Mul: 1, Add: 1 });
    expect(
      folded.graph
        .initializers()
        .map((v) => v.name)
        .sort(),
    ).toEqual(['b', 'w']);
  });

  it('gives a Conv without bias one for an Add, and folds scalar Div and Sub with the output kept', async () => {
    const m = chain([1, 2, 4, 4], conv(2, 3, false), [
      ['Div', [1]],
      ['Sub', [1, 3, 1, 1]],
    ]);
    const { folded } = await foldsTheSame(m, [1, 2, 4, 4]);
    expect(ops(folded)).toEqual(['Conv']);
    expect(folded.graph.outputs[0]!.name).toBe('a1');
    expect([...folded.graph][0]!.input(2)!.const!.shape).toEqual([3]);
  });

  it('folds BatchNormalization into a ConvTranspose and into a Gemm with beta', async () => {
    const bn = (g: Graph, y: Value, c: number) =>
      g.addNode({
        opType: 'BatchNormalization',
        inputs: [
          y,
          ...[1, 2, 3, 4].map((i) =>
            g.addInitializer(
              `bn${i}`,
              float32Tensor(
                [c],
                wave(c, i).map((v) => (i === 4 ? 1 + v * v : v)),
              ),
            ),
          ),
        ],
        outputs: ['y'],
      });
    const g = new Graph('ct');
    const x = g.addInput('x', tensorType('float32', [1, 2, 3, 3]));
    const ct = g.addNode({
      opType: 'ConvTranspose',
      inputs: [x, g.addInitializer('w', float32Tensor([2, 3, 2, 2], wave(24)))],
      outputs: ['c'],
    });
    g.setOutputs([bn(g, ct.output(0), 3).output(0)]);
    const m = new Model(g);
    m.opsetImports.set('', 13);
    expect(ops((await foldsTheSame(m, [1, 2, 3, 3])).folded)).toEqual(['ConvTranspose']);

    const gemm = chain(
      [2, 3],
      (gg, xx) =>
        gg.addNode({
          opType: 'Gemm',
          inputs: [
            xx,
            gg.addInitializer('w', float32Tensor([3, 4], wave(12))),
            gg.addInitializer('c', float32Tensor([4], wave(4, 5))),
          ],
          outputs: ['h'],
          attributes: { beta: attr.float(0.5) },
        }),
      [
        ['Mul', [4]],
        ['Sub', [1, 4]],
      ],
    );
    const { folded } = await foldsTheSame(gemm, [2, 3]);
    expect(ops(folded)).toEqual(['Gemm']);
    expect([...folded.graph][0]!.getFloat('beta')).toBe(1);
  });

  it('turns MatMul + Add into Gemm for a 2-D input, and only scales a MatMul on a 3-D input', async () => {
    const mm = (g: Graph, x: Value) =>
      g.addNode({
        opType: 'MatMul',
        inputs: [x, g.addInitializer('w', float32Tensor([3, 4], wave(12)))],
        outputs: ['h'],
      });
    const two = await foldsTheSame(
      chain([2, 3], mm, [
        ['Add', [4]],
        ['Mul', [4]],
      ]),
      [2, 3],
    );
    expect(ops(two.folded)).toEqual(['Gemm']);
    expect(two.stats.gemmsFormed).toBe(1);
    const three = await foldsTheSame(
      chain([2, 5, 3], mm, [
        ['Mul', [1, 1, 4]],
        ['Add', [4]],
      ]),
      [2, 5, 3],
    );
    expect(ops(three.folded)).toEqual(['MatMul', 'Add']);
  });

  it('leaves what is not per output channel, or not only read by the affine op', async () => {
    // [4] on a Conv output broadcasts along the width, not the channels; k - y is not y * s + t.
    for (const after of [[['Mul', [4]]], [['Sub', [1, 4, 1, 1], true]]] as [string, number[], boolean?][][]) {
      const { folded } = await foldsTheSame(chain([1, 3, 4, 4], conv(3, 4), after), [1, 3, 4, 4]);
      expect(ops(folded)).toEqual(['Conv', after[0]![0]]);
    }
    const m = chain([1, 3, 4, 4], conv(3, 4), [['Mul', [1, 4, 1, 1]]]);
    m.graph.addOutput(m.graph.value('c')!);
    expect(ops((await foldsTheSame(m, [1, 3, 4, 4])).folded)).toEqual(['Conv', 'Mul']);
  });
});
