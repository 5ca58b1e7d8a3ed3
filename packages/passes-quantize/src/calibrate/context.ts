// Glue between the pipeline's PassContext and the quantizer's runtime/data needs.
import { ConfigError } from '@enxuto/ir';
import type { PassContext } from '@enxuto/pipeline';
import type { QuantBackend } from '../calibrate/session.js';

export function backendOf(ctx: PassContext): QuantBackend {
  if (!ctx.runtime) {
    throw new ConfigError(`${ctx.passName} needs an inference runtime (onnxruntime) to calibrate`, {
      code: 'quantize/no-runtime',
      field: 'runtime',
    });
  }
  return ctx.runtime as unknown as QuantBackend;
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
