// The `enxuto` executable (bin/enxuto.js imports the built copy of this file).
import { runCli } from './cli.js';

const code = await runCli(process.argv.slice(2), {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  isTTY: process.stderr.isTTY === true,
});
process.exitCode = code;
