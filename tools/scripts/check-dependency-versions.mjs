// Every workspace asks for the same version range of each external dependency, so one copy is
// installed and tests run against the version users get. Exits 1 listing every disagreement.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const manifests = [['(root)', rootPkg]];
for (const pattern of rootPkg.workspaces) {
  const dir = join(root, pattern.replace(/\/\*$/, ''));
  for (const name of readdirSync(dir)) {
    const file = join(dir, name, 'package.json');
    if (existsSync(file))
      manifests.push([`${pattern.replace(/\*$/, '')}${name}`, JSON.parse(readFileSync(file, 'utf8'))]);
  }
}
const seen = new Map(); // dependency -> Map(range -> [where])
for (const [where, m] of manifests) {
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
    for (const [dep, range] of Object.entries(m[field] ?? {})) {
      if (field === 'peerDependencies') continue;
      const ranges = seen.get(dep) ?? new Map();
      ranges.set(range, [...(ranges.get(range) ?? []), where]);
      seen.set(dep, ranges);
    }
  }
}
const problems = [...seen].filter(([, ranges]) => ranges.size > 1);
for (const [dep, ranges] of problems) {
  console.error(`${dep}: ${[...ranges].map(([r, w]) => `${r} in ${w.join(', ')}`).join('; ')}`);
}
if (problems.length > 0) {
  console.error(`${problems.length} dependencies asked for in different version ranges`);
  process.exitCode = 1;
} else {
  console.log(`dependency versions: ${seen.size} external dependencies, one range each`);
}
