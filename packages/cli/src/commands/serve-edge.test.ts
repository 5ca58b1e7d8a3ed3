import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@enxuto/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { serveEdgeCommand } from './serve-edge.js';

const io = () => {
  const out: string[] = [];
  return { out, io: { out: (t: string) => out.push(t), err: (t: string) => out.push(t), isTTY: false } };
};

describe('serve-edge command', () => {
  const tmp = tempDir('enxuto-edge-cmd-');
  writeFileSync(join(tmp.path, 'index.html'), '<!doctype html><title>x</title>');
  afterAll(() => tmp.cleanup());

  it('serves the folder, prints its address, and stops on abort with exit code 0', async () => {
    const { out, io: cio } = io();
    const stop = new AbortController();
    const done = serveEdgeCommand.run(['--port', '0', '--host', '127.0.0.1', '--dir', tmp.path], cio, stop.signal);
    await expect.poll(() => out.join('')).toMatch(/http:\/\/127\.0\.0\.1:\d+\//);
    const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(out.join(''))![0];
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    stop.abort();
    expect(await done).toBe(0);
  });

  it.each([
    [['--port', 'eighty'], '--port'],
    [['--port', '70000'], '--port'],
    [['--cert', 'c.pem'], '--key'],
    [['--bogus'], 'arguments'],
  ])('rejects %j naming %s', async (argv, field) => {
    await expect(serveEdgeCommand.run(argv, io().io)).rejects.toMatchObject({ code: 'cli/bad-argument', field });
  });

  it('says how to build the app when the folder has none', async () => {
    const empty = tempDir('enxuto-edge-empty-');
    try {
      await expect(serveEdgeCommand.run(['--port', '0', '--dir', empty.path], io().io)).rejects.toMatchObject({
        code: 'edge/not-built',
      });
    } finally {
      empty.cleanup();
    }
  });
});
