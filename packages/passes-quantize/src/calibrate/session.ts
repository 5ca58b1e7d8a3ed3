// The slice of an inference runtime the quantizer needs (structurally compatible with
// @enxuto/runtime backends and the pipeline's PassContext.runtime).
import type { Model } from '@enxuto/ir';

export interface FeedTensor {
  dtype: string;
  shape: readonly number[];
  data: ArrayLike<number | bigint> & { length: number };
}

export interface QuantSession {
  run(feeds: Record<string, FeedTensor>): Promise<Record<string, FeedTensor>>;
  release?(): Promise<void> | void;
}

export interface QuantBackend {
  readonly name?: string;
  createSession(model: Model | Uint8Array): Promise<QuantSession>;
}

/** Feeds of one batch plus how many samples it holds. */
export interface CalibrationBatch {
  feeds: Record<string, FeedTensor>;
  samples: number;
  /** Labels, when the data has them (used by accuracy gates). */
  labels?: Int32Array;
}
