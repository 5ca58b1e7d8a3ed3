// One measurement in a fresh process (a clean peak RSS): `plain` copies the file with fs.readFile +
// fs.writeFile; `enxuto` reads it into the IR and writes it back with @enxuto/formats.
// Prints {ms, maxRssBytes} as JSON.
import { readFile, writeFile } from 'node:fs/promises';
import { readModel, writeModel } from '@enxuto/formats/node';

const [mode, input, output] = process.argv.slice(2) as [string, string, string];
const t0 = performance.now();
if (mode === 'plain') {
  await writeFile(output, await readFile(input));
} else if (mode === 'enxuto') {
  const { model } = await readModel(input);
  await writeModel(model, output, { inputs: [input] });
} else {
  throw new Error(`unknown mode ${mode}`);
}
const ms = performance.now() - t0;
process.stdout.write(`${JSON.stringify({ ms, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
