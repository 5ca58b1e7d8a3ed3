// `npm run conformance:models`: the real-model matrix (issue 12) over ../shared/models/zoo and the
// shared models; each model runs in its own child process (a native crash costs one model, not
// the run). `--write` puts the table into CONFORMANCE.md, `--models a,b` runs a subset.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '@enxuto/test-support';
import type { CellResult, ModelSource } from './cells.js';
import { listModels } from './model-list.js';
import { renderMatrix, replaceMatrixSection, type ModelRow } from './report.js';

const { values } = parseArgs({
  options: {
    write: { type: 'boolean', default: false },
    models: { type: 'string' },
    'timeout-s': { type: 'string', default: '900' },
  },
});

let models: ModelSource[] = listModels();
if (values.models) {
  const wanted = values.models.split(',');
  models = models.filter((m) => wanted.includes(m.name));
}

const started = performance.now();
const rows: ModelRow[] = [];
for (const source of models) {
  process.stderr.write(`matrix: ${source.name}\n`);
  let cells: Record<string, CellResult>;
  try {
    const out = execFileSync(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', join(import.meta.dirname, 'one-model.ts'), JSON.stringify(source)],
      {
        encoding: 'utf8',
        timeout: Number(values['timeout-s']) * 1000,
        stdio: ['ignore', 'pipe', 'inherit'],
        maxBuffer: 1 << 24,
      },
    );
    cells = JSON.parse(out.trim().split('\n').at(-1)!);
  } catch (e) {
    const why = (e as { signal?: string }).signal ?? (e as Error).message.split('\n')[0]!;
    cells = { read: { status: 'error', detail: `child process died: ${why.slice(0, 120)}`, seconds: 0 } };
  }
  rows.push({ source, cells });
}
// A subset run replaces those models' rows in the last full run's results (kept in test-artifacts).
const artifacts = join(repoRoot, 'test-artifacts', 'conformance');
const saved = join(artifacts, 'models.json');
if (values.models && existsSync(saved)) {
  const previous = JSON.parse(readFileSync(saved, 'utf8')) as ModelRow[];
  const fresh = new Map(rows.map((r) => [r.source.name, r]));
  const merged = listModels().flatMap((m) => fresh.get(m.name) ?? previous.filter((p) => p.source.name === m.name));
  rows.splice(0, rows.length, ...merged);
}
// Saved before rendering, so a run is never lost to a report bug.
mkdirSync(artifacts, { recursive: true });
writeFileSync(saved, `${JSON.stringify(rows, null, 2)}\n`);
const section = renderMatrix(rows, {
  seconds: values.models ? Number.NaN : (performance.now() - started) / 1000,
  date: new Date().toISOString().slice(0, 10),
  subset: rows.length < listModels().length,
});
process.stdout.write(`${section}\n`);

if (values.write) {
  const md = join(repoRoot, 'CONFORMANCE.md');
  const text = existsSync(md) ? readFileSync(md, 'utf8') : '# Conformance\n';
  writeFileSync(md, replaceMatrixSection(text, section));
  process.stderr.write(`matrix: wrote ${md}\n`);
}
