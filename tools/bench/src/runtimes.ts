// Benchmark (b): `enxuto bench` on mnist-8, onnxruntime-node vs onnxruntime-web (wasm), through the
// real CLI (a fresh process per measurement).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot, sharedPath } from '@enxuto/test-support';
import type { BenchReport } from '@enxuto/cli';
import { writeBenchmarkSection } from './markdown.js';

const CLI = join(repoRoot, 'packages', 'cli', 'src', 'main.ts');

export function enxutoBench(model: string, args: string[]): BenchReport {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', '--conditions=source', CLI, 'bench', model, '--json', ...args],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return JSON.parse(out) as BenchReport;
}

export function benchRuntimes(): string {
  const model = sharedPath('models', 'onnx-mnist-8', 'mnist.onnx');
  const rows: string[] = [];
  const ratios: string[] = [];
  for (const threads of ['1', '2']) {
    const node = enxutoBench(model, ['--runtime', 'ort-node', '--runs', '300', '--warmup', '30', '--threads', threads]);
    const web = enxutoBench(model, ['--runtime', 'ort-web', '--runs', '300', '--warmup', '30', '--threads', threads]);
    for (const r of [node, web]) {
      rows.push(
        `| ${r.runtime} | ${threads} | ${r.latencyMs.min} | ${r.latencyMs.p50} | ${r.latencyMs.p95} | ${r.throughputPerSec.toFixed(0)} |`,
      );
    }
    ratios.push(
      `- ${threads} thread${threads === '1' ? '' : 's'}: ort-web p50 / ort-node p50 = **${(web.latencyMs.p50 / node.latencyMs.p50).toFixed(2)}**`,
    );
  }
  const text = [
    '## `enxuto bench` on mnist-8: onnxruntime-node vs onnxruntime-web',
    '',
    '`enxuto bench ../shared/models/onnx-mnist-8/mnist.onnx --runtime <r> --threads <t> --runs 300 --warmup 30 --json`,',
    'batch 1, generated inputs; each line a fresh process.',
    '',
    '| runtime | threads | min ms | p50 ms | p95 ms | inferences/s |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    ...ratios,
    `- measured ${new Date().toISOString().slice(0, 10)} on ${process.platform}/${process.arch}, Node ${process.version}`,
  ].join('\n');
  process.stdout.write(`${text}\n`);
  writeBenchmarkSection('mnist-runtimes', text);
  return text;
}

if (import.meta.url === `file://${process.argv[1]}`) benchRuntimes();
