// BAD_INPUTS 1, 2, 4, 5, 6, 8: external_data entries are refused by string rules alone.
import { FormatError } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import type { StringStringEntryProto } from '../schema/messages.js';
import { normalizeLocation, parseExternalData, regionFits } from './location.js';
import { memoryExternalData } from './resolver.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FormatError);
    return (e as FormatError).code;
  }
  return 'no error';
}

const entries = (o: [string, string][]): StringStringEntryProto[] => o.map(([key, value]) => ({ key, value }));

describe('external data locations', () => {
  const refused: [string, string][] = [
    ['../../etc/passwd', 'parent escape'],
    ['w/../../x', 'escape through a folder'],
    ['./a/../../x', 'escape after ./'],
    ['a/..', 'any .. segment'],
    ['..\\x', 'backslash escape'],
    ['/x', 'absolute'],
    ['//x', 'network path'],
    ['C:\\x', 'drive letter'],
    ['c:x', 'drive-relative'],
    ['\\\\srv\\x', 'UNC'],
    ['file:x', 'file: URL'],
    ['http://x', 'remote URL'],
    ['', 'empty'],
    ['.', 'the folder itself'],
    ['./', 'the folder itself, with a slash'],
    ['*/_ORT_MEM_ADDR_/*', 'onnxruntime memory marker'],
    ['#0x7f00', 'in-memory marker'],
    ['a\0b', 'NUL byte'],
    ['data.bin:stream', 'alternate data stream'],
  ];
  for (const [loc, why] of refused) {
    it(`refuses ${JSON.stringify(loc)} (${why})`, () => {
      expect(codeOf(() => normalizeLocation(loc, { file: 'm.onnx' }))).toBe('onnx/external-location');
    });
  }

  it('normalizes harmless forms', () => {
    expect(normalizeLocation('./weights//w.bin')).toBe('weights/w.bin');
    expect(normalizeLocation('weights\\w.bin')).toBe('weights/w.bin');
    // Percent-encoded path characters are refused rather than guessed at (decoded or literal).
    expect(codeOf(() => normalizeLocation('%2e%2e/x'))).toBe('onnx/external-location');
  });
});

describe('external_data entries', () => {
  it('parses location, offset, length and checksum', () => {
    const ref = parseExternalData(
      entries([
        ['location', 'w.bin'],
        ['offset', '4096'],
        ['length', '16'],
        ['checksum', 'abc'],
      ]),
    );
    expect(ref).toEqual({ location: 'w.bin', offset: 4096, length: 16, checksum: 'abc' });
  });

  const badNumbers = [
    '-1',
    '1e3',
    '0x10',
    ' 5',
    '5 ',
    '+5',
    '1.5',
    '',
    'NaN',
    '9007199254740992',
    '99999999999999999999',
  ];
  for (const n of badNumbers) {
    it(`refuses offset / length ${JSON.stringify(n)}`, () => {
      expect(
        codeOf(() =>
          parseExternalData(
            entries([
              ['location', 'w.bin'],
              ['offset', n],
            ]),
          ),
        ),
      ).toBe('onnx/external-number');
      expect(
        codeOf(() =>
          parseExternalData(
            entries([
              ['location', 'w.bin'],
              ['length', n],
            ]),
          ),
        ),
      ).toBe('onnx/external-number');
    });
  }

  for (const key of ['__proto__', 'constructor', 'prototype', 'basepath', 'toString']) {
    it(`refuses key ${key} without touching any prototype`, () => {
      expect(
        codeOf(() =>
          parseExternalData(
            entries([
              ['location', 'w.bin'],
              [key, 'polluted'],
            ]),
          ),
        ),
      ).toBe('onnx/external-key');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
    });
  }

  it('refuses a missing location and repeated keys', () => {
    expect(codeOf(() => parseExternalData(entries([['offset', '0']])))).toBe('onnx/external-location');
    expect(
      codeOf(() =>
        parseExternalData(
          entries([
            ['location', 'a'],
            ['location', 'b'],
          ]),
        ),
      ),
    ).toBe('onnx/external-key');
  });
});

describe('region bounds (BAD_INPUTS 7)', () => {
  it('uses the overflow-free rule', () => {
    expect(regionFits(0, 10, 10)).toBe(true);
    expect(regionFits(1, 10, 10)).toBe(false);
    expect(regionFits(10, 0, 10)).toBe(true);
    expect(regionFits(11, 0, 10)).toBe(false);
    expect(regionFits(Number.MAX_SAFE_INTEGER, 2, 10)).toBe(false);
    expect(regionFits(2, Number.MAX_SAFE_INTEGER, 10)).toBe(false);
  });

  it('memoryExternalData returns views and refuses regions past the end', () => {
    const data = Uint8Array.from({ length: 32 }, (_, i) => i);
    const r = memoryExternalData({ 'w.bin': data });
    const got = r.resolve({
      location: 'w.bin',
      offset: 8,
      length: 8,
      checksum: undefined,
      byteLength: 8,
      tensor: 't',
    }) as Uint8Array;
    expect(got.buffer).toBe(data.buffer);
    expect(Array.from(got)).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
    expect(
      codeOf(() =>
        r.resolve({
          location: 'w.bin',
          offset: 30,
          length: undefined,
          checksum: undefined,
          byteLength: 8,
          tensor: 't',
        }),
      ),
    ).toBe('onnx/external-range');
    expect(
      codeOf(() =>
        r.resolve({ location: 'x.bin', offset: 0, length: undefined, checksum: undefined, byteLength: 8, tensor: 't' }),
      ),
    ).toBe('onnx/external-missing');
  });
});
