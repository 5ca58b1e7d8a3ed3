// One measured run for the streaming benchmark, in a fresh process so its peak RSS is its own:
// writes one dtype variant of a model folder (q4 by round to nearest or GPTQ on token windows) and prints
// {seconds, cpuSeconds, maxRssBytes} as JSON (CPU time too: on a shared machine wall time
// mostly says how loaded it was).
import { readFileSync } from 'node:fs';
import type { Dtype } from '@enxuto/hf';
import { writeVariants } from '@enxuto/hf/node';
import { tokensFromNpy } from '@enxuto/pipeline';
import { ortNodeBackend } from '@enxuto/runtime/node';

const [src, out, dtype, method, tokens] = process.argv.slice(2) as [
  string,
  string,
  Dtype,
  'rtn' | 'gptq',
  string | undefined,
];
const t0 = performance.now();
await writeVariants(src, out, {
  dtypes: [dtype],
  method,
  ...(method !== 'rtn' && tokens
    ? { calibration: { tokens: tokensFromNpy(readFileSync(tokens), tokens), backend: ortNodeBackend, batchSize: 4 } }
    : {}),
});
const seconds = (performance.now() - t0) / 1000;
const use = process.resourceUsage();
const cpuSeconds = (use.userCPUTime + use.systemCPUTime) / 1e6;
process.stdout.write(`${JSON.stringify({ seconds, cpuSeconds, maxRssBytes: use.maxRSS * 1024 })}\n`);
