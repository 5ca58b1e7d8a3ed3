// One measured run for the streaming benchmark, in a fresh process so its peak RSS is its own:
// writes the q4 variant of a model folder (round to nearest, or GPTQ on token windows) and prints
// {seconds, cpuSeconds, maxRssBytes} as JSON (CPU time too: on a shared machine wall time
// mostly says how loaded it was).
import { readFileSync } from 'node:fs';
import { writeVariants } from '@enxuto/hf/node';
import { tokensFromNpy } from '@enxuto/pipeline';
import { ortNodeBackend } from '@enxuto/runtime/node';

const [src, out, method, tokens] = process.argv.slice(2) as [string, string, 'rtn' | 'gptq', string | undefined];
const t0 = performance.now();
await writeVariants(src, out, {
  dtypes: ['q4'],
  method,
  ...(method !== 'rtn' && tokens
    ? { calibration: { tokens: tokensFromNpy(readFileSync(tokens), tokens), backend: ortNodeBackend, batchSize: 4 } }
    : {}),
});
const seconds = (performance.now() - t0) / 1000;
const use = process.resourceUsage();
const cpuSeconds = (use.userCPUTime + use.systemCPUTime) / 1e6;
process.stdout.write(`${JSON.stringify({ seconds, cpuSeconds, maxRssBytes: use.maxRSS * 1024 })}\n`);
