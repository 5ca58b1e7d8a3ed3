import { describe, expect, it } from 'vitest';
import { concreteShape, generateInputs } from './inputs.js';

describe('generateInputs', () => {
  const infos = [
    { name: 'x', dtype: 'float32' as const, shape: ['N', 3, null, 4] },
    { name: 'ids', dtype: 'int64' as const, shape: [2] },
  ];

  it('fills symbolic dims: batch for the first, 1 for the rest', () => {
    expect(concreteShape(infos[0]!, { batch: 8 })).toEqual([8, 3, 1, 4]);
    expect(concreteShape(infos[0]!)).toEqual([1, 3, 1, 4]);
    expect(concreteShape(infos[0]!, { batch: 8, shapes: { x: [2, 3, 5, 4] } })).toEqual([2, 3, 5, 4]);
  });

  it('makes typed data of the right size, deterministic per seed', () => {
    const a = generateInputs(infos, { batch: 2, seed: 7 });
    const b = generateInputs(infos, { batch: 2, seed: 7 });
    const c = generateInputs(infos, { batch: 2, seed: 8 });
    expect(a.x!.data).toBeInstanceOf(Float32Array);
    expect(a.x!.data.length).toBe(2 * 3 * 4);
    expect(a.ids!.data).toBeInstanceOf(BigInt64Array);
    expect(Array.from(a.x!.data as Float32Array)).toEqual(Array.from(b.x!.data as Float32Array));
    expect(Array.from(a.x!.data as Float32Array)).not.toEqual(Array.from(c.x!.data as Float32Array));
    for (const v of a.x!.data as Float32Array) expect(v >= 0 && v < 1).toBe(true);
  });

  it('refuses non-tensor inputs and absurd shapes with errors naming the input', () => {
    expect(() => generateInputs([{ name: 's', dtype: undefined, shape: [] }])).toThrow(/input s/);
    expect(() => generateInputs([{ name: 'big', dtype: 'float32', shape: [1e6, 1e6] }])).toThrow(/big: shape/);
    expect(() => generateInputs([{ name: 'neg', dtype: 'float32', shape: [] }], { shapes: { neg: [-1] } })).toThrow(
      /neg: shape/,
    );
  });
});
