// The contract every pass (built-in or plugin) is written against. Built-in passes use exactly
// this API; there is no private back door.
import type { Model, Rng } from '@enxuto/ir';
import type { z } from 'zod';
import type { Dataset } from './dataset.js';
import type { InferenceBackend } from './runtime.js';

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
  /** The inference backend (onnxruntime) when the pass declared `needs: ['runtime']` or `['data']`. */
  readonly runtime: InferenceBackend | undefined;
  /** A folder this pass may keep intermediate files in between runs (undefined: no cache). */
  readonly cacheDir: string | undefined;
  /**
   * The bytes of a file named in this pass's options through a `fileOption()` field (`field`: its
   * dotted path in the options, e.g. 'sensitivity'). The runner resolved it against the pipeline's
   * folder, confined it to the pipeline's roots, protected it from the run's outputs and hashed it
   * into the step's cache key before the pass ran; any other path is refused. Passes never read
   * files themselves.
   */
  readFile(path: string, field: string): Promise<Uint8Array>;
}

/** One layer's line in the report (more fields are welcome); the HTML report plots `sparsity` and `quantError`. */
export interface LayerStats {
  /** Node name (or weight name when the node has none). */
  name: string;
  opType?: string;
  /** Fraction of weights that are zero, in [0, 1]. */
  sparsity?: number;
  /** Mean squared error of the quantized weights against the float ones. */
  quantError?: number;
  /** What the layer became: 'int8', 'int4-weights', 'float32'... */
  precision?: string;
}

/**
 * Numbers and small records for the report (JSON data: no typed arrays, no class instances).
 * `layers` is the conventional per-layer table.
 */
export interface PassStats {
  layers?: LayerStats[];
  [key: string]: unknown;
}

export interface PassResult<S extends PassStats = PassStats> {
  model: Model;
  /** False when the pass found nothing to do (the model is unchanged). */
  changed: boolean;
  stats: S;
}

/**
 * A pass. `O` is the type of its parsed options, `S` of its stats. `PassDefinition` with no
 * arguments accepts every pass, so lists of passes need no casts.
 */
// biome-ignore lint/suspicious/noExplicitAny: the erased form of every pass, whatever its options
export interface PassDefinition<O = any, S extends PassStats = PassStats> {
  /** kebab-case, verb first ('fold-batchnorm'); plugins prefix a namespace ('acme/prune-sparsegpt'). */
  readonly name: string;
  /** One line, shown by `enxuto passes`. */
  readonly summary: string;
  /** A zod object schema whose parsed output is `O`. */
  readonly options: OptionsSchema & z.ZodType<O>;
  readonly needs: readonly PassNeed[];
  /**
   * True: `run` may change the model it is given (and usually returns it). False: `run` leaves
   * its input untouched and returns a new model. Callers that keep the input model (to compare,
   * or to try another pass) clone it first when this is true.
   */
  readonly inPlace: boolean;
  run(model: Model, options: O, ctx: PassContext): Promise<PassResult<S>>;
}

export interface PluginDefinition {
  /** The npm package name of the plugin. */
  readonly name: string;
  readonly passes: readonly PassDefinition[];
}
