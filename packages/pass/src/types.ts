// The contract every pass (built-in or plugin) is written against. Built-in passes use exactly
// this API; there is no private back door.
import type { Model } from '@enxuto/ir';
import type { z } from 'zod';
import type { Dataset } from '../data/dataset.js';
import type { Rng } from '../data/rng.js';
import type { InferenceBackend } from '@enxuto/runtime';

export type PassNeed = 'data' | 'runtime' | 'training';

/** A zod object schema: every option named, with a default and a description. */
export type OptionsSchema = z.ZodObject;

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

/** Reports progress of the current step: `done` of `total` units (samples, layers, epochs...). */
export interface ProgressReporter {
  update(done: number, total: number, message?: string): void;
}

export type DataRole = 'calibration' | 'training' | 'evaluation';

export interface PassContext {
  /** Name of the pass being run and its 0-based position in the pipeline. */
  readonly passName: string;
  readonly step: number;
  readonly logger: Logger;
  readonly progress: ProgressReporter;
  /** Fires on Ctrl-C: long loops call `throwIfAborted()` between units of work. */
  readonly signal: AbortSignal;
  throwIfAborted(): void;
  /** Seeded from the pipeline seed and the step, so a re-run draws the same numbers. */
  readonly rng: Rng;
  readonly seed: number;
  /** Datasets declared under `data:` in the pipeline file, by role. */
  readonly data: Readonly<Partial<Record<DataRole, Dataset>>>;
  /** The dataset of a role; a ConfigError naming the missing `data.<role>` entry when absent. */
  dataset(role: DataRole): Dataset;
  /** The inference backend (onnxruntime) when the pass declared `needs: ['runtime']`. */
  readonly runtime: InferenceBackend | undefined;
  /** A folder this pass may keep intermediate files in between runs (undefined: no cache). */
  readonly cacheDir: string | undefined;
}

export interface PassResult {
  model: Model;
  /** False when the pass found nothing to do (the model is unchanged). */
  changed: boolean;
  /**
   * Numbers and small records for the report. Conventional keys the HTML report plots:
   * `layers: [{ name, sparsity?, quantError? }]`.
   */
  stats: Record<string, unknown>;
}

export interface PassDefinition<S extends OptionsSchema = OptionsSchema> {
  /** kebab-case, verb first ('fold-batchnorm'); plugins prefix a namespace ('acme/prune-sparsegpt'). */
  readonly name: string;
  /** One line, shown by `enxuto passes`. */
  readonly summary: string;
  readonly options: S;
  readonly needs: readonly PassNeed[];
  run(model: Model, options: z.output<S>, ctx: PassContext): Promise<PassResult>;
}

export interface PluginDefinition {
  /** The npm package name of the plugin. */
  readonly name: string;
  readonly passes: readonly PassDefinition[];
}
