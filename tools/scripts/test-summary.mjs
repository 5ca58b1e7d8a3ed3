// Prints one closing line for the whole repository's test run, from the per-package vitest JSON
// results: "Tests: N passed, N failed".
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(import.meta.dirname, '..', '..', '.test-results');
let passed = 0;
let failed = 0;
let skipped = 0;
const perPackage = [];
if (existsSync(dir)) {
  for (const f of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const r = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    passed += r.numPassedTests;
    // A suite that fails to load has no failed tests of its own: count it once.
    // A run with unhandled errors fails with every test passed: count it once and say so.
    const ownFailures = r.numFailedTests > 0 ? r.numFailedTests : (r.numFailedTestSuites ?? 0);
    const unhandled = ownFailures === 0 && r.success === false;
    failed += unhandled ? 1 : ownFailures;
    skipped += r.numPendingTests + (r.numTodoTests ?? 0);
    const note = unhandled ? ' (the run failed: unhandled errors, printed in its output above)' : '';
    perPackage.push(`${f.replace(/\.json$/, '')}: ${r.numPassedTests} passed, ${r.numFailedTests} failed${note}`);
  }
}
console.log(perPackage.join('\n'));
console.log(`Tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
