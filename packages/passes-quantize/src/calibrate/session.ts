// What calibration feeds a model: one batch of inputs (runtime tensors of @enxuto/pass) at a time.
import type { TensorData } from '@enxuto/pass';

/** Feeds of one batch plus how many samples it holds. */
export interface CalibrationBatch {
  feeds: Record<string, TensorData>;
  samples: number;
  /** Labels, when the data has them (used by accuracy gates). */
  labels?: Int32Array;
}
