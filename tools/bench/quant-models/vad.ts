// silero VAD: per-chunk speech probabilities of the quantized model against float, chunk by chunk
// with the recurrent state fed back, on every clip; calibrated on the first clips' chunks.
import { readModel } from '@enxuto/formats/node';
import { writeOnnxBytes } from '@enxuto/onnx';
import { quantizeStatic } from '@enxuto/passes-quantize';
import type { InferenceBackend, TensorData } from '@enxuto/runtime';
import { sharedPath } from '@enxuto/test-support';
import { audioClips } from './data.js';

export interface VadResult {
  floatBytes: number;
  bytes: number;
  /** Largest |p_int8 - p_float| over every chunk of every clip. */
  maxDiff: number;
  meanDiff: number;
  chunks: number;
  quantizedOps: number;
  forLatency: { name: string; bytes: Uint8Array }[];
  feeds: Record<string, TensorData>;
}

const SR: TensorData = { dtype: 'int64', shape: [], data: BigInt64Array.of(16000n) };
const feedsOf = (chunk: Float32Array, state: Float32Array): Record<string, TensorData> => ({
  input: { dtype: 'float32', shape: [1, 512], data: chunk },
  state: { dtype: 'float32', shape: [2, 1, 128], data: state },
  sr: SR,
});

async function probabilities(backend: InferenceBackend, bytes: Uint8Array, clip: Float32Array[]): Promise<number[]> {
  const s = await backend.createSession(bytes);
  let state = new Float32Array(256);
  const out: number[] = [];
  for (const chunk of clip) {
    const r = await s.run(feedsOf(chunk, state));
    out.push(Number((r.output!.data as Float32Array)[0]));
    state = Float32Array.from(r.stateN!.data as Float32Array);
  }
  await s.release();
  return out;
}

export async function benchSilero(backend: InferenceBackend, log: (s: string) => void): Promise<VadResult> {
  const { model } = await readModel(sharedPath('models', 'zoo', 'silero_vad_v5', 'silero_vad_v5.onnx'));
  const clips = audioClips();
  const floatBytes = writeOnnxBytes(model);
  // Calibration: chunks of the first speech clip and the first noise clip, with the float state.
  const calibration = [];
  for (const clip of [
    clips.find((c) => c.name.startsWith('speech'))!,
    clips.find((c) => c.name.startsWith('noise'))!,
  ]) {
    const s = await backend.createSession(floatBytes);
    let state = new Float32Array(256);
    for (const chunk of clip.chunks) {
      const feeds = feedsOf(chunk, state);
      calibration.push({ feeds, samples: 1 });
      state = Float32Array.from((await s.run(feeds)).stateN!.data as Float32Array);
    }
    await s.release();
  }
  const q = await quantizeStatic(model, backend, calibration as never);
  const bytes = writeOnnxBytes(q.model);
  let maxDiff = 0;
  let sum = 0;
  let chunks = 0;
  for (const clip of clips) {
    const [a, b] = [
      await probabilities(backend, floatBytes, clip.chunks),
      await probabilities(backend, bytes, clip.chunks),
    ];
    a.forEach((p, i) => {
      const d = Math.abs(p - b[i]!);
      maxDiff = Math.max(maxDiff, d);
      sum += d;
    });
    chunks += a.length;
  }
  log(
    `silero_vad_v5: ${q.qdq.layers.length} layers quantized; max |p - p_float| ${maxDiff.toFixed(4)} over ${chunks} chunks`,
  );
  return {
    floatBytes: floatBytes.length,
    bytes: bytes.length,
    maxDiff,
    meanDiff: sum / chunks,
    chunks,
    quantizedOps: q.qdq.layers.length,
    forLatency: [
      { name: 'float', bytes: floatBytes },
      { name: 'enxuto', bytes },
    ],
    feeds: feedsOf(clips[0]!.chunks[0]!, new Float32Array(256)),
  };
}
