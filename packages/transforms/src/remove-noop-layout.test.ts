import { attr, checkModel, cloneModel, Graph, int64Tensor, Model, tensorType, type Value } from '@enxuto/ir';
import { writeOnnxBytes } from '@enxuto/onnx';
import { maxRelativeDifference, runOrt } from '@enxuto/test-support/ort';
import { describe, expect, it } from 'vitest';
import { removeNoopLayout } from './remove-noop-layout.js';

/** x[2,3,4,5] -> Relu -> each of `ops` -> Relu -> y */
function layout(ops: [string, number[]?][]): Model {
  const g = new Graph('layout');
  const x = g.addInput('x', tensorType('float32', [2, 3, 4, 5]));
  let v: Value = g.addNode({ opType: 'Relu', inputs: [x], outputs: ['r'] }).output(0);
  v.type = tensorType('float32', [2, 3, 4, 5]);
  ops.forEach(([op, arg], i) => {
    const n =
      op === 'Transpose'
        ? g.addNode({
            opType: op,
            inputs: [v],
            outputs: [`t${i}`],
            ...(arg ? { attributes: { perm: attr.ints(arg) } } : {}),
          })
        : op === 'Flatten'
          ? g.addNode({ opType: op, inputs: [v], outputs: [`t${i}`] })
          : g.addNode({
              opType: op,
              inputs: [v, g.addInitializer(`s${i}`, int64Tensor([arg!.length], arg!))],
              outputs: [`t${i}`],
            });
    v = n.output(0);
  });
  const y = g.addNode({ opType: 'Relu', inputs: [v], outputs: ['y'] });
  g.setOutputs([y.output(0)]);
  const m = new Model(g);
  m.opsetImports.set('', 13);
  return m;
}

async function simplified(m: Model) {
  const copy = cloneModel(m);
  const stats = removeNoopLayout(copy);
  checkModel(copy);
  const data = Float32Array.from({ length: 120 }, (_, i) => Math.sin(i));
  const feeds = { x: { dims: [2, 3, 4, 5], data } };
  const [a, b] = await Promise.all([runOrt(writeOnnxBytes(m), feeds), runOrt(writeOnnxBytes(copy), feeds)]);
  expect(maxRelativeDifference(a, b)).toBe(0);
  return { stats, ops: [...copy.graph].map((n) => n.opType), model: copy };
}

describe('removeNoopLayout', () => {
  it('cancels NCHW -> NHWC -> NCHW transposes', async () => {
    const r = await simplified(
      layout([
        ['Transpose', [0, 2, 3, 1]],
        ['Transpose', [0, 3, 1, 2]],
      ]),
    );
    expect(r.ops).toEqual(['Relu', 'Relu']);
    expect(r.stats).toEqual({ transposes: 1, reshapes: 0 });
  });

  it('composes two transposes that do not cancel into one, and drops identity permutations', async () => {
    const r = await simplified(
      layout([
        ['Transpose', [0, 2, 3, 1]],
        ['Transpose', [1, 0, 2, 3]],
        ['Transpose', [0, 1, 2, 3]],
      ]),
    );
    // The composed Transpose also sinks below the element-wise Relu.
    expect(r.ops).toEqual(['Relu', 'Relu', 'Transpose']);
    expect([...r.model.graph][2]!.getInts('perm')).toEqual([2, 0, 3, 1]);
  });

  it('removes reshapes to the same shape and reshape chains', async () => {
    const r = await simplified(layout([['Flatten'], ['Reshape', [2, 60]], ['Reshape', [2, 3, -1, 5]]]));
    expect(r.ops).toEqual(['Relu', 'Relu']);
    const keep = await simplified(
      layout([
        ['Reshape', [6, 20]],
        ['Reshape', [0, 4, 5]],
      ]),
    );
    // The last Reshape copies a dim (0) of its own input: the chain stays.
    expect(keep.ops).toEqual(['Relu', 'Reshape', 'Reshape', 'Relu']);
  });
});
