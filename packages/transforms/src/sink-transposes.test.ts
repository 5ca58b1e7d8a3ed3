import {
  attr,
  checkModel,
  cloneModel,
  float32Tensor,
  Graph,
  int64Tensor,
  Model,
  tensorType,
  type Value,
} from '@enxuto/ir';
import { writeOnnxBytes } from '@enxuto/onnx';
import { maxRelativeDifference, runOrt } from '@enxuto/test-support/ort';
import { describe, expect, it } from 'vitest';
import { removeNoopLayout } from './remove-noop-layout.js';

const wave = (n: number, k = 0) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.29 + k));
const NHWC = [0, 2, 3, 1];
const NCHW = [0, 3, 1, 2];

/** What TFLite/TF.js importers write: NCHW Convs wrapped in Transposes, NHWC element-wise ops between. */
function imported(): Model {
  const g = new Graph('imported');
  const x = g.addInput('x', tensorType('float32', [1, 6, 5, 3]));
  const t = (v: Value, perm: number[], name: string) =>
    g.addNode({ opType: 'Transpose', inputs: [v], outputs: [name], attributes: { perm: attr.ints(perm) } }).output(0);
  const conv = (v: Value, name: string, cin: number, cout: number) =>
    g
      .addNode({
        opType: 'Conv',
        inputs: [
          t(v, NCHW, `${name}_in`),
          g.addInitializer(`${name}_w`, float32Tensor([cout, cin, 1, 1], wave(cin * cout))),
        ],
        outputs: [`${name}_out`],
      })
      .output(0);
  const a = t(conv(x, 'c1', 3, 4), NHWC, 'a');
  const relu = g.addNode({ opType: 'Relu', inputs: [a], outputs: ['r'] }).output(0);
  const b = t(conv(relu, 'c2', 4, 4), NHWC, 'b');
  // NHWC constants: a per-channel scale on the last axis; a channel Pad (4 -> 6 channels).
  const scaled = g
    .addNode({ opType: 'Mul', inputs: [b, g.addInitializer('k', float32Tensor([4], [1, 2, 3, 4]))], outputs: ['m'] })
    .output(0);
  const sum = g.addNode({ opType: 'Add', inputs: [relu, scaled], outputs: ['s'] }).output(0);
  const clip = g
    .addNode({
      opType: 'Clip',
      inputs: [sum, g.addInitializer('lo', float32Tensor([], [0])), g.addInitializer('hi', float32Tensor([], [6]))],
      outputs: ['c'],
    })
    .output(0);
  const pad = g
    .addNode({
      opType: 'Pad',
      inputs: [clip, g.addInitializer('pads', int64Tensor([8], [0, 0, 0, 0, 0, 0, 0, 2]))],
      outputs: ['p'],
    })
    .output(0);
  const cat = g
    .addNode({ opType: 'Concat', inputs: [pad, pad], outputs: ['cat'], attributes: { axis: attr.int(3) } })
    .output(0);
  const y = t(conv(cat, 'c3', 12, 2), NHWC, 'y');
  g.setOutputs([y]);
  const m = new Model(g);
  m.opsetImports.set('', 13);
  return m;
}

describe('sinking Transposes (removeNoopLayout)', () => {
  it('leaves one Transpose at each end of an imported NHWC graph, with the same outputs', async () => {
    const m = imported();
    const copy = cloneModel(m);
    const stats = removeNoopLayout(copy);
    checkModel(copy);
    const ops = [...copy.graph].map((n) => n.opType);
    expect(ops.filter((o) => o === 'Transpose')).toHaveLength(2);
    expect(ops).toEqual([
      'Transpose',
      'Conv',
      'Relu',
      'Conv',
      'Mul',
      'Add',
      'Clip',
      'Pad',
      'Concat',
      'Conv',
      'Transpose',
    ]);
    expect(stats.transposes).toBeGreaterThan(0);
    // The NHWC constants now have NCHW layout: [4] -> [1, 4, 1, 1]; pads move to the channel dim.
    expect([...copy.graph].find((n) => n.opType === 'Mul')!.input(1)!.const!.shape).toEqual([1, 4, 1, 1]);
    expect(
      Array.from(
        [...copy.graph]
          .find((n) => n.opType === 'Pad')!
          .input(1)!
          .const!.values() as BigInt64Array,
        Number,
      ),
    ).toEqual([0, 0, 0, 0, 0, 2, 0, 0]);
    expect(copy.graph.outputs.map((v) => v.name)).toEqual(['y']);
    const feeds = { x: { dims: [1, 6, 5, 3], data: wave(90, 1) } };
    const [a, b] = await Promise.all([runOrt(writeOnnxBytes(m), feeds), runOrt(writeOnnxBytes(copy), feeds)]);
    expect(maxRelativeDifference(a, b)).toBeLessThan(1e-6);
  });

  it('does not sink a Transpose that another op also reads', () => {
    const g = new Graph('shared');
    const x = g.addInput('x', tensorType('float32', [1, 2, 3, 4]));
    const t = g.addNode({ opType: 'Transpose', inputs: [x], outputs: ['t'], attributes: { perm: attr.ints(NHWC) } });
    const r = g.addNode({ opType: 'Relu', inputs: [t.output(0)], outputs: ['r'] });
    const s = g.addNode({ opType: 'Sigmoid', inputs: [t.output(0)], outputs: ['s'] });
    g.setOutputs([r.output(0), s.output(0)]);
    const m = new Model(g);
    expect(removeNoopLayout(m)).toEqual({ transposes: 0, reshapes: 0 });
    expect([...m.graph].map((n) => n.opType)).toEqual(['Transpose', 'Relu', 'Sigmoid']);
  });
});
