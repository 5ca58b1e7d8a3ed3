import { describe, expect, it } from 'vitest';
import type { Session } from '@enxuto/runtime';
import { digitFeeds, firstOutput, shiftDigit } from './feeds.js';

const session = (shape: (number | string)[]): Session => ({
  inputs: [{ name: 'in', dtype: 'float32', shape }],
  outputs: [],
  run: async () => ({}),
  release: async () => {},
});

describe('digit feeds', () => {
  it('scales the digit to the pixel range and uses the layout shape', () => {
    const d = new Float32Array(784);
    d[5] = 0.5;
    const f = digitFeeds(session(['N', 1, 28, 28]), { kind: 'mnist', input: 'in', layout: 'NCHW' }, d, 255)['in']!;
    expect(f.shape).toEqual([1, 1, 28, 28]);
    expect(f.data[5]).toBe(127.5);
    const g = digitFeeds(session([1, 28, 28, 1]), { kind: 'mnist', input: 'in', layout: 'NHWC' }, d, 1)['in']!;
    expect(g.shape).toEqual([1, 28, 28, 1]);
    expect(g.data[5]).toBe(0.5);
    const flat = digitFeeds(session(['N', 784]), { kind: 'mnist', input: 'in', layout: 'flat' }, d, 1)['in']!;
    expect(flat.shape).toEqual([1, 784]);
  });

  it('shifts a digit, dropping what leaves the frame', () => {
    const d = new Float32Array(784);
    d[0] = 1;
    d[27] = 2;
    const s = shiftDigit(d, 1, 2);
    expect(s[2 * 28 + 1]).toBe(1);
    expect(s.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('reads the first output as numbers, int64 included', () => {
    expect(firstOutput({ y: { dtype: 'int64', shape: [2], data: BigInt64Array.from([3n, -1n]) } })).toEqual([3, -1]);
    expect(firstOutput({})).toEqual([]);
  });
});
