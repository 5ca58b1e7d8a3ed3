// Long fuzz campaigns of the readers, one child process each so that each case's time and peak
// RSS are its own: `npm run fuzz -w @enxuto/formats -- [--runs N] [--seed S] [--only name]`.
// Writes test-artifacts/fuzz/results.json and results.md (a table per campaign) and exits 1 when
// any campaign found an input that gives neither a checked model nor a typed error.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { CAMPAIGNS } from './campaigns.js';

interface CaseResult {
  name: string;
  runs: number;
  seed: number;
  failed: boolean;
  counterexample?: string;
  error?: string;
  seconds: number;
  peakRssMB: number;
}

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5000' },
    seed: { type: 'string', default: '1' },
    only: { type: 'string' },
    child: { type: 'string' },
  },
});
const runs = Number(values.runs);
const seed = Number(values.seed);

if (values.child) {
  const c = CAMPAIGNS.find((x) => x.name === values.child)!;
  const t0 = performance.now();
  const r = fc.check(c.property() as fc.IPropertyWithHooks<[unknown]>, { numRuns: runs, seed });
  const result: CaseResult = {
    name: c.name,
    runs: r.numRuns,
    seed,
    failed: r.failed,
    ...(r.failed ? { counterexample: fc.stringify(r.counterexample).slice(0, 400) } : {}),
    ...(r.failed && r.errorInstance ? { error: String((r.errorInstance as Error).message ?? r.errorInstance) } : {}),
    seconds: Math.round((performance.now() - t0) / 10) / 100,
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const self = fileURLToPath(import.meta.url);
  const results: CaseResult[] = [];
  for (const c of CAMPAIGNS.filter((x) => !values.only || x.name === values.only)) {
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', self, '--child', c.name, '--runs', String(runs), '--seed', String(seed)],
      { encoding: 'utf8', maxBuffer: 1 << 26 },
    );
    const line = child.stdout.trim().split('\n').at(-1) ?? '';
    const r: CaseResult = line.startsWith('{')
      ? (JSON.parse(line) as CaseResult)
      : { name: c.name, runs, seed, failed: true, error: child.stderr.slice(-400), seconds: 0, peakRssMB: 0 };
    results.push(r);
    process.stdout.write(
      `${r.name}: ${r.failed ? 'FOUND' : 'ok'} ${r.runs} inputs, ${r.seconds} s, ${r.peakRssMB} MB\n`,
    );
  }
  const out = join(fileURLToPath(new URL('../../test-artifacts/fuzz/', import.meta.url)));
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const table = [
    '| campaign | inputs | seed | result | seconds | peak RSS (MB) |',
    '| --- | --- | --- | --- | --- | --- |',
    ...results.map(
      (r) =>
        `| ${r.name} | ${r.runs} | ${r.seed} | ${r.failed ? `FOUND: ${(r.error ?? '').replace(/\|/g, '/').slice(0, 120)}` : 'ok'} | ${r.seconds} | ${r.peakRssMB} |`,
    ),
  ];
  writeFileSync(join(out, 'results.md'), `${table.join('\n')}\n`);
  process.stdout.write(`${table.join('\n')}\nwritten: ${join(out, 'results.md')}\n`);
  process.exitCode = results.some((r) => r.failed) ? 1 : 0;
}
