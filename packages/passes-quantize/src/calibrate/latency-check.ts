// "Is the quantized model slower than its source?" on the pass's own runtime: a few interleaved
// runs of both on one calibration sample. Only the report depends on it, never the model bytes.
import type { Model } from '@enxuto/ir';
import type { InferenceBackend, TensorData } from '@enxuto/pass';

export interface LatencyCheck {
  /** Median milliseconds per run of the source and of the quantized model. */
  sourceMs: number;
  quantizedMs: number;
  /** Median over rounds of quantized / source (runs of one round are back to back). */
  ratio: number;
  /** ratio above `1 + margin`: the report and the log carry a warning. */
  slower: boolean;
}

export interface LatencyCheckOptions {
  rounds?: number;
  runsPerRound?: number;
  warmup?: number;
  /** Noise allowance before calling the quantized model slower (default 0.05). */
  margin?: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

export async function checkLatency(
  backend: InferenceBackend,
  source: Model,
  quantized: Model,
  feeds: Record<string, TensorData>,
  opts: LatencyCheckOptions = {},
): Promise<LatencyCheck> {
  const sessions = [await backend.createSession(source), await backend.createSession(quantized)];
  const samples: [number[], number[]] = [[], []];
  try {
    for (const s of sessions) for (let i = 0; i < (opts.warmup ?? 2); i++) await s.run(feeds);
    const per = opts.runsPerRound ?? 2;
    for (let r = 0; r < (opts.rounds ?? 7); r++) {
      // alternate the order so neither model always runs first
      for (const k of r % 2 ? [1, 0] : [0, 1]) {
        const t0 = performance.now();
        for (let i = 0; i < per; i++) await sessions[k]!.run(feeds);
        samples[k as 0 | 1].push((performance.now() - t0) / per);
      }
    }
  } finally {
    for (const s of sessions) await s.release();
  }
  const ratio = median(samples[1].map((q, r) => q / samples[0][r]!));
  return {
    sourceMs: median(samples[0]),
    quantizedMs: median(samples[1]),
    ratio,
    slower: ratio > 1 + (opts.margin ?? 0.05),
  };
}
