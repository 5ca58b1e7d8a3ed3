// Interleaved latency comparison: models run in alternating short rounds in one process, so
// drift and load from other processes hit all of them alike. Reports per model the median and
// minimum ms per run, and the median over rounds of the ratio to model 0 (same-moment pairs).
import type { InferenceBackend, TensorData } from '@enxuto/runtime';
import type { Model } from '@enxuto/ir';

export interface LatencyComparison {
  medianMs: number[];
  minMs: number[];
  /** Median of per-round ratios model k / model 0. */
  ratio: number[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function compareLatency(
  backend: InferenceBackend,
  models: (Model | Uint8Array)[],
  feeds: Record<string, TensorData>,
  opts: { rounds?: number; runsPerRound?: number; warmup?: number; threads?: number } = {},
): Promise<LatencyComparison> {
  const sessions = [];
  for (const m of models)
    sessions.push(
      await backend.createSession(m, { threads: opts.threads === undefined ? 1 : opts.threads || undefined }),
    );
  const rounds = opts.rounds ?? 100;
  const per = opts.runsPerRound ?? 5;
  for (const s of sessions) for (let i = 0; i < (opts.warmup ?? 20); i++) await s.run(feeds);
  const samples: number[][] = sessions.map(() => []);
  for (let r = 0; r < rounds; r++) {
    // Alternate the order each round so neither model always runs right after the other.
    const order = sessions.map((_, k) => k);
    if (r % 2) order.reverse();
    for (const k of order) {
      const t0 = performance.now();
      for (let i = 0; i < per; i++) await sessions[k]!.run(feeds);
      samples[k]!.push((performance.now() - t0) / per);
    }
  }
  for (const s of sessions) await s.release();
  return {
    medianMs: samples.map(median),
    minMs: samples.map((xs) => Math.min(...xs)),
    ratio: samples.map((xs) => median(xs.map((x, r) => x / samples[0]![r]!))),
  };
}
