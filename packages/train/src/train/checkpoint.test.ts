import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { tempDir } from '@enxuto/test-support';
import { FormatError } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { fileCheckpointStore, CHECKPOINT_FILE } from '../file-checkpoint.js';
import { decodeCheckpoint, encodeCheckpoint, fingerprintOf, type Checkpoint } from './checkpoint.js';

const sample: Checkpoint = {
  fingerprint: fingerprintOf('run'),
  epochsDone: 2,
  optimizerStep: 17,
  history: [
    { epoch: 0, lr: 0.1, loss: 1.5, accuracy: 0.5 },
    { epoch: 1, lr: 0.1, loss: 0.75 },
  ],
  best: { epoch: 1, metric: 0.75 },
  sinceBest: 0,
  tensors: new Map([
    ['param:w', Float32Array.from([1, -2, 3.5])],
    ['slot:w/m', Float32Array.from([0.25, 0, -0])],
    ['param:empty', new Float32Array(0)],
  ]),
};

describe('checkpoint encoding', () => {
  it('round-trips every field and tensor bit for bit', () => {
    const back = decodeCheckpoint(encodeCheckpoint(sample));
    expect(back).toEqual(sample);
    expect(Object.is(back.tensors.get('slot:w/m')![2], -0)).toBe(true);
  });

  it('rejects truncated, padded and foreign bytes with a FormatError', () => {
    const bytes = encodeCheckpoint(sample);
    for (const bad of [
      bytes.subarray(0, bytes.length - 4),
      new Uint8Array([...bytes, 0, 0, 0, 0]),
      new TextEncoder().encode('hello world, not a checkpoint'),
    ]) {
      expect(() => decodeCheckpoint(bad)).toThrow(FormatError);
    }
    const hugeHeader = bytes.slice();
    new DataView(hugeHeader.buffer).setUint32(8, 0xffffffff, true);
    expect(() => decodeCheckpoint(hugeHeader)).toThrow(/header length/);
    const badJson = bytes.slice();
    badJson[12] = 0x7b + 1; // '{' -> '|'
    expect(() => decodeCheckpoint(badJson)).toThrow(/not JSON/);
  });

  it('fingerprints differ for different settings', () => {
    expect(fingerprintOf('{"lr":0.1}')).not.toBe(fingerprintOf('{"lr":0.2}'));
    expect(fingerprintOf('same')).toBe(fingerprintOf('same'));
  });
});

describe('fileCheckpointStore', () => {
  it('saves atomically (no temp file left) and loads what it saved', async () => {
    const dir = tempDir();
    try {
      const store = fileCheckpointStore(`${dir.path}/ckpt`);
      expect(await store.load()).toBeUndefined();
      await store.save(encodeCheckpoint(sample));
      await store.save(encodeCheckpoint({ ...sample, epochsDone: 3 }));
      expect(readdirSync(`${dir.path}/ckpt`)).toEqual([CHECKPOINT_FILE]);
      expect(decodeCheckpoint((await store.load())!).epochsDone).toBe(3);
    } finally {
      dir.cleanup();
    }
  });

  it('leaves the previous checkpoint intact when a save fails', async () => {
    const dir = tempDir();
    try {
      const store = fileCheckpointStore(dir.path);
      await store.save(encodeCheckpoint(sample));
      // A directory where the temp file should go makes the write fail.
      writeFileSync(`${dir.path}/blocker`, '');
      const blocked = fileCheckpointStore(`${dir.path}/blocker`);
      await expect(blocked.save(encodeCheckpoint(sample))).rejects.toThrow();
      expect(existsSync(`${dir.path}/${CHECKPOINT_FILE}`)).toBe(true);
      expect(decodeCheckpoint((await store.load())!).epochsDone).toBe(2);
    } finally {
      dir.cleanup();
    }
  });
});
