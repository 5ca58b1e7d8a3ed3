import { concatBytes, Graph, LazyTensor, Model, UnsupportedError, float32Tensor, tensorFromBytes } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { memoryExternalData } from '../external/resolver.js';
import { readOnnx } from '../read/read-model.js';
import { writeOnnx, writeOnnxWithExternalData } from './write-model.js';

function modelWith(...tensors: [string, ReturnType<typeof float32Tensor>][]): Model {
  const g = new Graph('g');
  g.setOutputs(tensors.map(([n, t]) => g.addInitializer(n, t)));
  return new Model(g);
}

describe('writeOnnx chunks', () => {
  it('big tensor bytes are the chunks themselves; small ones are merged', () => {
    const big = new Uint8Array(200_000).fill(3);
    const m = modelWith(
      ['a', float32Tensor([2], [1, 2])],
      ['big', tensorFromBytes('uint8', [200_000], big)],
      ['c', float32Tensor([1], [5])],
    );
    const chunks = writeOnnx(m);
    expect(chunks.filter((c) => c === big)).toHaveLength(1);
    expect(chunks.length).toBeLessThanOrEqual(3);
    expect(Buffer.from(readOnnx(concatBytes(chunks)).graph.value('big')!.const!.bytes()).equals(Buffer.from(big))).toBe(
      true,
    );
  });

  it('refuses inline models over 2 GiB before loading any lazy bytes', () => {
    let loads = 0;
    const huge = new LazyTensor('uint8', [2 ** 31], () => {
      loads++;
      return new Uint8Array(0);
    });
    const e = (() => {
      try {
        writeOnnx(modelWith(['huge', huge]));
      } catch (err) {
        return err as UnsupportedError;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(UnsupportedError);
    expect(e!.code).toBe('onnx/too-large');
    expect(loads).toBe(0);
  });
});

describe('external data in memory (browser-safe path)', () => {
  it('writes a data file that memoryExternalData reads back as views', () => {
    const w = Float32Array.from({ length: 5000 }, (_, i) => i / 7);
    const m = modelWith(['w', float32Tensor([5000], w)], ['b', float32Tensor([3], [1, 2, 3])]);
    const out = writeOnnxWithExternalData(m, { externalData: { location: 'weights.bin', threshold: 100 } });
    const data = concatBytes(out.data);
    expect(data.byteLength).toBe(20000);
    const back = readOnnx(concatBytes(out.model), { externalData: memoryExternalData({ 'weights.bin': data }) });
    const t = back.graph.value('w')!.const!;
    expect(t.bytes().buffer).toBe(data.buffer);
    expect(Array.from(t.toFloat32())).toEqual(Array.from(w));
    expect(Array.from(back.graph.value('b')!.const!.toFloat32())).toEqual([1, 2, 3]);
  });

  it('refuses a data location that could escape the model folder', () => {
    const m = modelWith(['w', float32Tensor([1], [1])]);
    expect(() => writeOnnxWithExternalData(m, { externalData: { location: '../w.bin' } })).toThrow(
      /'\.\.' segments are not allowed/,
    );
  });
});
