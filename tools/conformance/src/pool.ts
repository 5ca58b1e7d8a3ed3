// Runs cases in child processes (2 by default): a native crash or a hang in onnxruntime loses one
// case, not the run; a case over the time limit is recorded and its worker replaced.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ConformanceCase } from './cases.js';
import type { CaseResult } from './check-case.js';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

function failed(c: ConformanceCase, why: string): CaseResult {
  return {
    suite: c.suite,
    name: c.name,
    read: 'crash',
    write: 'not-run',
    stable: null,
    original: { status: 'fail', detail: why },
    copy: null,
    detail: why,
  };
}

export async function runPool(
  cases: readonly ConformanceCase[],
  opts: { workers: number; timeoutMs: number; onResult?: (r: CaseResult, done: number) => void },
): Promise<CaseResult[]> {
  const results: CaseResult[] = new Array(cases.length);
  let next = 0;
  let done = 0;
  const spawn = (): ChildProcess =>
    fork(WORKER, [], {
      execArgv: ['--import', 'tsx', '--conditions=source'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });

  const lane = async (): Promise<void> => {
    let child = spawn();
    child.stderr?.resume();
    await new Promise((res) => child.once('message', res));
    while (next < cases.length) {
      const i = next++;
      const c = cases[i]!;
      const r = await new Promise<CaseResult>((resolve) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve(failed(c, `timeout after ${opts.timeoutMs} ms`));
        }, opts.timeoutMs);
        const onExit = (code: number | null, signal: string | null) => {
          clearTimeout(timer);
          resolve(failed(c, `worker died (${signal ?? code})`));
        };
        child.once('exit', onExit);
        child.once('message', (m: { ok: boolean; result?: CaseResult; error?: string }) => {
          clearTimeout(timer);
          child.off('exit', onExit);
          resolve(m.ok ? m.result! : failed(c, `uncaught: ${m.error}`));
        });
        child.send(c);
      });
      results[i] = r;
      opts.onResult?.(r, ++done);
      if (child.exitCode !== null || child.signalCode !== null || child.killed) {
        child = spawn();
        child.stderr?.resume();
        await new Promise((res) => child.once('message', res));
      }
    }
    child.kill();
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.workers) }, lane));
  return results;
}
