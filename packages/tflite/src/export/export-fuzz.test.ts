// Model files are untrusted: attributes and constants of real graphs mutated at random must end
// in a result or a typed EnxutoError from exportToTflite (and writeTflite), never anything else.
import { attr, cloneModel, isEnxutoError, tensorFromValues, type Model } from '@enxuto/ir';
import { readOnnxFile } from '@enxuto/onnx/node';
import { sharedPath } from '@enxuto/test-support';
import { describe, expect, it } from 'vitest';
import { writeTflite } from '../write.js';
import { exportToTflite } from './export-tflite.js';

const PICKS = [-7, -1, 0, 1, 2, 3, 5, 28, 1000, 2 ** 31];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function mutate(src: Model, random: () => number): Model {
  const m = cloneModel(src);
  const nodes = [...m.graph];
  const n = nodes[Math.floor(random() * nodes.length)]!;
  const pick = () => PICKS[Math.floor(random() * PICKS.length)]!;
  const what = random();
  if (what < 0.6) {
    const names = ['kernel_shape', 'strides', 'pads', 'dilations', 'group', 'axis', 'auto_pad', 'transB', 'perm'];
    const name = names[Math.floor(random() * names.length)]!;
    if (name === 'group' || name === 'axis' || name === 'transB') n.setAttr(name, attr.int(pick()));
    else if (name === 'auto_pad')
      n.setAttr(name, attr.string(['SAME_LOWER', 'VALID', 'BOGUS'][Math.floor(random() * 3)]!));
    else n.setAttr(name, attr.ints(Array.from({ length: 1 + Math.floor(random() * 5) }, pick)));
  } else {
    // Replace a constant input by one of another shape or type.
    const slot = Math.floor(random() * n.inputs.length);
    const v = n.input(slot);
    if (v !== null && v.const !== undefined) {
      const dims = Array.from({ length: Math.floor(random() * 4) }, () => 1 + Math.floor(random() * 4));
      const size = dims.reduce((p, d) => p * d, 1);
      const t =
        random() < 0.5
          ? tensorFromValues(
              'int64',
              dims,
              Array.from({ length: size }, () => BigInt(pick())),
            )
          : tensorFromValues('float32', dims, Array.from({ length: size }, pick));
      m.graph.setConst(m.graph.value(v.name)!, t);
    }
  }
  return m;
}

describe('exportToTflite on mutated models', () => {
  it('2,000 seeded mutations of mnist-8: every one exports or fails with an EnxutoError', () => {
    const base = readOnnxFile(sharedPath('models', 'onnx-mnist-8', 'mnist.onnx'));
    const random = rng(20261128);
    let exported = 0;
    let refused = 0;
    const other: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const m = mutate(base, random);
      try {
        writeTflite(exportToTflite(m, { mode: (['float32', 'float16', 'dynamic-int8'] as const)[i % 3] }));
        exported++;
      } catch (e) {
        if (isEnxutoError(e)) refused++;
        else other.push(`${i}: ${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')}`);
      }
    }
    expect(other).toEqual([]);
    expect(exported + refused).toBe(2000);
    expect(refused).toBeGreaterThan(100);
    expect(exported).toBeGreaterThan(100);
  });
});
