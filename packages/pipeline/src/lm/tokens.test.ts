import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, FormatError } from '@enxuto/ir';
import { sharedPath } from '@enxuto/test-support';
import { tokensFromNpy, tokensFromText, windowsOf } from './tokens.js';

/** A little-endian .npy v1 of int64 values. */
function npyInt64(shape: number[], values: number[]): Uint8Array {
  let header = `{'descr': '<i8', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += `${' '.repeat(64 - ((10 + header.length + 1) % 64))}\n`;
  const out = new Uint8Array(10 + header.length + values.length * 8);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 255, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  new BigInt64Array(out.buffer, 10 + header.length).set(values.map(BigInt));
  return out;
}

describe('token windows', () => {
  it('a [rows, L] .npy is taken as windows, a [n] one is cut', () => {
    const w = tokensFromNpy(npyInt64([2, 3], [1, 2, 3, 4, 5, 6]), 't.npy');
    expect([w.rows, w.length, [...w.ids]]).toEqual([2, 3, [1, 2, 3, 4, 5, 6]]);
    const s = tokensFromNpy(npyInt64([7], [1, 2, 3, 4, 5, 6, 7]), 's.npy', 3);
    expect([s.rows, s.length, [...s.ids]]).toEqual([2, 3, [1, 2, 3, 4, 5, 6]]);
  });
  it('the held-out sample of tiny_gpt_bytes: 16 windows of 128 bytes', () => {
    const w = tokensFromNpy(readFileSync(sharedPath('models/zoo/tiny_gpt_bytes/heldout_tokens.npy')), 'heldout');
    expect([w.rows, w.length]).toEqual([16, 128]);
    expect(Math.max(...w.ids)).toBeLessThan(256);
  });
  it('refuses float ids, negative ids and streams shorter than a window', () => {
    expect(() => tokensFromNpy(npyInt64([2], [1, -1]), 'neg.npy', 2)).toThrow(FormatError);
    expect(() => windowsOf([1, 2], 3, 'short')).toThrow(ConfigError);
  });
  it('text through the model tokenizer (tiny-gpt2-hf byte-level BPE, <|endoftext|> kept as one id)', () => {
    const dir = sharedPath('models/zoo/tiny-gpt2-hf');
    const json = JSON.parse(readFileSync(`${dir}/tokenizer.json`, 'utf8'));
    const config = JSON.parse(readFileSync(`${dir}/tokenizer_config.json`, 'utf8'));
    const text = 'def main(self):\n    return 1\n<|endoftext|>import os\n';
    const w = tokensFromText(text.repeat(8), json, config, 16, 'text');
    expect(w.rows).toBeGreaterThan(1);
    expect([...w.ids]).toContain(0); // <|endoftext|> is id 0
  });
});
