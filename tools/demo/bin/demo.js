#!/usr/bin/env node
// `npm run demo`: runs tools/demo/src/demo.ts from the TypeScript sources (tsx, the "source"
// export condition), so it works right after `npm ci` without a separate build step.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--conditions=source', join(root, 'tools', 'demo', 'src', 'demo.ts'), ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
process.exit(r.status ?? 1);
