// Helpers of the queue tests: the shared secret, worker processes whose log lines a test can wait
// for, and polling until a condition holds.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SECRET = 'test-secret-0123456789abcdef';
const WORKER = fileURLToPath(new URL('./queue-worker-process.ts', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  lines: string[];
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

export async function spawnWorker(
  url: string,
  opts: { concurrency?: number; lockMs?: number; roots: string[]; env?: Record<string, string> },
): Promise<WorkerProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=source',
      WORKER,
      url,
      String(opts.concurrency ?? 1),
      String(opts.lockMs ?? 1000),
      ...opts.roots,
    ],
    { env: { ...process.env, ENXUTO_QUEUE_SECRET: SECRET, ...opts.env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  let buf = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => {
    buf += d;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      lines.push(line);
      for (const w of [...waiters]) {
        if (!w.re.test(line)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  const waitFor = (re: RegExp, timeoutMs = 60_000) => {
    const hit = lines.find((l) => re.test(l));
    if (hit) return Promise.resolve(hit);
    return new Promise<string>((resolve, reject) => {
      const t = setTimeout(
        () => reject(new Error(`no line matching ${re} within ${timeoutMs} ms: ${lines.join(' | ')}`)),
        timeoutMs,
      );
      waiters.push({
        re,
        resolve: (l) => {
          clearTimeout(t);
          resolve(l);
        },
      });
    });
  };
  await waitFor(/ready$/);
  return {
    child,
    lines,
    waitFor,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    },
  };
}

export async function until<T>(f: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The execution log the waiting trial module writes: how often each trial key started and ended. */
export function executions(file: string): { starts: Map<string, number>; ends: Map<string, number> } {
  const starts = new Map<string, number>();
  const ends = new Map<string, number>();
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    /* nothing ran yet */
  }
  for (const line of text.split('\n').filter(Boolean)) {
    const [key, what] = line.split(' ');
    const m = what === 'start' ? starts : ends;
    m.set(key!, (m.get(key!) ?? 0) + 1);
  }
  return { starts, ends };
}
