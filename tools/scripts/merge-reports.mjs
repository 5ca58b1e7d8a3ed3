// Gathers the per-package result files into the two root documents, each between its own markers,
// headings demoted one level: packages/*/CONFORMANCE-*.md -> CONFORMANCE.md, and
// packages/*/BENCHMARKS-*.md and tools/bench/*/RESULTS.md -> BENCHMARKS.md. Run after a package
// regenerates its file: `node tools/scripts/merge-reports.mjs`.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

function sources(pattern, dirs) {
  const out = [];
  for (const dir of dirs) {
    const abs = join(root, dir);
    if (!existsSync(abs)) continue;
    for (const sub of readdirSync(abs, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort()) {
      const folder = join(abs, sub);
      for (const f of readdirSync(folder).sort())
        if (pattern.test(f)) out.push({ key: `${dir}/${sub}`, path: join(folder, f) });
    }
  }
  return out;
}

function merge(target, files) {
  const path = join(root, target);
  let doc = existsSync(path) ? readFileSync(path, 'utf8') : `# ${target.replace(/\.md$/, '')}\n`;
  // One block per folder: a package with several result files (passes-quantize: quantization and
  // QAT) gets them one after the other, each under its own "From" line.
  const byKey = new Map();
  for (const f of files) byKey.set(f.key, [...(byKey.get(f.key) ?? []), f.path]);
  for (const [key, paths] of byKey) {
    const body = paths
      .map(
        (src) =>
          `_From \`${relative(root, src)}\`._\n\n${readFileSync(src, 'utf8')
            .trim()
            .replace(/^(#+) /gm, '#$1 ')}`,
      )
      .join('\n\n');
    const begin = `<!-- merged:${key}:begin -->`;
    const end = `<!-- merged:${key}:end -->`;
    const block = `${begin}\n${body}\n${end}`;
    const re = new RegExp(
      `${begin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[\\s\\S]*?${end.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
    );
    doc = re.test(doc) ? doc.replace(re, () => block) : `${doc.trimEnd()}\n\n${block}\n`;
  }
  writeFileSync(path, doc);
  console.log(`${target}: ${files.length} file(s)`);
}

merge('CONFORMANCE.md', sources(/^CONFORMANCE-.*\.md$/, ['packages']));
merge('BENCHMARKS.md', [...sources(/^BENCHMARKS-.*\.md$/, ['packages']), ...sources(/^RESULTS\.md$/, ['tools/bench'])]);
