import { Model, tensorType } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { testPassContext } from '@enxuto/pass/testing';
import { pruneMagnitude, pruneMagnitudeOptions } from './prune-magnitude.js';
import { gemmMlp } from '../test-models.js';

const weights = (m: Model, name: string) => [...m.graph.value(name)!.const!.toFloat32()];
const zeros = (v: number[]) => v.filter((x) => x === 0).length;

describe('prune-magnitude', () => {
  it('layer scope: first and last layers lose half of `sparsity` by default, the middle makes up for them', async () => {
    const m = gemmMlp();
    const r = await pruneMagnitude.run(
      m,
      pruneMagnitudeOptions.parse({ sparsity: 0.5, scope: 'layer' }),
      testPassContext(),
    );
    expect(zeros(weights(m, 'fc1.w'))).toBe(8); // 32 × 0.25
    // 120 × 0.5 = 60 in all: fc2 loses the other 46 (71.9 %).
    expect(zeros(weights(m, 'fc2.w'))).toBe(46);
    expect(zeros(weights(m, 'fc3.w'))).toBe(6); // 24 × 0.25
    // The smallest magnitudes go: fc2's |w| are 1..64, so 1..46 are zero and 47..64 stay.
    expect(
      weights(m, 'fc2.w')
        .slice(0, 46)
        .every((v) => v === 0),
    ).toBe(true);
    expect(
      weights(m, 'fc2.w')
        .slice(46)
        .every((v) => v !== 0),
    ).toBe(true);
    const layers = r.stats.layers as { name: string; count: number; nonZero: number }[];
    expect(layers.map((l) => [l.name, l.count, l.nonZero])).toEqual([
      ['fc1', 32, 24],
      ['fc2', 64, 18],
      ['fc3', 24, 18],
    ]);
    expect(r.stats.sparsity).toBe(0.5);
  });

  it('global scope: one threshold across layers', async () => {
    const m = gemmMlp();
    await pruneMagnitude.run(
      m,
      pruneMagnitudeOptions.parse({ sparsity: 0.5, firstLayer: 1, lastLayer: 1 }),
      testPassContext(),
    );
    // 120 weights, 60 pruned: |w| <= 24 in fc1 (all 32? no: 1..32) — the 60 lowest of {1..32, 1..64, 1..24}.
    const all = [...weights(m, 'fc1.w'), ...weights(m, 'fc2.w'), ...weights(m, 'fc3.w')];
    expect(zeros(all)).toBe(60);
    // Threshold: values 1..20 appear three times (60 entries), ties broken by layer order.
    expect(zeros(weights(m, 'fc1.w'))).toBe(20);
    expect(zeros(weights(m, 'fc2.w'))).toBe(20);
    expect(zeros(weights(m, 'fc3.w'))).toBe(20);
  });

  it('global scope prunes the first and last layer on their own at half the sparsity by default', async () => {
    const m = gemmMlp();
    await pruneMagnitude.run(m, pruneMagnitudeOptions.parse({ sparsity: 0.5 }), testPassContext());
    // fc1: 0.25 × 32 = 8 (|w| 1..8), fc3: 0.25 × 24 = 6; the rest (fc2 alone) makes up to 60 of 120.
    expect(
      weights(m, 'fc1.w')
        .slice(0, 8)
        .every((v) => v === 0),
    ).toBe(true);
    expect(zeros(weights(m, 'fc1.w'))).toBe(8);
    expect(zeros(weights(m, 'fc3.w'))).toBe(6);
    expect(zeros(weights(m, 'fc2.w'))).toBe(46);
  });

  it('drops the first-layer rule, and says so, when the first layer holds most weights (an MLP)', async () => {
    const m = gemmMlp(64); // fc1 512 of 600 weights
    const warnings: string[] = [];
    const r = await pruneMagnitude.run(m, pruneMagnitudeOptions.parse({ sparsity: 0.9 }), {
      ...testPassContext(),
      logger: { debug() {}, info() {}, warn: (s: string) => warnings.push(s) },
    });
    // Protecting fc1 (0.45 × 512) would need more than all of fc2; fc3 (24) stays protected: 11 pruned.
    expect(zeros(weights(m, 'fc3.w'))).toBe(11);
    expect(zeros(weights(m, 'fc1.w')) + zeros(weights(m, 'fc2.w'))).toBe(529);
    expect(r.stats.sparsity).toBe(0.9);
    const edges = r.stats.edgeRule as { layer: string; protected: boolean; reason?: string }[];
    expect(edges.map((e) => [e.layer, e.protected])).toEqual([
      ['fc3', true],
      ['fc1', false],
    ]);
    expect(edges[1]!.reason).toMatch(/holds 85 % of the weights/);
    expect(warnings.join('\n')).toMatch(/first-layer rule \(factor 0.5\) dropped for fc1/);
  });

  it('honours exclusions and overrides by pattern', async () => {
    const m = gemmMlp();
    await pruneMagnitude.run(
      m,
      pruneMagnitudeOptions.parse({ sparsity: 0.5, scope: 'layer', exclude: ['fc1*'], overrides: { 'fc3.w': 0.75 } }),
      testPassContext(),
    );
    expect(zeros(weights(m, 'fc1.w'))).toBe(0);
    expect(zeros(weights(m, 'fc2.w'))).toBe(32);
    expect(zeros(weights(m, 'fc3.w'))).toBe(18);
  });

  it('takes per-layer sparsity from a sensitivity file: the cheapest levels that reach the overall target', async () => {
    const layer = (name: string, drops: [number, number]) => ({
      node: name,
      output: `${name}.out`,
      weight: `${name}.w`,
      opType: 'Gemm',
      parameters: 0,
      results: [
        { sparsity: 0.5, value: 0.9 - drops[0], drop: drops[0], trial: `${name}-50` },
        { sparsity: 0.75, value: 0.9 - drops[1], drop: drops[1], trial: `${name}-75` },
      ],
    });
    const file = {
      schemaVersion: 1 as const,
      method: 'prune' as const,
      metric: 'accuracy' as const,
      model: { path: 'mlp.onnx', sha256: '0' },
      baseline: 0.9,
      options: {},
      layers: [layer('fc1', [0.2, 0.5]), layer('fc2', [0, 0.01]), layer('fc3', [0.05, 0.3])],
    };
    // 120 weights, 60 to prune: fc2 to 75 % (48, least drop per weight), then fc3 to 50 % (12).
    const m = gemmMlp();
    await pruneMagnitude.run(m, pruneMagnitudeOptions.parse({ sparsity: 0.5, sensitivity: file }), testPassContext());
    expect([zeros(weights(m, 'fc1.w')), zeros(weights(m, 'fc2.w')), zeros(weights(m, 'fc3.w'))]).toEqual([0, 48, 12]);
    const missing = { ...file, layers: file.layers.slice(0, 2) };
    await expect(
      pruneMagnitude.run(gemmMlp(), pruneMagnitudeOptions.parse({ sensitivity: missing }), testPassContext()),
    ).rejects.toMatchObject({ code: 'sensitivity/layer-missing', node: 'fc3' });
  });

  it('reports changed=false when nothing is prunable', async () => {
    const m = new Model();
    const x = m.graph.addInput('x', tensorType('float32', [1]));
    m.graph.addOutput(m.graph.addNode({ opType: 'Relu', inputs: [x], outputs: ['y'] }).output(0));
    const r = await pruneMagnitude.run(m, pruneMagnitudeOptions.parse({}), testPassContext());
    expect(r.changed).toBe(false);
  });
});

