// Glue between the PassContext and the quantizer's runtime needs.
import { ConfigError } from '@enxuto/ir';
import type { InferenceBackend, PassContext } from '@enxuto/pass';

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
