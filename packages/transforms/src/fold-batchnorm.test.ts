import { checkModel } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { foldBatchNorm } from './fold-batchnorm.js';
import { convBnModel, gemmBnModel } from './testing.js';

describe('foldBatchNorm', () => {
  it('folds BatchNormalization into a Conv weight and bias', () => {
    const model = convBnModel();
    const stats = foldBatchNorm(model);
    const r = { model, changed: stats.folded > 0, stats };
    checkModel(r.model);
    expect(r.changed).toBe(true);
    expect(r.stats).toMatchObject({ folded: 1 });
    const g = r.model.graph;
    expect([...g].map((n) => n.opType)).toEqual(['Conv']);
    // scale = gamma / sqrt(var + eps) = [1, 0.5]; shift = beta - mean * scale = [0.5, -0.5]
    const conv = [...g][0]!;
    expect(Array.from(conv.input(1)!.const!.toFloat32())).toEqual([1, 2, 1.5, 2]);
    const bias = Array.from(conv.input(2)!.const!.toFloat32());
    expect(bias[0]).toBeCloseTo(0.5 * 1 + 0.5, 6);
    expect(bias[1]).toBeCloseTo(-1 * 0.5 - 0.5, 6);
    // The graph output keeps its name.
    expect(g.outputs.map((o) => o.name)).toEqual(['y']);
    expect(
      g
        .initializers()
        .map((v) => v.name)
        .sort(),
    ).toEqual(['b', 'w']);
  });

  it('folds into a Gemm with transB and beta', () => {
    const r = { model: gemmBnModel() };
    foldBatchNorm(r.model);
    checkModel(r.model);
    const gemm = [...r.model.graph][0]!;
    expect(gemm.opType).toBe('Gemm');
    // scale = [3, 1], shift = beta - mean*scale = [-3, 1]; W rows scaled; C' = 0.5*C*scale + shift
    expect(Array.from(gemm.input(1)!.const!.toFloat32())).toEqual([3, 0, -3, 2, 1, 0]);
    expect(Array.from(gemm.input(2)!.const!.toFloat32())).toEqual([0.5 * 1 * 3 - 3, 0.5 * 2 * 1 + 1]);
    expect(gemm.getFloat('beta')).toBe(1);
  });

  it('leaves a BatchNormalization whose input has another reader', () => {
    const model = convBnModel();
    const g = model.graph;
    const c = g.value('c')!;
    g.addNode({ opType: 'Relu', inputs: [c], outputs: ['z'] });
    g.setOutputs([g.value('y')!, g.value('z')!]);
    const stats = foldBatchNorm(model);
    const r = { model, changed: stats.folded > 0, stats };
    expect(r.changed).toBe(false);
    expect([...r.model.graph].map((n) => n.opType).sort()).toEqual(['BatchNormalization', 'Conv', 'Relu']);
  });
});
