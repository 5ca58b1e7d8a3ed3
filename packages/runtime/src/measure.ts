// Latency measurement shared by `enxuto bench` and the edge app.
import type { Session, TensorData } from '@enxuto/pass';

export interface LatencyStats {
  runs: number;
  warmup: number;
  minMs: number;
  p50Ms: number;
  p95Ms: number;
  meanMs: number;
  /** Samples (batch items) per second at the mean latency. */
  throughputPerSec: number;
}

/** Nearest-rank percentile of sorted samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function summarizeLatencies(samplesMs: readonly number[], warmup: number, batch: number): LatencyStats {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length);
  return {
    runs: sorted.length,
    warmup,
    minMs: sorted[0] ?? Number.NaN,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    meanMs: mean,
    throughputPerSec: mean > 0 ? (batch * 1000) / mean : Number.NaN,
  };
}

/** Runs `warmup` untimed then `runs` timed inferences on the same feeds. */
export async function measureLatency(
  session: Session,
  feeds: Record<string, TensorData>,
  opts: { runs: number; warmup: number; batch?: number },
): Promise<LatencyStats> {
  for (let i = 0; i < opts.warmup; i++) await session.run(feeds);
  const samples: number[] = [];
  for (let i = 0; i < opts.runs; i++) {
    const t0 = performance.now();
    await session.run(feeds);
    samples.push(performance.now() - t0);
  }
  return summarizeLatencies(samples, opts.warmup, opts.batch ?? 1);
}
