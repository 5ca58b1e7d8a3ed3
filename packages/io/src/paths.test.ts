import { FormatError } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { checkRelativeLocation } from './paths.js';

describe('checkRelativeLocation', () => {
  it.each([
    '../../etc/passwd',
    'w/../../x',
    './a/../../x',
    'a/../b',
    '/x',
    '//x',
    'C:\\x',
    'C:x',
    '\\\\srv\\x',
    'file:x',
    'http://x',
    '',
    '.',
    './',
    '*/_ORT_MEM_ADDR_/*',
    '#123',
    '%2e%2e/x',
    'a\\b',
    'a\0b',
    'w.bin:stream',
  ])('rejects %j with a typed error naming the field', (loc) => {
    let err: unknown;
    try {
      checkRelativeLocation(loc, { file: 'm.onnx', field: 'external_data.location' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FormatError);
    expect(err).toMatchObject({ code: 'path/unsafe', file: 'm.onnx', field: 'external_data.location' });
  });

  it('reads backslashes as separators only when asked, and still refuses absolute and UNC forms', () => {
    expect(checkRelativeLocation('weights\\w.bin', { backslashSeparators: true })).toEqual(['weights', 'w.bin']);
    expect(() => checkRelativeLocation('\\\\srv\\x', { backslashSeparators: true })).toThrow(/absolute/);
    expect(() => checkRelativeLocation('a\\..\\..\\x', { backslashSeparators: true })).toThrow(/'\.\.'/);
  });

  it('accepts plain relative paths and normalises them', () => {
    expect(checkRelativeLocation('weights.bin')).toEqual(['weights.bin']);
    expect(checkRelativeLocation('./data/w.bin')).toEqual(['data', 'w.bin']);
  });
});
