// Real-model quantization benchmark: `npm run bench:quant-models -w @enxuto/bench [-- names... --quick --results]`.
// Zoo image models (photos split by base photo), the byte-level GPT and silero VAD; accuracy against
// float, size, and int8/fp32 latency in onnxruntime-node (default threads and one) and -web, with
// onnxruntime's own quantize_static beside ours. Writes RESULTS.md and results.json here.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cloneModel } from '@enxuto/ir';
import { readModel } from '@enxuto/formats/node';
import { countFlops } from '@enxuto/passes-prune';
import type { TensorData } from '@enxuto/runtime';
import { getBackend } from '@enxuto/runtime/node';
import { sharedPath } from '@enxuto/test-support';
import { inferShapes, pinInputDims, prepareForQuantization } from '@enxuto/transforms';
import { splitPhotos } from './data.js';
import { benchImageModel, type ImageResult } from './images.js';
import { benchTinyGpt, type LmResult } from './language.js';
import { renderResults, type LatencyRow } from './report.js';
import { benchSilero, type VadResult } from './vad.js';
import { IMAGE_MODELS } from './zoo.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
/** Write RESULTS.md from a named or quick run too (it then says which models it holds). */
const forceResults = args.includes('--results');
const names = args.filter((a) => !a.startsWith('--'));
const want = (n: string) => names.length === 0 || names.includes(n);
const log = (s: string) => console.log(s);
const here = import.meta.dirname;
const backend = getBackend('ort-node');

/** Interleaved latency of float + variants, in a child process holding the benchmark lock. */
function latency(
  files: { name: string; bytes: Uint8Array }[],
  feeds: Record<string, TensorData>,
): LatencyRow | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'enxuto-quant-latency-'));
  try {
    const paths = files.map((f, i) => {
      const p = join(dir, `${i}.onnx`);
      writeFileSync(p, f.bytes);
      return p;
    });
    const plain = Object.fromEntries(
      Object.entries(feeds).map(([k, f]) => [
        k,
        {
          ...f,
          data: Array.from(f.data as ArrayLike<number | bigint>, (x) => (typeof x === 'bigint' ? String(x) : x)),
        },
      ]),
    );
    writeFileSync(join(dir, 'job.json'), JSON.stringify({ files: paths, feeds: plain, rounds: quick ? 10 : 20 }));
    const tsx = join(here, '..', '..', '..', 'node_modules', '.bin', 'tsx');
    const out = execFileSync(
      'flock',
      ['/tmp/enxuto-bench.lock', tsx, '--conditions=source', join(here, 'latency-child.ts'), join(dir, 'job.json')],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      },
    );
    return { names: files.map((f) => f.name), ...JSON.parse(out.trim().split('\n').pop()!) };
  } catch (e) {
    log(`latency failed: ${String(e).slice(0, 300)}`);
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Multiply-adds of one inference at batch 1, from the prepared graph's shapes. */
async function macsOf(file: string): Promise<number> {
  const { model } = await readModel(sharedPath('models', 'zoo', file));
  const m = cloneModel(model);
  pinInputDims(m, 1);
  prepareForQuantization(m);
  inferShapes(m);
  return countFlops(m.graph).flops / 2;
}

const started = { at: new Date().toISOString(), load: loadavg()[0]! };
const split = splitPhotos();
log(`photos: ${split.calibration.length} calibrate, ${split.evaluation.length} evaluate (split by base photo)`);
const images: { result: ImageResult; latency?: LatencyRow; macs: number }[] = [];
let lm: { result: LmResult; latency?: LatencyRow } | undefined;
let vad: { result: VadResult; latency?: LatencyRow } | undefined;

/** Writes what has been measured so far (accuracy first, latency as it comes: the lock may be busy). */
function write(): string {
  const only = names.length ? `only ${names.join(', ')}; ` : '';
  const conditions = `${only}run ${started.at.slice(0, 16)}Z, Node ${process.version}, load average ${started.load.toFixed(0)} at the start and ${loadavg()[0]!.toFixed(0)} at the end`;
  const doc = renderResults({ split, images, lm, vad, quick, conditions });
  if ((names.length === 0 && !quick) || forceResults) writeFileSync(join(here, 'RESULTS.md'), doc);
  writeFileSync(
    join(here, quick || names.length ? 'results.partial.json' : 'results.json'),
    JSON.stringify({ images, lm, vad }, (k, v) => (k === 'forLatency' || k === 'feeds' ? undefined : v), 1),
  );
  return doc;
}

for (const spec of IMAGE_MODELS.filter((m) => want(m.name))) {
  try {
    const result = await benchImageModel(spec, split, backend, { evalLimit: quick ? 48 : undefined, log });
    images.push({ result, macs: await macsOf(spec.file) });
    write();
  } catch (e) {
    log(`${spec.name}: ${String(e).split('\n')[0]}`);
  }
}
if (want('tiny_gpt_bytes')) lm = { result: await benchTinyGpt(backend, log) };
if (want('silero_vad_v5')) vad = { result: await benchSilero(backend, log) };
write();
for (const entry of [...images, ...(lm ? [lm] : []), ...(vad ? [vad] : [])]) {
  entry.latency = latency(entry.result.forLatency, entry.result.feeds);
  write();
}
console.log(write());
