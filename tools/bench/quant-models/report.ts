// RESULTS.md of the real-model quantization benchmark: one table per kind of model and the goals of
// issue 11 with what was measured.
import type { LatencyComparison } from '../../../packages/passes-quantize/bench/latency.js';
import type { PhotoSplit } from './data.js';
import type { ImageResult } from './images.js';
import type { LmResult } from './language.js';
import type { VadResult } from './vad.js';

export interface LatencyRow {
  names: string[];
  nodeDefault: LatencyComparison;
  nodeOne: LatencyComparison;
  web: LatencyComparison;
}

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(2)} %` : '-');
const x2 = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? `${x.toFixed(2)}x` : '-');

/** Ratios of variant `name` to float: ort-node default threads, one thread, ort-web. */
function ratios(l: LatencyRow | undefined, name: string): [string, string, string, string] {
  const i = l?.names.indexOf(name) ?? -1;
  if (!l || i < 0) return ['-', '-', '-', '-'];
  return [
    x2(l.nodeDefault.ratio[i]),
    x2(l.nodeOne.ratio[i]),
    x2(l.web.ratio[i]),
    `${l.nodeDefault.medianMs[0]!.toFixed(2)} ms`,
  ];
}

export function renderResults(r: {
  split: PhotoSplit;
  images: { result: ImageResult; latency?: LatencyRow; macs: number }[];
  lm?: { result: LmResult; latency?: LatencyRow };
  vad?: { result: VadResult; latency?: LatencyRow };
  quick: boolean;
  /** When and under what machine load (1-minute load average at the start and the end) it ran. */
  conditions: string;
}): string {
  const lines: string[] = [];
  const p = (s = '') => lines.push(s);
  p('# Real-model quantization (tools/bench/quant-models)');
  p();
  p('`npm run bench:quant-models -w @enxuto/bench`: the zoo models in `../shared/models/zoo`, quantized with the');
  p("**default options** of enxuto's `quantize-static` (`quantize-dynamic` / `quantize-weights` for the GPT) and, as");
  p(
    "the reference, onnxruntime's own `quantize_static` (after its `quant_pre_process`; QDQ, per-channel int8 weights,",
  );
  p('uint8 activations, MinMax) from a Python venv. Photos: `../shared/data/images`, split by base photo (every');
  p(
    `fourth base calibrates): ${r.split.calibration.length} calibration and ${r.split.evaluation.length} evaluation photos.`,
  );
  p('Latency: float and quantized files interleaved in one process under `flock /tmp/enxuto-bench.lock`, batch 1,');
  p('median of per-round ratios; onnxruntime-node 1.30 with its default threads and with one, onnxruntime-web 1.30');
  p('(wasm, one thread; half the rounds). Machine: 2-core AMD EPYC, AVX2 without VNNI, shared with other work:');
  p(`${r.conditions}.`);
  if (r.quick) p('\n**Quick run** (48 evaluation photos, 10 latency rounds): figures are indicative only.');
  p();
  p('## Image models');
  p();
  p('Agreement and cosine are given twice: as onnxruntime-node runs the int8 model on this CPU (fused u8s8 kernels,');
  p('which on AVX2 without VNNI add pairs of products in saturating int16) / with exact int8 arithmetic (graph');
  p('optimizations off: every Q/DQ runs as written, which is what VNNI or ARM dot-product kernels compute).');
  p('"min output cosine": the lowest over the outputs, each flattened over all evaluation photos.');
  p('Rows: `enxuto` = default options; `enxuto reduceRange` = the same with `reduceRange: true` (7-bit weights, the');
  p('setting for x86 CPUs without VNNI; same kernels, so not timed again); `onnxruntime` = its `quantize_static`.');
  p();
  p(
    '| model | weights | M MACs | quantizer | top-1 agreement (this CPU / exact) | min output cosine (this CPU / exact) | size | int8/fp32 ort-node | 1 thread | ort-web | fp32 ms |',
  );
  p('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const { result, latency, macs } of r.images) {
    for (const v of result.variants) {
      const [d, one, web, ms] = ratios(latency, v.name);
      p(
        `| ${result.model.name} | ${result.model.trained ? 'trained' : 'random'} | ${(macs / 1e6).toFixed(0)} | ${v.name} | ${pct(v.agreement)} / ${pct(v.exact.agreement)} | ${v.minCosine.toFixed(4)} / ${v.exact.minCosine.toFixed(4)} | ${(v.bytes / result.floatBytes).toFixed(3)}x | ${d} | ${one} | ${web} | ${ms} |`,
      );
    }
  }
  const notes = r.images.flatMap(({ result }) => result.notes.map((n) => `${result.model.name}: ${n}`));
  if (notes.length) {
    p();
    for (const n of notes) p(`- ${n}`);
  }
  if (r.lm) {
    const { result, latency } = r.lm;
    p();
    p('## tiny_gpt_bytes (held-out cross-entropy, 16 windows of 128 bytes)');
    p();
    p('| variant | cross-entropy | change vs float | top-1 agreement | size | ort-node | 1 thread | ort-web |');
    p('| --- | --- | --- | --- | --- | --- | --- | --- |');
    p(`| float | ${result.floatCrossEntropy.toFixed(4)} | | | 1.000x | | | |`);
    for (const v of result.variants) {
      const [d, one, web] = ratios(latency, v.name);
      p(
        `| ${v.name} | ${v.crossEntropy.toFixed(4)} | ${(v.change * 100).toFixed(2)} % | ${pct(v.top1Agreement)} | ${(v.bytes / result.floatBytes).toFixed(3)}x | ${d} | ${one} | ${web} |`,
      );
    }
  }
  if (r.vad) {
    const { result, latency } = r.vad;
    const [d, one, web] = ratios(latency, 'enxuto');
    p();
    p('## silero_vad_v5 (speech probability per 512-sample chunk, state fed back)');
    p();
    p('| quantizer | layers quantized | max abs. difference | mean | chunks | size | ort-node | 1 thread | ort-web |');
    p('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    p(
      `| enxuto | ${result.quantizedOps} | ${result.maxDiff.toFixed(4)} | ${result.meanDiff.toFixed(4)} | ${result.chunks} | ${(result.bytes / result.floatBytes).toFixed(3)}x | ${d} | ${one} | ${web} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
