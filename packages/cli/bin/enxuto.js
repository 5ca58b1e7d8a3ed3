#!/usr/bin/env node
// The `enxuto` command: runs the compiled CLI (built by the root `prepare` script during npm ci).
try {
  await import('../dist/main.js');
} catch (e) {
  // Only the CLI's own build missing gets the friendly line; any other failure keeps its stack.
  if (e && e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('cli/dist/main.js')) {
    process.stderr.write('enxuto: not built yet: run `npm run build` at the repository root\n');
    process.exitCode = 1;
  } else {
    throw e;
  }
}
