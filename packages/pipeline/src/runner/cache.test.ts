import { readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkFile, ProtectedFiles } from '@enxuto/io/node';
import { Graph, Model, float32Tensor } from '@enxuto/ir';
import { writeOnnxBytes } from '@enxuto/onnx';
import { tempDir } from '@enxuto/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson, PassCache, sha256, stepKey } from './cache.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir('enxuto-cache-');
});
afterEach(() => dir.cleanup());

function modelBytes(values: number[]): Uint8Array {
  const g = new Graph('g');
  const x = g.addInput('x', { kind: 'tensor', dtype: 'float32', shape: [values.length] });
  const y = g.addNode({
    opType: 'Add',
    inputs: [x, g.addInitializer('w', float32Tensor([values.length], values))],
    outputs: ['y'],
  });
  g.setOutputs([y.output()]);
  const m = new Model(g);
  m.opsetImports.set('', 17);
  return writeOnnxBytes(m);
}

describe('pass cache', () => {
  it('keys do not depend on option order but on every input', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: 1 }] })).toBe('{"a":[{"x":1,"y":2}],"b":1}');
    const k = stepKey('prev', 'p', '1', { a: 1, b: 2 }, 0);
    expect(stepKey('prev', 'p', '1', { b: 2, a: 1 }, 0)).toBe(k);
    expect(stepKey('prev', 'p', '1', { a: 1, b: 3 }, 0)).not.toBe(k);
    expect(stepKey('prev', 'p', '1', { a: 1, b: 2 }, 1)).not.toBe(k);
    expect(stepKey('other', 'p', '1', { a: 1, b: 2 }, 0)).not.toBe(k);
    expect(stepKey('prev', 'p', '2', { a: 1, b: 2 }, 0)).not.toBe(k);
  });

  it('stores and returns a step, parsed and checked; a damaged entry is a miss', () => {
    const cache = new PassCache(join(dir.path, 'c'));
    const step = { changed: true, stats: { n: 3 }, modelBytes: modelBytes([1, 2]) };
    cache.put('abc', step);
    const hit = cache.get('abc')!;
    expect({ changed: hit.changed, stats: hit.stats, modelBytes: hit.modelBytes }).toEqual(step);
    expect(hit.model.graph.value('w')!.const!.size).toBe(2);
    expect(cache.get('missing')).toBeUndefined();
    const bad = new Uint8Array(step.modelBytes);
    bad[bad.length - 1] ^= 1;
    writeFileSync(join(dir.path, 'c', 'abc.onnx'), bad);
    expect(cache.get('abc')).toBeUndefined();
    expect(readdirSync(join(dir.path, 'c')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('does not serve a foreign entry: a model swapped in with its hash record updated, or another key', () => {
    const cache = new PassCache(join(dir.path, 'c'));
    cache.put('abc', { changed: true, stats: {}, modelBytes: modelBytes([1, 2]) });
    cache.put('def', { changed: true, stats: {}, modelBytes: modelBytes([3, 4]) });
    // Another entry's files under this key: the record names its own key.
    writeFileSync(join(dir.path, 'c', 'abc.onnx'), readFileSync(join(dir.path, 'c', 'def.onnx')));
    writeFileSync(join(dir.path, 'c', 'abc.json'), readFileSync(join(dir.path, 'c', 'def.json')));
    expect(cache.get('abc')).toBeUndefined();
    // Bytes that hash right but are no valid model (checkModel refuses a dangling value).
    const junk = new TextEncoder().encode('not a model');
    writeFileSync(join(dir.path, 'c', 'abc.onnx'), junk);
    writeFileSync(
      join(dir.path, 'c', 'abc.json'),
      JSON.stringify({ key: 'abc', changed: true, stats: {}, sha256: sha256(junk) }),
    );
    expect(cache.get('abc')).toBeUndefined();
  });

  it('refuses a symlinked cache folder, and never writes an entry over a protected file', () => {
    symlinkSync(dir.path, join(dir.path, 'link'));
    expect(() => new PassCache(join(dir.path, 'link'))).toThrowError(
      expect.objectContaining({ code: 'cache/symlink' }),
    );
    const input = join(dir.path, 'input.onnx');
    writeFileSync(input, modelBytes([5]));
    symlinkSync(input, join(dir.path, 'k.onnx'));
    const cache = new PassCache(dir.path, new ProtectedFiles().add(checkFile(input)));
    expect(() => cache.put('k', { changed: false, stats: {}, modelBytes: modelBytes([6]) })).toThrowError(
      expect.objectContaining({ code: 'io/overwrite-input' }),
    );
    expect(readFileSync(input)).toEqual(Buffer.from(modelBytes([5])));
  });
});
