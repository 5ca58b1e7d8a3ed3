import { checkModel, countParameters, type Model } from '@enxuto/ir';
import { getBackend } from '@enxuto/runtime/node';
import { describe, expect, it } from 'vitest';
import { mlpModel } from './mlp.js';
import { shrinkWidths } from './shrink-widths.js';
import { bnMlp, residualMlp, tinyCnn } from '../test-models.js';

async function runOrt(model: Model, shape: number[]): Promise<number[]> {
  const session = await getBackend('ort-node').createSession(model);
  try {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = Float32Array.from({ length: size }, (_, i) => ((i * 7) % 13) / 13);
    const out = await session.run({ [session.inputs[0]!.name]: { dtype: 'float32', shape, data } });
    const t = Object.values(out)[0]!;
    expect(Array.from(t.data as Float32Array).every(Number.isFinite)).toBe(true);
    return t.shape;
  } finally {
    await session.release();
  }
}

describe('shrinkWidths', () => {
  it('halves the hidden widths of an MLP, keeping input and output widths', async () => {
    const teacher = mlpModel({ inputs: 16, hidden: [12, 8], classes: 4, seed: 3 });
    const { model, layers } = shrinkWidths(teacher, { widthMultiplier: 0.5, seed: 1 });
    expect(layers).toEqual([
      { node: 'fc0', from: 12, to: 6 },
      { node: 'fc1', from: 8, to: 4 },
    ]);
    checkModel(model);
    // 16*6+6 + 6*4+4 + 4*4+4
    expect(countParameters(model).total).toBe(150);
    expect(countParameters(teacher).total).toBe(16 * 12 + 12 + 12 * 8 + 8 + 8 * 4 + 4);
    expect(await runOrt(model, [3, 16])).toEqual([3, 4]);
  });

  it('re-initialises seeded: same seed same weights, biases zero', () => {
    const teacher = mlpModel({ inputs: 16, hidden: [12], classes: 4 });
    const a = shrinkWidths(teacher, { widthMultiplier: 0.5, seed: 7 }).model;
    const b = shrinkWidths(teacher, { widthMultiplier: 0.5, seed: 7 }).model;
    const c = shrinkWidths(teacher, { widthMultiplier: 0.5, seed: 8 }).model;
    const w = (m: Model) => Array.from(m.graph.value('fc0.weight')!.const!.values() as Float32Array);
    expect(w(a)).toEqual(w(b));
    expect(w(a)).not.toEqual(w(c));
    expect(Array.from(a.graph.value('fc0.bias')!.const!.values() as Float32Array)).toEqual(new Array(6).fill(0));
    // He-uniform before the ReLU: |w| <= sqrt(6 / fanIn)
    expect(Math.max(...w(a).map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 16));
  });

  it('slices BatchNormalization parameters and transposed Gemm weights', async () => {
    const { model, layers } = shrinkWidths(bnMlp(), { widthMultiplier: 0.25 });
    expect(layers).toEqual([{ node: 'fc1', from: 24, to: 6 }]);
    checkModel(model);
    expect(model.graph.value('bn.mean')!.const!.shape).toEqual([6]);
    expect(model.graph.value('w2')!.const!.shape).toEqual([4, 6]);
    expect(countParameters(model).total).toBe(16 * 6 + 6 + 4 * 6 + 6 * 4 + 4);
    expect(await runOrt(model, [2, 16])).toEqual([2, 4]);
  });

  it('shrinks conv channels through bias, pooling and a flatten', async () => {
    const { model, layers } = shrinkWidths(tinyCnn(), { widthMultiplier: 0.5 });
    expect(layers).toEqual([{ node: 'conv', from: 8, to: 4 }]);
    checkModel(model);
    expect(model.graph.value('cw')!.const!.shape).toEqual([4, 1, 3, 3]);
    expect(model.graph.value('cb')!.const!.shape).toEqual([4, 1, 1]);
    expect(model.graph.value('fw')!.const!.shape).toEqual([36, 3]);
    expect(await runOrt(model, [2, 1, 6, 6])).toEqual([2, 3]);
  });

  it('keeps the width of a layer that feeds a residual Add', async () => {
    const { model, layers, kept } = shrinkWidths(residualMlp(), { widthMultiplier: 0.5 });
    expect(layers).toEqual([]);
    expect(kept).toHaveLength(1);
    expect(kept[0]!.node).toBe('fc1');
    expect(kept[0]!.reason).toContain('skip');
    checkModel(model);
    expect(await runOrt(model, [1, 8])).toEqual([1, 2]);
  });

  it('refuses a multiplier outside (0, 1]', () => {
    expect(() => shrinkWidths(bnMlp(), { widthMultiplier: 1.5 })).toThrow(/widthMultiplier/);
    expect(() => shrinkWidths(bnMlp(), { widthMultiplier: 0 })).toThrow(/widthMultiplier/);
  });
});
