import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { tempDir } from '@enxuto/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestedLocation, serveEdge, type EdgeServer } from './serve.js';

/** A raw GET: fetch() would normalise '..' away before it reaches the server. */
function get(
  port: number,
  path: string,
  method = 'GET',
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolveGet, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolveGet({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serveEdge', () => {
  const tmp = tempDir('enxuto-edge-serve-');
  const app = join(tmp.path, 'app');
  let served: EdgeServer;

  beforeAll(async () => {
    mkdirSync(join(app, 'ort'), { recursive: true });
    writeFileSync(join(app, 'index.html'), '<!doctype html><title>edge</title>');
    writeFileSync(join(app, 'ort', 'x.wasm'), new Uint8Array([0, 0x61, 0x73, 0x6d]));
    writeFileSync(join(app, 'sw.js'), 'self;');
    writeFileSync(join(tmp.path, 'secret.txt'), 'top secret');
    symlinkSync(join(tmp.path, 'secret.txt'), join(app, 'link.txt'));
    served = await serveEdge({ dir: app, port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await served.close();
    tmp.cleanup();
  });

  it('serves index.html at / with cross-origin isolation headers', async () => {
    const r = await get(served.port, '/');
    expect(r.status).toBe(200);
    expect(r.body).toContain('<title>edge</title>');
    expect(r.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(r.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(served.urls).toEqual([`http://127.0.0.1:${served.port}/`]);
  });

  it('serves wasm as application/wasm and scripts as javascript', async () => {
    const wasm = await get(served.port, '/ort/x.wasm');
    expect(wasm.status).toBe(200);
    expect(wasm.headers['content-type']).toBe('application/wasm');
    expect(wasm.headers['content-length']).toBe('4');
    const sw = await get(served.port, '/sw.js');
    expect(sw.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it.each([
    '/../secret.txt',
    '/ort/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/..%2fsecret.txt',
    '/ort%2f..%2f..%2fsecret.txt',
    '/..\\secret.txt',
    '/link.txt',
    '//etc/passwd',
    '/missing.js',
  ])('refuses %s with 404 and leaks nothing', async (path) => {
    const r = await get(served.port, path);
    expect(r.status).toBe(404);
    expect(r.body).not.toContain('top secret');
    expect(r.headers['cross-origin-embedder-policy']).toBe('require-corp');
  });

  it('rejects malformed escapes with 400 and writes with 405', async () => {
    expect((await get(served.port, '/%E0%A4%A')).status).toBe(400);
    const post = await get(served.port, '/', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it('answers HEAD with headers only', async () => {
    const r = await get(served.port, '/index.html', 'HEAD');
    expect(r.status).toBe(200);
    expect(r.body).toBe('');
    expect(r.headers['content-length']).toBe(String('<!doctype html><title>edge</title>'.length));
  });

  it('refuses a folder with no built app, naming it', async () => {
    await expect(serveEdge({ dir: tmp.path, port: 0, host: '127.0.0.1' })).rejects.toMatchObject({
      code: 'edge/not-built',
    });
  });
});

describe('requestedLocation', () => {
  it('maps folders to index.html, drops query and fragment, decodes once', () => {
    expect(requestedLocation('/')).toBe('index.html');
    expect(requestedLocation('/a/?x=1')).toBe('a/index.html');
    expect(requestedLocation('/m%20n.onnx#f')).toBe('m n.onnx');
    expect(requestedLocation('x')).toBeNull();
    expect(requestedLocation('/%zz')).toBeNull();
  });
});
