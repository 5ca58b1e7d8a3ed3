// `npm run conformance`: the whole ONNX backend suite through a pool of workers; writes the counts
// into CONFORMANCE.md (--write) and every result to test-artifacts/conformance/results.jsonl.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot, sharedPath } from '@enxuto/test-support';
import { listCases, sampleCases } from './cases.js';
import { runPool } from './pool.js';
import { compareWithWeb, renderSection, replaceSection, summarize, type WebResult } from './summary.js';

const { values } = parseArgs({
  options: {
    sample: { type: 'string' },
    workers: { type: 'string', default: '2' },
    filter: { type: 'string' },
    write: { type: 'boolean', default: false },
    'timeout-ms': { type: 'string', default: '120000' },
  },
});

const root = sharedPath('conformance', 'onnx-backend');
let cases = listCases(root);
if (values.filter) cases = cases.filter((c) => `${c.suite}/${c.name}`.includes(values.filter!));
if (values.sample) cases = sampleCases(cases, Number(values.sample));

const started = performance.now();
const results = await runPool(cases, {
  workers: Number(values.workers),
  timeoutMs: Number(values['timeout-ms']),
  onResult: (r, done) => {
    if (done % 100 === 0 || done === cases.length) process.stderr.write(`conformance: ${done}/${cases.length}\n`);
    if (r.read !== 'ok' && r.read !== 'unsupported')
      process.stderr.write(`  ${r.suite}/${r.name}: read ${r.read}: ${r.detail}\n`);
  },
});
const seconds = (performance.now() - started) / 1000;

const artifacts = join(repoRoot, 'test-artifacts', 'conformance');
mkdirSync(artifacts, { recursive: true });
writeFileSync(join(artifacts, 'results.jsonl'), `${results.map((r) => JSON.stringify(r)).join('\n')}\n`);

const web = readFileSync(join(root, 'onnxruntime-web-1.30-results.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as WebResult);
const summary = summarize(results);
const section = renderSection(summary, compareWithWeb(results, web), {
  seconds,
  date: new Date().toISOString().slice(0, 10),
  sample: values.sample !== undefined || values.filter !== undefined,
});
process.stdout.write(`${section}\n`);

if (values.write) {
  const md = join(repoRoot, 'CONFORMANCE.md');
  const text = existsSync(md)
    ? readFileSync(md, 'utf8')
    : '# Conformance\n\n## ONNX backend tests (read, write, run in onnxruntime-node)\n';
  writeFileSync(md, replaceSection(text, section));
  process.stderr.write(`conformance: wrote ${md}\n`);
}
process.exitCode = summary.violations.length > 0 ? 1 : 0;
