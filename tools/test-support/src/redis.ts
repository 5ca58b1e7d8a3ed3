// A redis-server of the test's own, on a free loopback port, in a temporary folder: started by the
// test, stopped by it, and restartable on the same port and data (AOF) to test recovery.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REDIS_SERVER, requireExecutable } from './prerequisites.js';

export interface RedisServer {
  /** redis://127.0.0.1:<port> (with the password when one was set). */
  url: string;
  port: number;
  /** Folder of the append-only file. */
  dir: string;
  /** Kills the server at once (SIGKILL): what an outage looks like to clients. */
  kill(): Promise<void>;
  /** Starts the server again on the same port and folder (it replays its AOF). */
  restart(): Promise<void>;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

export interface RedisOptions {
  /** Append-only file on, fsync every write (default true). */
  appendonly?: boolean;
  password?: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function launch(bin: string, args: string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start within 10 s: ${out.slice(-500)}`));
    }, 10_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}): ${out.slice(-500)}`));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startRedis(opts: RedisOptions = {}): Promise<RedisServer> {
  const bin = requireExecutable(REDIS_SERVER);
  const dir = mkdtempSync(join(tmpdir(), 'enxuto-redis-'));
  const argsFor = (port: number) => [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    opts.appendonly === false ? 'no' : 'yes',
    '--appendfsync',
    'always',
    '--maxmemory-policy',
    'noeviction',
    ...(opts.password ? ['--requirepass', opts.password] : []),
  ];
  let port = 0;
  let child: ChildProcess | undefined;
  // Another process may take the free port between asking and binding: try a few.
  for (let attempt = 0; child === undefined; attempt++) {
    port = await freePort();
    try {
      child = await launch(bin, argsFor(port));
    } catch (e) {
      if (attempt >= 3) throw e;
    }
  }
  const server: RedisServer = {
    url: `redis://${opts.password ? `:${encodeURIComponent(opts.password)}@` : ''}127.0.0.1:${port}`,
    port,
    dir,
    async kill() {
      child!.kill('SIGKILL');
      await exited(child!);
    },
    async restart() {
      await server.kill();
      child = await launch(bin, argsFor(port));
    },
    async stop() {
      child!.kill('SIGTERM');
      await exited(child!);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}
