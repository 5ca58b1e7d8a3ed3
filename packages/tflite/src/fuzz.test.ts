// Fuzzing: 2,000 seeded mutations of real .tflite files. Every one must either read (and then
// write and read back) or fail with a typed EnxutoError: never a RangeError, TypeError, hang or
// out-of-memory.
import { readFileSync } from 'node:fs';
import { EnxutoError, mulberry32 } from '@enxuto/ir';
import { listLayerCases } from '@enxuto/tflite-interpreter';
import { sharedPath } from '@enxuto/test-support';
import { describe, expect, it } from 'vitest';
import { readTflite } from './read.js';
import { writeTflite } from './write.js';

const INTERESTING = [
  0, 1, 2, 3, 4, 7, 8, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe,
];

function mutate(src: Uint8Array, random: () => number): Uint8Array {
  const pick = (n: number) => Math.floor(random() * n);
  let bytes = new Uint8Array(src); // a copy (Buffer#slice would share memory)
  const rounds = 1 + pick(2);
  for (let r = 0; r < rounds; r++) {
    const kind = pick(12) % 7;
    const at = pick(bytes.length);
    if (kind === 0) bytes[at] = pick(256);
    else if (kind === 1) bytes[at] = bytes[at]! ^ (1 << pick(8));
    else if (kind === 2 && at + 4 <= bytes.length) {
      new DataView(bytes.buffer, bytes.byteOffset).setUint32(at & ~3, INTERESTING[pick(INTERESTING.length)]!, true);
    } else if (kind === 3 && random() < 0.3) bytes = bytes.slice(0, at);
    else if (kind === 4) {
      const len = pick(64);
      const out = new Uint8Array(bytes.length + len);
      out.set(bytes.subarray(0, at));
      out.set(bytes.subarray(at, at + len), at);
      out.set(bytes.subarray(at), at + Math.min(len, bytes.length - at));
      bytes = out;
    } else if (kind === 5 && at + 2 <= bytes.length) {
      new DataView(bytes.buffer, bytes.byteOffset).setUint16(
        at & ~1,
        INTERESTING[pick(INTERESTING.length)]! & 0xffff,
        true,
      );
    }
  }
  return bytes;
}

describe('fuzzing the reader and writer', () => {
  const layer = listLayerCases(sharedPath('conformance', 'tflite-layers'));
  const sources = [
    readFileSync(sharedPath('models', 'tflite-mnist-lstm', 'trained_lstm.tflite')),
    readFileSync(sharedPath('models', 'tflite-mnist-lstm', 'trained_lstm_int8.tflite')),
    ...[
      'add/add0',
      'conv/conv0',
      'leaky_relu/leaky_relu0',
      'pad/pad0',
      'quantize/quantize0',
      'strided_slice/strided_slice0',
      'sub/sub0',
      'transpose_conv/transpose_conv0',
    ].map((id) => readFileSync(layer.find((c) => c.id === id)!.modelPath)),
  ];

  it('2,000 seeded mutations end in a model or an EnxutoError, nothing else', () => {
    const random = mulberry32(20240607);
    const untyped: string[] = [];
    let read = 0;
    let rejected = 0;
    for (let i = 0; i < 2000; i++) {
      const src = sources[i % sources.length]!;
      const bytes = mutate(src, random);
      try {
        const model = readTflite(bytes, { file: `mutant-${i}.tflite` });
        read++;
        readTflite(writeTflite(model));
      } catch (e) {
        if (e instanceof EnxutoError) rejected++;
        else untyped.push(`mutant ${i}: ${(e as Error).name}: ${(e as Error).message}`);
      }
    }
    expect(untyped).toEqual([]);
    expect(read + rejected).toBe(2000);
    // Both outcomes occur, so the mutations neither always break nor never touch the structure.
    expect(read).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(100);
  });
});
