// Tokens per second of a real small decoder in the browser (issue 17): the edge app's Decoder speed
// card in Debian Chromium runs tiny-gpt2-hf in fp32 and its q8 and q4 variants (written by
// `enxuto variants`) with onnxruntime-web (wasm) and its KV cache, N new tokens each after the same
// prompt (after a 4-token warm-up). Interleaved: the card is run `--rounds` times and the median
// of each model is kept (ratios within one run). Records RESULTS-decoder.json, renders RESULTS.md.
//   flock /tmp/enxuto-bench.lock npm run bench:llm-decoder-web -w @enxuto/bench [-- --tokens 64 --rounds 3]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { serveEdge } from '@enxuto/cli/serve-edge';
import { launchChromiumContext } from '@enxuto/test-support/browser';
import { buildEdgeApp } from '../../../apps/edge/scripts/build-app.js';
import { runDecoderCard, type DecoderCardRow } from '../../../apps/edge/test/decoder-card.js';
import { decoderVariants } from '../../../apps/edge/test/test-models.js';
import { decoderResultsFile, writeResults } from './report.js';

const { values } = parseArgs({
  options: { tokens: { type: 'string', default: '64' }, rounds: { type: 'string', default: '3' } },
});
const tokens = Number(values.tokens);
const rounds = Number(values.rounds);
const work = mkdtempSync(join(tmpdir(), 'enxuto-decoder-web-'));
const loadAverage = Number(loadavg()[0]!.toFixed(1));
try {
  const app = await buildEdgeApp({ outDir: join(work, 'web'), models: decoderVariants(work), logLevel: 'error' });
  const served = await serveEdge({ dir: app.outDir, port: 0, host: '127.0.0.1' });
  const ctx = await launchChromiumContext(join(work, 'profile'));
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  const runs: DecoderCardRow[][] = [];
  for (let r = 0; r < rounds; r++) {
    runs.push(await runDecoderCard(page, served.urls[0]!, tokens));
    console.log(
      `round ${r + 1}: ${runs
        .at(-1)!
        .map((x) => `${x.precision} ${x.tokensPerSecond} tok/s`)
        .join(', ')}`,
    );
  }
  const chromium = ctx.browser()?.version() ?? '';
  await ctx.close();
  await served.close();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const rows = runs[0]!.map((row, i) => ({ ...row, tokensPerSecond: median(runs.map((x) => x[i]!.tokensPerSecond)) }));
  const doc = { measured: new Date().toISOString(), tokens, rounds, loadAverage, chromium, rows };
  writeFileSync(decoderResultsFile, `${JSON.stringify(doc, null, 2)}\n`);
  console.log(writeResults());
} finally {
  rmSync(work, { recursive: true, force: true });
}
