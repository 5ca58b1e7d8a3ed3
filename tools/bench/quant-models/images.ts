// Image models of the zoo: float vs enxuto's default quantize-static vs onnxruntime's quantize_static,
// calibrated and evaluated on photos split by base photo.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Model } from '@enxuto/ir';
import { readModel } from '@enxuto/formats/node';
import { writeOnnxBytes } from '@enxuto/onnx';
import { quantizeStatic } from '@enxuto/passes-quantize';
import type { InferenceBackend, TensorData } from '@enxuto/runtime';
import { sharedPath } from '@enxuto/test-support';
import { photoSample, type PhotoSplit } from './data.js';
import { OutputComparison } from './metrics.js';
import { ortQuantizeStatic } from './reference.js';
import type { ImageModel } from './zoo.js';

export interface Variant {
  name: string;
  bytes: Uint8Array;
}

export interface ImageResult {
  model: ImageModel;
  floatBytes: number;
  /**
   * Quantized variants (enxuto, onnxruntime) with their agreement/cosine vs float, as onnxruntime-node
   * runs them on this CPU (fused integer kernels) and with exact int8 arithmetic (`exact`: graph
   * optimizations off, so every QuantizeLinear/DequantizeLinear runs as written; what a CPU with
   * VNNI or ARM dot-product kernels computes, without the AVX2 u8s8 int16 saturation).
   */
  variants: {
    name: string;
    bytes: number;
    agreement: number;
    minCosine: number;
    cosines: Record<string, number>;
    exact: { agreement: number; minCosine: number };
  }[];
  notes: string[];
  /** Models for the latency comparison: float first. */
  forLatency: Variant[];
  feeds: Record<string, TensorData>;
  quantizeSeconds: number;
}

function feedOf(m: ImageModel, name: string, samples: Float32Array[]): Record<string, TensorData> {
  const shape = [samples.length, ...m.input.preprocess.shape!.slice(1)];
  const per = samples[0]!.length;
  const data = new Float32Array(samples.length * per);
  samples.forEach((s, i) => data.set(s, i * per));
  if (m.input.int32) return { [name]: { dtype: 'int32', shape, data: Int32Array.from(data, Math.round) } };
  return { [name]: { dtype: 'float32', shape, data } };
}

async function outputsOf(
  session: Awaited<ReturnType<InferenceBackend['createSession']>>,
  feeds: Record<string, TensorData>,
) {
  const out = await session.run(feeds);
  const r: Record<string, Float32Array> = {};
  for (const [k, v] of Object.entries(out)) r[k] = Float32Array.from(v.data as ArrayLike<number>, Number);
  return r;
}

/** Batch size the model takes: its fixed leading dim, else 8. */
function batchOf(model: Model): number {
  const d = model.graph.inputs.find((v) => !v.isInitializer())?.shape?.[0];
  return typeof d === 'number' && d > 0 ? d : 8;
}

export async function benchImageModel(
  spec: ImageModel,
  split: PhotoSplit,
  backend: InferenceBackend,
  opts: { evalLimit?: number; log: (s: string) => void },
): Promise<ImageResult> {
  const { model } = await readModel(sharedPath('models', 'zoo', spec.file));
  const input = model.graph.inputs.find((v) => !v.isInitializer())!.name;
  const floatBytes = writeOnnxBytes(model);
  const bs = batchOf(model);
  const calibration = split.calibration.map((f) => photoSample(f, spec.input));
  const evaluation = split.evaluation.slice(0, opts.evalLimit).map((f) => photoSample(f, spec.input));
  const batches = (samples: Float32Array[]) =>
    Array.from({ length: Math.ceil(samples.length / bs) }, (_, i) => samples.slice(i * bs, (i + 1) * bs)).filter(
      (b) => b.length === bs || bs === 8,
    );
  const notes: string[] = [];
  const t0 = performance.now();
  const ours = await quantizeStatic(
    model,
    backend,
    batches(calibration).map((b) => ({ feeds: feedOf(spec, input, b) as never, samples: b.length })),
  );
  const quantizeSeconds = (performance.now() - t0) / 1000;
  // The same with 7-bit weights (reduceRange): what this CPU (AVX2, no VNNI) needs to avoid int16
  // saturation in onnxruntime's u8s8 kernels. Same kernels as 'enxuto', so not timed again.
  const reduced = await quantizeStatic(
    model,
    backend,
    batches(calibration).map((b) => ({ feeds: feedOf(spec, input, b) as never, samples: b.length })),
    { reduceRange: true },
  );
  const variants: Variant[] = [
    { name: 'enxuto', bytes: writeOnnxBytes(ours.model) },
    { name: 'enxuto reduceRange', bytes: writeOnnxBytes(reduced.model) },
  ];
  if (!spec.input.int32) {
    const dir = mkdtempSync(join(tmpdir(), 'enxuto-quant-bench-'));
    const all = feedOf(spec, input, calibration)[input]!;
    const ref = ortQuantizeStatic(dir, floatBytes, input, { shape: [...all.shape], data: all.data as Float32Array });
    rmSync(dir, { recursive: true, force: true });
    if (ref.bytes) variants.push({ name: 'onnxruntime', bytes: ref.bytes });
    else notes.push(ref.note!);
  } else notes.push("onnxruntime's quantizer: not run (int32 input)");
  const floatSession = await backend.createSession(floatBytes);
  const sessions = await Promise.all(variants.map((v) => backend.createSession(v.bytes)));
  const exactSessions = await Promise.all(
    variants.map((v) => backend.createSession(v.bytes, { optimization: 'none' })),
  );
  const comparisons = variants.map(() => new OutputComparison());
  const exact = variants.map(() => new OutputComparison());
  for (const b of batches(evaluation)) {
    const feeds = feedOf(spec, input, b);
    const ref = await outputsOf(floatSession, feeds);
    const top1 = spec.judge === 'top1' ? Object.keys(ref)[0] : undefined;
    for (let k = 0; k < sessions.length; k++) {
      comparisons[k]!.add(ref, await outputsOf(sessions[k]!, feeds), top1, b.length);
      exact[k]!.add(ref, await outputsOf(exactSessions[k]!, feeds), top1, b.length);
    }
  }
  for (const s of [floatSession, ...sessions, ...exactSessions]) await s.release();
  opts.log(
    `${spec.name}: ${variants.map((v, k) => `${v.name} agreement ${(comparisons[k]!.agreement * 100).toFixed(2)}% min cosine ${comparisons[k]!.minCosine.toFixed(4)} (exact int8: ${(exact[k]!.agreement * 100).toFixed(2)}%, ${exact[k]!.minCosine.toFixed(4)})`).join('; ')}`,
  );
  return {
    model: spec,
    floatBytes: floatBytes.length,
    variants: variants.map((v, k) => ({
      name: v.name,
      bytes: v.bytes.length,
      agreement: comparisons[k]!.agreement,
      minCosine: comparisons[k]!.minCosine,
      cosines: comparisons[k]!.cosines,
      exact: { agreement: exact[k]!.agreement, minCosine: exact[k]!.minCosine },
    })),
    notes,
    forLatency: [{ name: 'float', bytes: floatBytes }, ...variants.filter((v) => v.name !== 'enxuto reduceRange')],
    feeds: feedOf(spec, input, [evaluation[0]!]),
    quantizeSeconds,
  };
}
