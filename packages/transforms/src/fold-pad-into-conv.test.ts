import { attr, checkModel, cloneModel, float32Tensor, Graph, int64Tensor, Model, tensorType } from '@enxuto/ir';
import { writeOnnxBytes } from '@enxuto/onnx';
import { maxRelativeDifference, runOrt } from '@enxuto/test-support/ort';
import { describe, expect, it } from 'vitest';
import { foldPadIntoConv } from './fold-pad-into-conv.js';

const wave = (n: number, k = 0) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.43 + k));

/** x[1,2,5,6] -> Pad(pads, value) -> Conv(3x3, 2 -> 3, convPads) -> y */
function padConv(pads: number[], value?: number, convPads?: number[], mode?: string, autoPad?: string): Model {
  const g = new Graph('pad-conv');
  const x = g.addInput('x', tensorType('float32', [1, 2, 5, 6]));
  const pad = g.addNode({
    opType: 'Pad',
    name: 'pad',
    inputs: [
      x,
      g.addInitializer('pads', int64Tensor([8], pads)),
      value === undefined ? null : g.addInitializer('value', float32Tensor([], [value])),
    ],
    outputs: ['p'],
    ...(mode ? { attributes: { mode: attr.string(mode) } } : {}),
  });
  const conv = g.addNode({
    opType: 'Conv',
    name: 'conv',
    inputs: [pad.output(0), g.addInitializer('w', float32Tensor([3, 2, 3, 3], wave(54)))],
    outputs: ['y'],
    attributes: {
      ...(convPads ? { pads: attr.ints(convPads) } : {}),
      ...(autoPad ? { auto_pad: attr.string(autoPad) } : {}),
    },
  });
  g.setOutputs([conv.output(0)]);
  const m = new Model(g);
  m.opsetImports.set('', 13);
  return m;
}

async function folds(m: Model): Promise<{ folded: number; model: Model }> {
  const copy = cloneModel(m);
  const { folded } = foldPadIntoConv(copy);
  checkModel(copy);
  const feeds = { x: { dims: [1, 2, 5, 6], data: wave(60, 3) } };
  const [a, b] = await Promise.all([runOrt(writeOnnxBytes(m), feeds), runOrt(writeOnnxBytes(copy), feeds)]);
  expect(maxRelativeDifference(a, b)).toBeLessThan(1e-6);
  return { folded, model: copy };
}

describe('foldPadIntoConv', () => {
  it('adds a zero Pad of the spatial dims to the Conv pads (TF "SAME" padding, asymmetric)', async () => {
    const r = await folds(padConv([0, 0, 0, 1, 0, 0, 2, 1], 0, [1, 0, 1, 0]));
    expect(r.folded).toBe(1);
    const conv = [...r.model.graph][0]!;
    expect(conv.opType).toBe('Conv');
    expect(conv.getInts('pads')).toEqual([1, 1, 3, 1]);
    expect(r.model.graph.initializers().map((v) => v.name)).toEqual(['w']);
  });

  it('folds into a Conv with auto_pad VALID (zero pads, as TFLite imports write it)', async () => {
    const r = await folds(padConv([0, 0, 1, 1, 0, 0, 1, 1], 0, undefined, undefined, 'VALID'));
    expect(r.folded).toBe(1);
    const conv = [...r.model.graph][0]!;
    expect(conv.getString('auto_pad', 'NOTSET')).toBe('NOTSET');
    expect(conv.getInts('pads')).toEqual([1, 1, 1, 1]);
    expect((await folds(padConv([0, 0, 1, 1, 0, 0, 1, 1], 0, undefined, undefined, 'SAME_UPPER'))).folded).toBe(0);
  });

  it('leaves non-zero values, reflect mode and padded channels', async () => {
    expect((await folds(padConv([0, 0, 1, 1, 0, 0, 1, 1], 0.5))).folded).toBe(0);
    expect((await folds(padConv([0, 0, 1, 1, 0, 0, 1, 1], undefined, undefined, 'reflect'))).folded).toBe(0);
    // A padded channel dim changes what the Conv reads (onnxruntime would refuse this model anyway).
    expect(foldPadIntoConv(padConv([0, 1, 1, 1, 0, 0, 1, 1])).folded).toBe(0);
  });
});
