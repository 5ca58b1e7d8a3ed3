import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@enxuto/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError } from './errors.js';
import { MAX_NPY_HEADER_BYTES, npyToFloat32, parseNpy } from './npy.js';
import { openDataset } from './open-dataset.js';
import { describeFailure } from './describe-failure.js';
import { npyBytes as npy, type NpyTyped } from './npy-fixture.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const write = (name: string, bytes: Uint8Array) => {
  writeFileSync(join(tmp.path, name), bytes);
  return name;
};

describe('parseNpy', () => {
  it('round-trips every supported dtype and header version', () => {
    const cases: [string, NpyTyped, number[]][] = [
      ['<f4', Float32Array.from([1.5, -2, 3.25]), [1.5, -2, 3.25]],
      ['<f8', Float64Array.from([0.1, 1e10, -7]), [Math.fround(0.1), 1e10, -7]],
      ['|u1', Uint8Array.from([0, 128, 255]), [0, 128, 255]],
      ['<i4', Int32Array.from([-5, 0, 2 ** 30]), [-5, 0, 2 ** 30]],
      ['<i8', BigInt64Array.from([-3n, 9n, 2n ** 40n]), [-3, 9, 2 ** 40]],
    ];
    for (const version of [1, 2, 3]) {
      for (const [descr, data, expected] of cases) {
        const parsed = parseNpy(npy(descr, [3], data, version), 'x.npy', 'data');
        expect(parsed.shape).toEqual([3]);
        expect(Array.from(npyToFloat32(parsed, 0, 3))).toEqual(expected);
      }
    }
  });

  it('parses headers with double quotes, a 0-d shape and no trailing comma', () => {
    const parsed = parseNpy(
      npy('', [], Float32Array.from([4]), 1, `{"descr": "<f4", "shape": (), "fortran_order": False}`),
      'x.npy',
      'data',
    );
    expect(parsed.shape).toEqual([]);
    expect(npyToFloat32(parsed, 0, 1)[0]).toBe(4);
  });

  it('never evaluates the header and names the file and field of each problem', () => {
    const f4 = Float32Array.from([1, 2]);
    const bad = (header: string) => () => parseNpy(npy('<f4', [2], f4, 1, header), 'x.npy', 'data');
    expect(
      describeFailure(bad(`{'descr': __import__('os').system('x'), 'fortran_order': False, 'shape': (2,)}`)),
    ).toMatch(/x\.npy, field data\.header: malformed header at character 10/);
    expect(describeFailure(bad(`{'descr': '<f4', 'fortran_order': True, 'shape': (2,)}`))).toMatch(
      /field data\.fortran_order: Fortran-order/,
    );
    expect(describeFailure(bad(`{'descr': '>f4', 'fortran_order': False, 'shape': (2,)}`))).toMatch(
      /field data\.descr: dtype '>f4' is not supported/,
    );
    expect(describeFailure(bad(`{'descr': '<c8', 'fortran_order': False, 'shape': (2,)}`))).toMatch(/dtype '<c8'/);
    expect(describeFailure(bad(`{'descr': '<f4', 'fortran_order': False, 'shape': (2, -1)}`))).toMatch(
      /non-negative integer/,
    );
    expect(describeFailure(bad(`{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}`))).toMatch(
      /duplicate key/,
    );
    expect(describeFailure(bad(`{'descr': '<f4', 'fortran_order': False}`))).toMatch(
      /field data\.shape: header has no 'shape'/,
    );
    expect(describeFailure(bad(`{'descr': '<f4', 'fortran_order': False, 'shape': (3,)}`))).toMatch(
      /field data\.shape: .*needs 12 data bytes, the file has 8/,
    );
    expect(describeFailure(bad(`{'descr': '<f4', 'fortran_order': False, 'shape': (1,)}`))).toMatch(
      /needs 4 data bytes, the file has 8/,
    );
    expect(bad(`{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 99999999999)}`)).toThrow(FormatError);
  });

  it('bounds the header length and checks it against the file', () => {
    const file = npy('<f4', [1], Float32Array.from([1]), 2);
    new DataView(file.buffer).setUint32(8, MAX_NPY_HEADER_BYTES + 1, true);
    expect(describeFailure(() => parseNpy(file, 'x.npy', 'data'))).toMatch(
      /header of 65537 bytes is longer than 65536/,
    );
    new DataView(file.buffer).setUint32(8, 60_000, true);
    expect(describeFailure(() => parseNpy(file, 'x.npy', 'data'))).toMatch(
      /header says 60000 bytes but the file ends first/,
    );
    expect(describeFailure(() => parseNpy(new Uint8Array(5), 'x.npy', 'data'))).toMatch(/missing \\x93NUMPY magic/);
  });
});

describe('npy datasets', () => {
  it('uses the first axis as samples, with labels, preprocessing and batching', () => {
    const data = Float32Array.from({ length: 4 * 2 * 3 }, (_, i) => i);
    write('x.npy', npy('<f4', [4, 2, 3], data));
    write('y.npy', npy('<i8', [4], BigInt64Array.from([0n, 2n, 1n, 2n])));
    const ds = openDataset(
      {
        type: 'npy',
        data: 'x.npy',
        labels: 'y.npy',
        preprocess: { scale: 2, mean: [0, 6], layout: 'NCHW', shape: [1, 6] },
      },
      { baseDir: tmp.path },
    );
    expect([ds.size, ds.numClasses, ds.shape]).toEqual([4, 3, [6]]);
    // Sample 1 holds 6..11; channel 1 (values 9, 10, 11) gets mean 6 after scaling by 2.
    expect(Array.from(ds.sample(1).input)).toEqual([12, 14, 16, 12, 14, 16]);
    const [batch] = [...ds.batches(4)];
    expect(batch!.shape).toEqual([4, 6]);
    expect(Array.from(batch!.labels!)).toEqual([0, 2, 1, 2]);
  });

  it('rejects labels that do not match the samples', () => {
    write('x2.npy', npy('<f4', [2, 1], Float32Array.from([1, 2])));
    write('three.npy', npy('<i4', [3], Int32Array.from([0, 1, 2])));
    write('frac.npy', npy('<f4', [2], Float32Array.from([0, 1.5])));
    write('wide.npy', npy('<i4', [2, 2], Int32Array.from([0, 1, 2, 3])));
    const open = (labels: string) => () => openDataset({ type: 'npy', data: 'x2.npy', labels }, { baseDir: tmp.path });
    expect(describeFailure(open('three.npy'))).toMatch(
      /three\.npy, field data\.labels\.count: 3 labels but .*x2\.npy has 2 samples/,
    );
    expect(describeFailure(open('frac.npy'))).toMatch(
      /frac\.npy, field data\.labels\[1\]: label 1\.5 is not a class index/,
    );
    expect(describeFailure(open('wide.npy'))).toMatch(/labels must have shape \(N,\) or \(N, 1\), got \(2, 2\)/);
    expect(() =>
      openDataset({ type: 'npy', data: 'x2.npy', labels: 'three.npy', numClasses: 1 }, { baseDir: tmp.path }),
    ).toThrow(FormatError);
  });
});