describe('distillation while fine-tuning', () => {
  it("uses the distill pass's soft-target defaults (T 4, alpha 0.9)", () => {
    expect(pruneMagnitudeOptions.parse({ distill: {} }).distill).toEqual({ temperature: 4, alpha: 0.9 });
  });
});

describe('gradual schedule', () => {
  it('steps through the polynomial schedule, overrides included, and never revives a pruned weight', async () => {
    const m = gemmMlp();
    const seen: number[][] = [];
    const ctx = {
      ...testPassContext(),
      logger: {
        debug() {},
        warn() {},
        info: (line: string) =>
          line.startsWith('step') && seen.push([zeros(weights(m, 'fc2.w')), zeros(weights(m, 'fc3.w'))]),
      },
    };
    const r = await pruneMagnitude.run(
      m,
      pruneMagnitudeOptions.parse({
        sparsity: 0.5,
        scope: 'layer',
        overrides: { fc3: 1 },
        schedule: { type: 'polynomial', steps: 2 },
      }),
      ctx,
    );
    // Step 1: s = 0.5·(1 − 0.5³) = 0.4375; fc1 (first layer) loses 0.4375/2 of 32 = 7, so fc2 loses
    // 0.4375 × 96 − 7 = 35 of 64; fc3's override scales to 0.875 → 21 of 24. Step 2: 48 − 8 = 40.
    expect(seen).toEqual([
      [35, 21],
      [40, 24],
    ]);
    expect((r.stats.steps as { step: number }[]).map((s) => s.step)).toEqual([1, 2]);
  });
});
