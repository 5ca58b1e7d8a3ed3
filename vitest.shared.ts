// One vitest setup for every package: resolve workspace packages to their TypeScript sources
// (the "source" export condition) so tests never need a build first, and leave a JSON result per
// package for the repo-wide summary line (tools/scripts/test-summary.mjs).
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

const root = dirname(fileURLToPath(import.meta.url));
const pkg = basename(process.cwd());

export default defineConfig({
  resolve: { conditions: ['source', ...defaultServerConditions] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', ['json', { outputFile: join(root, '.test-results', `${pkg}.json`) }]],
  },
});
