// The sweep file: a base pipeline, the option paths to vary (the same paths as `--set`) and their
// values, how to pick settings (the whole grid, or a seeded random sample), the objective, budgets.
// Or, instead of `search`, a built-in sensitivity sweep (one layer at a time).
import { dirname, resolve } from 'node:path';
import { ConfigError } from '@enxuto/ir';
import { parsePipelineText, parseSetArgument, readPipelineText, zodConfigError } from '@enxuto/pipeline/node';
import { z } from 'zod';
import { parseDuration } from './duration.js';

/** Metrics a sweep can rank trials by (those of the pipeline's evaluation). */
export const OBJECTIVE_METRICS = [
  'sizeBytes',
  'sizeRatio',
  'latencyP50Ms',
  'accuracy',
  'top5',
  'agreement',
  'cosine',
  'maxAbsError',
  'parameters',
  'nonZero',
] as const;
export type ObjectiveMetric = (typeof OBJECTIVE_METRICS)[number];

const metricName = z.string().refine((s) => (OBJECTIVE_METRICS as readonly string[]).includes(s.replace(/^-/, '')), {
  message: `a metric (${OBJECTIVE_METRICS.join(', ')}), optionally with a leading '-' to reverse it`,
});

const duration = z.union([z.number().positive(), z.string()]).transform((v, ctx) => {
  const s = parseDuration(v);
  if (s === undefined) {
    ctx.addIssue({ code: 'custom', message: `a duration in seconds, or like '90s', '10m', '2h' (got ${v})` });
    return z.NEVER;
  }
  return s;
});

export const rangeSchema = z
  .strictObject({
    min: z.number().finite().describe('smallest value'),
    max: z.number().finite().describe('largest value'),
    log: z.boolean().default(false).describe('sample uniformly in log space (min must be > 0)'),
    integer: z.boolean().default(false).describe('round to a whole number'),
  })
  .refine((r) => r.min <= r.max, { message: 'min must not exceed max', path: ['max'] })
  .refine((r) => !r.log || r.min > 0, { message: 'a log range needs min > 0', path: ['min'] })
  .describe('a range of numbers, sampled by random search only');

export const sensitivitySchema = z
  .strictObject({
    method: z
      .enum(['quantize', 'prune'])
      .describe('quantize (int8, quantize-static) or prune (prune-magnitude) one layer at a time'),
    sparsities: z
      .array(z.number().gt(0).max(1))
      .min(1)
      .max(20)
      .default([0.5, 0.75, 0.9])
      .describe('prune: the sparsities each layer is tried at'),
    options: z
      .record(z.string(), z.unknown())
      .default({})
      .describe('extra options of the pass (quantize-static or prune-magnitude), e.g. { calibration: entropy }'),
  })
  .describe('a per-layer sensitivity sweep; writes <out>/sensitivity.json');

export const sweepSchema = z
  .strictObject({
    pipeline: z.string().min(1).max(4096).describe('the base pipeline file, relative to this file'),
    search: z
      .record(z.string().min(1).max(1000), z.union([z.array(z.unknown()).min(1).max(10_000), rangeSchema]))
      .optional()
      .describe('option path (as in --set) -> the values to try, or a { min, max } range (random search only)'),
    random: z
      .strictObject({
        count: z.number().int().min(1).max(100_000).describe('settings to sample'),
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 32 - 1)
          .default(0)
          .describe('same seed, same settings'),
      })
      .optional()
      .describe('sample this many distinct settings instead of the whole grid'),
    sensitivity: sensitivitySchema.optional(),
    objective: z
      .union([
        z.strictObject({ minimize: metricName.describe('metric to minimize; -accuracy maximizes accuracy') }),
        z.strictObject({ maximize: metricName.describe('metric to maximize') }),
      ])
      .default({ minimize: 'sizeBytes' })
      .describe('what the best trial optimizes, among trials whose gates pass'),
    budget: z
      .strictObject({
        trials: z.number().int().min(1).max(1_000_000).optional().describe('run at most this many trials'),
        time: duration.optional().describe('start no trial after this long (seconds, or 90s / 10m / 2h)'),
      })
      .default({})
      .describe('limits of the whole sweep'),
    trialTimeout: duration.default(3600).describe('a trial running longer is stopped and recorded as timed out'),
    out: z.string().min(1).max(4096).default('sweep-out').describe('results folder, relative to this file'),
  })
  .refine((s) => (s.search === undefined) !== (s.sensitivity === undefined), {
    message: 'a sweep needs either search (paths and values) or sensitivity, not both',
    path: ['search'],
  })
  .describe('an enxuto sweep: trials of a pipeline with varied options');

export type SweepConfig = z.output<typeof sweepSchema>;
export type Range = z.output<typeof rangeSchema>;
export type SensitivitySpec = z.output<typeof sensitivitySchema>;

export interface Objective {
  metric: ObjectiveMetric;
  direction: 'min' | 'max';
}

export function objectiveOf(c: SweepConfig): Objective {
  const [raw, dir] = 'minimize' in c.objective ? [c.objective.minimize, 'min'] : [c.objective.maximize, 'max'];
  const flip = raw.startsWith('-');
  const direction = flip ? (dir === 'min' ? 'max' : 'min') : dir;
  return { metric: raw.replace(/^-/, '') as ObjectiveMetric, direction: direction as 'min' | 'max' };
}

export interface LoadedSweep {
  config: SweepConfig;
  /** Absolute path of the sweep file (undefined for an object). */
  file: string | undefined;
  /** Absolute path of the base pipeline file. */
  pipelineFile: string;
  /** Absolute path of the results folder. */
  outDir: string;
}

export function parseSweepConfig(raw: unknown, file?: string): SweepConfig {
  const r = sweepSchema.safeParse(raw);
  if (!r.success) throw zodConfigError(r.error, [], file);
  const c = r.data;
  for (const path of Object.keys(c.search ?? {})) {
    // The same rules as --set: a path that --set would refuse is refused here, naming the field.
    try {
      parseSetArgument(`${path}=0`);
    } catch (e) {
      throw new ConfigError(`search path ${JSON.stringify(path)} is not allowed`, {
        code: 'sweep/bad-path',
        field: `search.${path}`,
        cause: e,
        ...(file ? { file } : {}),
      });
    }
    const v = c.search![path]!;
    if (!Array.isArray(v) && !c.random) {
      throw new ConfigError(`search.${path} is a range: ranges need random search (random: { count, seed })`, {
        code: 'sweep/range-needs-random',
        field: `search.${path}`,
        ...(file ? { file } : {}),
      });
    }
  }
  return c;
}

/** Reads a sweep file (YAML or JSON); `out` overrides the file's results folder (relative to cwd). */
export function loadSweepFile(path: string, opts: { out?: string } = {}): LoadedSweep {
  const file = resolve(path);
  const config = parseSweepConfig(parsePipelineText(readPipelineText(file), file), file);
  return {
    config,
    file,
    pipelineFile: resolve(dirname(file), config.pipeline),
    outDir: opts.out !== undefined ? resolve(opts.out) : resolve(dirname(file), config.out),
  };
}

/** A sweep given as an object (tests, the sensitivity shortcut); paths resolve against `baseDir`. */
export function loadSweepObject(raw: unknown, opts: { baseDir?: string; out?: string } = {}): LoadedSweep {
  const base = resolve(opts.baseDir ?? process.cwd());
  const config = parseSweepConfig(raw);
  return {
    config,
    file: undefined,
    pipelineFile: resolve(base, config.pipeline),
    outDir: opts.out !== undefined ? resolve(opts.out) : resolve(base, config.out),
  };
}
