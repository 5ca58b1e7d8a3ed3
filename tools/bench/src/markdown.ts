// BENCHMARKS.md holds one generated section per benchmark, between markers, so each benchmark (and
// other engineers' benchmarks) rewrites only its own.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@enxuto/test-support';

export function replaceSection(text: string, id: string, body: string): string {
  const begin = `<!-- bench:${id}:begin -->`;
  const end = `<!-- bench:${id}:end -->`;
  const block = `${begin}\n${body}\n${end}`;
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i >= 0 && j > i) return text.slice(0, i) + block + text.slice(j + end.length);
  return `${text.trimEnd()}\n\n${block}\n`;
}

export function writeBenchmarkSection(id: string, body: string, file = join(repoRoot, 'BENCHMARKS.md')): void {
  const text = existsSync(file)
    ? readFileSync(file, 'utf8')
    : '# Benchmarks\n\nMeasured by `npm run bench` (tools/bench). Ratios are measured within one run.\n';
  writeFileSync(file, replaceSection(text, id, body));
}
