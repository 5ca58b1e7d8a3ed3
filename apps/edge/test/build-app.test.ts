import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { float32Tensor, Graph, Model } from '@enxuto/ir';
import { writeOnnxWithExternalData } from '@enxuto/onnx';
import { tempDir } from '@enxuto/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { copyModel } from '../scripts/build-app.js';

const concat = (chunks: Uint8Array[]) =>
  Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));

function writeModel(dir: string, location: string): string {
  const m = new Model(new Graph('g'));
  const x = m.graph.addInput('x', { kind: 'tensor', dtype: 'float32', shape: [1, 4] });
  const w = m.graph.addInitializer(
    'W',
    float32Tensor(
      [4, 4],
      Array.from({ length: 16 }, (_, i) => i),
    ),
  );
  m.graph.setOutputs([m.graph.addNode({ opType: 'MatMul', inputs: [x, w], outputs: ['y'] }).output()]);
  const parts = writeOnnxWithExternalData(m, { externalData: { location, threshold: 16 } });
  writeFileSync(join(dir, 'src.onnx'), concat(parts.model));
  writeFileSync(join(dir, location), concat(parts.data));
  return join(dir, 'src.onnx');
}

describe('copyModel', () => {
  const tmp = tempDir('enxuto-edge-copy-');
  afterAll(() => tmp.cleanup());

  it('copies the model and the external data it names into its own folder', () => {
    const src = writeModel(tmp.path, 'weights.bin');
    const total = copyModel(src, join(tmp.path, 'out', 'm1'));
    expect(readFileSync(join(tmp.path, 'out', 'm1', 'model.onnx'))).toEqual(readFileSync(src));
    expect(readFileSync(join(tmp.path, 'out', 'm1', 'weights.bin'))).toEqual(
      readFileSync(join(tmp.path, 'weights.bin')),
    );
    expect(total).toBe(readFileSync(src).length + 64);
  });

  it('refuses a model whose external data would come from outside its folder', () => {
    const src = writeModel(tmp.path, 'weights.bin');
    const bytes = readFileSync(src);
    const at = bytes.indexOf('weights.bin');
    bytes.write('../x/ts.bin', at, 'latin1');
    writeFileSync(src, bytes);
    expect(() => copyModel(src, join(tmp.path, 'out', 'm2'))).toThrow(
      expect.objectContaining({ field: 'external_data.location' }),
    );
    expect(existsSync(join(tmp.path, 'out', 'm2'))).toBe(false);
  });
});
