// Child process of the matrix: one model through every cell; prints progress on stderr and the
// results as one JSON line on stdout.
import { runModel, type ModelSource } from './cells.js';

const source = JSON.parse(process.argv[2]!) as ModelSource;
const results = await runModel(source, (cell, r) => {
  const metric = r.metric === undefined ? '' : ` ${r.metric.toExponential(2)}`;
  process.stderr.write(
    `  ${cell}: ${r.status}${metric} (${r.seconds.toFixed(1)} s)${r.detail ? ` ${r.detail}` : ''}\n`,
  );
});
process.stdout.write(`${JSON.stringify(results)}\n`);
process.exit(0);
