// Glue between the PassContext and the quantizer's runtime/data needs.
import { ConfigError, type Model } from '@enxuto/ir';
import type { InferenceBackend, PassContext } from '@enxuto/pass';
import { datasetBatches, type SampleSource } from './batches.js';
import { checkLatency, type LatencyCheck } from './latency-check.js';

export function backendOf(ctx: PassContext): InferenceBackend {
  if (!ctx.runtime) {
    throw new ConfigError(`${ctx.passName} needs an inference runtime (onnxruntime) to calibrate`, {
      code: 'quantize/no-runtime',
      field: 'runtime',
    });
  }
  return ctx.runtime;
}

/** Progress in samples, with an abort check per batch. */
export function progressOf(
  ctx: PassContext,
  total: number,
  what: string,
): { onProgress: (n: number) => void; signal: AbortSignal } {
  return {
    onProgress: (n) => {
      ctx.progress.update(Math.min(n, total), total, what);
      ctx.throwIfAborted();
    },
    signal: ctx.signal,
  };
}

/**
 * The quantized model timed against its source on one sample of `data`: a `latency` report entry,
 * and a warning when it is slower (the rules in insert-qdq keep known-slow patterns float, but a
 * runtime or CPU can still disagree).
 */
export async function latencyStats(
  ctx: PassContext,
  source: Model,
  quantized: Model,
  data: SampleSource,
): Promise<{ latency?: LatencyCheck & { runtime: string } }> {
  const sample = datasetBatches(source, data, { batchSize: 1, limit: 1 }).next();
  if (sample.done) return {};
  const latency = await checkLatency(backendOf(ctx), source, quantized, sample.value.feeds);
  const runtime = ctx.runtime?.name ?? 'the runtime';
  if (latency.slower)
    ctx.logger.warn(
      `${ctx.passName}: the quantized model is slower than its source in ${runtime}: ` +
        `${latency.quantizedMs.toFixed(2)} vs ${latency.sourceMs.toFixed(2)} ms per run (x${latency.ratio.toFixed(2)})`,
    );
  return { latency: { ...latency, runtime } };
}
