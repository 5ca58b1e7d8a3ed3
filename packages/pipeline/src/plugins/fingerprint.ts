// A plugin's cache identity is its files, not only its version: a plugin edited in place (a
// workspace, `npm install ./dir`) without a version bump must not reuse the old pass's results.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SKIP = new Set(['node_modules', '.git', '.enxuto-cache', 'test-artifacts']);
/** Beyond this, the hash covers file names and sizes only (a plugin is small; a bloated one still works). */
const MAX_HASHED_BYTES = 64 << 20;

/** sha256 over the relative names, sizes and (within the budget) contents of the package's files. */
export function packageFingerprint(dir: string): string {
  const hash = createHash('sha256');
  let budget = MAX_HASHED_BYTES;
  const walk = (rel: string) => {
    const entries = readdirSync(join(dir, rel), { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const e of entries) {
      if (SKIP.has(e.name)) continue;
      const name = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(name);
      else if (e.isFile()) {
        const size = statSync(join(dir, name)).size;
        hash.update(`${name}\0${size}\0`);
        if (size <= budget) {
          budget -= size;
          hash.update(readFileSync(join(dir, name)));
        }
      }
    }
  };
  walk('');
  return hash.digest('hex');
}
