import { float32Tensor, Graph, Model } from '@enxuto/ir';
import { writeOnnxWithExternalData } from '@enxuto/onnx';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  externalLocations,
  loadCatalog,
  loadFromFiles,
  loadFromUrl,
  sameOriginUrl,
  siblingUrl,
} from './model-source.js';

/** y = x @ W with W (4x4 floats, 64 bytes) stored in the external file `location`. */
function modelWithExternalData(location: string): { onnx: Uint8Array; data: Uint8Array } {
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
  const join = (chunks: Uint8Array[]) => {
    const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
    let o = 0;
    for (const c of chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  };
  return { onnx: join(parts.model), data: join(parts.data) };
}

/** Rewrites a same-length string inside the model bytes (to plant a hostile location). */
function replaceBytes(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const enc = new TextEncoder();
  const a = enc.encode(from),
    b = enc.encode(to);
  expect(b.length).toBe(a.length);
  const out = bytes.slice();
  for (let i = 0; i + a.length <= out.length; i++) {
    if (a.every((v, k) => out[i + k] === v)) {
      out.set(b, i);
      return out;
    }
  }
  throw new Error(`${from} not found`);
}

function mockFetch(files: Record<string, Uint8Array | string>) {
  const calls: string[] = [];
  vi.stubGlobal('fetch', async (input: URL | string) => {
    const url = String(input);
    calls.push(url);
    const body = files[url];
    if (body === undefined) return new Response('missing', { status: 404 });
    return new Response(body as BodyInit, { status: 200 });
  });
  return calls;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('model locations', () => {
  it('accepts only same-origin http(s) URLs', () => {
    expect(sameOriginUrl('models/a.onnx', 'http://pi.local:8080/').href).toBe('http://pi.local:8080/models/a.onnx');
    for (const bad of [
      'http://evil.example/a.onnx',
      '//evil.example/a.onnx',
      'data:application/octet-stream,xx',
      'file:///etc/passwd',
    ]) {
      expect(() => sameOriginUrl(bad, 'http://pi.local:8080/'), bad).toThrow(
        expect.objectContaining({ code: 'edge/cross-origin' }),
      );
    }
  });

  it('resolves external data inside the model folder only', () => {
    const model = new URL('http://pi.local/models/sub/m.onnx');
    expect(siblingUrl(model, 'w/x.bin').href).toBe('http://pi.local/models/sub/w/x.bin');
    expect(siblingUrl(model, 'a?b#c.bin').href).toBe('http://pi.local/models/sub/a%3Fb%23c.bin');
    for (const bad of ['../x.bin', 'w/../../x', '%2e%2e/x', '/etc/passwd', 'http://evil/x', '\\\\srv\\x', '#mem', '']) {
      expect(() => siblingUrl(model, bad), bad).toThrow(expect.objectContaining({ code: 'path/unsafe' }));
    }
  });
});

describe('external data', () => {
  const { onnx, data } = modelWithExternalData('weights.bin');

  it('lists the locations a model names without reading the data', () => {
    expect(externalLocations(onnx, 'm.onnx')).toEqual(['weights.bin']);
  });

  it('joins external data from files opened together with the model', async () => {
    const m = await loadFromFiles([
      new File([onnx as BlobPart], 'm.onnx'),
      new File([data as BlobPart], 'weights.bin'),
    ]);
    expect(m.size).toBe(onnx.length + data.length);
    expect(m.model).toBeInstanceOf(Model);
    const w = (m.model as Model).graph.initializers().find((v) => v.name === 'W')!;
    expect(Array.from(w.const!.toFloat32())).toEqual(Array.from({ length: 16 }, (_, i) => i));
  });

  it('names the missing data file when it was not opened', async () => {
    await expect(loadFromFiles([new File([onnx as BlobPart], 'm.onnx')])).rejects.toMatchObject({
      code: 'onnx/external-missing',
      file: 'm.onnx',
    });
  });

  it('fetches external data beside a same-origin model URL', async () => {
    const calls = mockFetch({ 'http://pi.local/models/m.onnx': onnx, 'http://pi.local/models/weights.bin': data });
    const m = await loadFromUrl('models/m.onnx', 'http://pi.local/');
    expect(m.name).toBe('m.onnx');
    expect(m.size).toBe(onnx.length + data.length);
    expect(calls).toEqual(['http://pi.local/models/m.onnx', 'http://pi.local/models/weights.bin']);
  });

  it('refuses a hostile location before fetching anything but the model', async () => {
    const hostile = replaceBytes(onnx, 'weights.bin', '../../x.bin');
    const calls = mockFetch({ 'http://pi.local/models/m.onnx': hostile });
    await expect(loadFromUrl('models/m.onnx', 'http://pi.local/')).rejects.toMatchObject({
      name: 'FormatError',
      field: 'external_data.location',
    });
    expect(calls).toEqual(['http://pi.local/models/m.onnx']);
  });

  it('refuses a cross-origin URL without fetching', async () => {
    const calls = mockFetch({});
    await expect(loadFromUrl('https://evil.example/m.onnx', 'http://pi.local/')).rejects.toMatchObject({
      code: 'edge/cross-origin',
    });
    expect(calls).toEqual([]);
  });
});

describe('loadCatalog', () => {
  it('reads models.json and checks each file name', async () => {
    mockFetch({
      'http://pi.local/models/models.json': JSON.stringify({
        models: [{ id: 'a', name: 'A', file: 'a.onnx', bytes: 10, pixelRange: 255 }],
      }),
    });
    expect(await loadCatalog('http://pi.local/')).toEqual([
      { id: 'a', name: 'A', file: 'a.onnx', bytes: 10, pixelRange: 255 },
    ]);
  });

  it('refuses an entry that points outside models/', async () => {
    mockFetch({
      'http://pi.local/models/models.json': JSON.stringify({
        models: [{ id: 'a', name: 'A', file: '../secret', bytes: 1 }],
      }),
    });
    await expect(loadCatalog('http://pi.local/')).rejects.toMatchObject({ code: 'path/unsafe' });
  });

  it('refuses malformed entries and treats a missing list as empty', async () => {
    mockFetch({ 'http://pi.local/models/models.json': JSON.stringify({ models: [{ id: 1 }] }) });
    await expect(loadCatalog('http://pi.local/')).rejects.toMatchObject({ code: 'edge/bad-catalog' });
    mockFetch({});
    expect(await loadCatalog('http://pi.local/')).toEqual([]);
  });
});
