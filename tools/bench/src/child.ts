// Runs a TypeScript file of this package in a fresh Node process and parses its last stdout line.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export function runChild<T>(script: string, args: string[], opts: { maxBufferMb?: number } = {}): T {
  const file = fileURLToPath(new URL(script, import.meta.url));
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--conditions=source', file, ...args], {
    encoding: 'utf8',
    maxBuffer: (opts.maxBufferMb ?? 16) * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const last = out.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as T;
}
