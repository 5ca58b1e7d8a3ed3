// Test helper: runs the real `enxuto` command (TypeScript sources through tsx) in a child process.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function enxuto(args: string[], env: Record<string, string> = {}): CliRun {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=source', MAIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env, ENXUTO_DEBUG: env.ENXUTO_DEBUG ?? '' },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
