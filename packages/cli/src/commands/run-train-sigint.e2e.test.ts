// Ctrl-C while a pass trains: the run exits 130 and writes nothing (no output, report, cache
// entry or training checkpoint), for both training loops (finetune and pruning's fine-tuning).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedPath, tempDir } from '@enxuto/test-support';
import { afterAll, describe, expect, it } from 'vitest';

const tmp = tempDir('enxuto-cli-train-sigint-');
afterAll(() => tmp.cleanup());
const MAIN = new URL('../main.ts', import.meta.url).pathname;

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

function pipeline(name: string, pass: string): string {
  const file = join(tmp.path, `${name}.yaml`);
  writeFileSync(
    file,
    `input: ${sharedPath('models', 'onnx-mnist-8', 'mnist.onnx')}
data:
  training: { type: mnist, split: train, count: 2000, preprocess: { scale: 255, shape: [1, 1, 28, 28] } }
  evaluation: { type: mnist, split: validation, count: 100, preprocess: { scale: 255, shape: [1, 1, 28, 28] } }
evaluation: { latencyRuns: 2 }
passes:
  - ${pass}
outputs: [out/${name}.onnx]
report: out/${name}-report
`,
  );
  return file;
}

async function interruptWhileTraining(name: string, passName: string, pass: string): Promise<void> {
  const file = pipeline(name, pass);
  const cache = join(tmp.path, `cache-${name}`);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=source', MAIN, 'run', file, '--cache-dir', cache],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  let sent = false;
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    // Once the training pass has started, give it time to be inside its step loop.
    if (!sent && stderr.includes(`] ${passName}`)) {
      sent = true;
      setTimeout(() => child.kill('SIGINT'), 3000);
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  expect(sent, stderr).toBe(true);
  expect(code).toBe(130);
  expect(stderr).toMatch(/interrupted; no output or report written/);
  expect(existsSync(join(tmp.path, 'out', `${name}.onnx`))).toBe(false);
  expect(existsSync(join(tmp.path, 'out', `${name}-report`))).toBe(false);
  expect(filesUnder(cache).filter((f) => !f.endsWith('.lock'))).toEqual([]);
}

describe('enxuto run, Ctrl-C during training', () => {
  it(
    'in finetune: exits 130 and writes nothing',
    () => interruptWhileTraining('finetune', 'finetune', '{ type: finetune, options: { epochs: 200 } }'),
    180_000,
  );

  it(
    "in prune-magnitude's fine-tuning: exits 130 and writes nothing",
    () =>
      interruptWhileTraining(
        'prune',
        'prune-magnitude',
        '{ type: prune-magnitude, options: { sparsity: 0.5, finetune: { epochs: 200 } } }',
      ),
    180_000,
  );
});
