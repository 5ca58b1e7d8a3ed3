// The pipeline file, as zod schemas: the runner validates against them and the JSON Schema that
// editors use is generated from them, so the two never disagree.
import { BUILTIN_FORMATS } from '@enxuto/formats';
import { DEFAULT_LIMITS, LIMIT_DESCRIPTIONS, type Limits } from '@enxuto/io';
import { z } from 'zod';
import { datasetSpecSchema } from '../data/specs.js';

/** The output formats: the names in @enxuto/formats' table. */
export const MODEL_FORMATS = BUILTIN_FORMATS.map((f) => f.name) as [string, ...string[]];

const pathString = (what: string) => z.string().min(1).max(4096).describe(what);

export const passEntrySchema = z
  .union([
    z.string().min(1).describe('a pass name, run with its default options'),
    z.strictObject({
      type: z.string().min(1).describe('the pass name (`enxuto passes` lists them)'),
      options: z.record(z.string(), z.unknown()).default({}).describe("the pass's options; see `enxuto passes`"),
    }),
  ])
  .describe('a pass: its name, or { type, options }');

export const GATE_METRICS = [
  'accuracy',
  'top5',
  'agreement',
  'cosine',
  'maxAbsError',
  'sizeBytes',
  'sizeRatio',
  'latencyP50Ms',
] as const;

export const gateSchema = z
  .strictObject({
    metric: z.enum(GATE_METRICS).describe('the evaluation metric the gate checks'),
    maxDrop: z
      .number()
      .min(0)
      .optional()
      .describe('largest allowed drop from the input model (absolute: 0.005 = half a percentage point of accuracy)'),
    min: z.number().optional().describe('the final value must be at least this'),
    max: z.number().optional().describe('the final value must be at most this'),
  })
  .refine((g) => g.maxDrop !== undefined || g.min !== undefined || g.max !== undefined, {
    message: 'a gate needs maxDrop, min or max',
  })
  .describe('a condition on the compressed model; when it fails the run exits non-zero and writes no model');

/** Keys the runner sets itself on every write; a format option cannot override them. */
const RESERVED_OUTPUT_OPTIONS = ['force', 'inputs', 'protect', 'format'];

export const outputOptionsSchema = z
  .record(z.string().min(1).max(100), z.unknown())
  .refine((o) => Object.keys(o).length <= 50, { message: 'at most 50 format options' })
  .superRefine((o, ctx) => {
    for (const k of Object.keys(o)) {
      if (RESERVED_OUTPUT_OPTIONS.includes(k))
        ctx.addIssue({ code: 'custom', path: [k], message: `'${k}' is not a format option (set by the runner)` });
    }
  })
  .describe(
    "the format's write options, checked against the format's schema before any pass runs (an unknown key is an error naming it)",
  );

export const outputSchema = z
  .union([
    pathString('output path; the format follows from the extension (.onnx, .tflite, a folder for tfjs)'),
    z.strictObject({
      path: pathString('output path, relative to the pipeline file'),
      format: z.enum(MODEL_FORMATS).optional().describe('output format (default: from the path)'),
      options: outputOptionsSchema.optional(),
    }),
  ])
  .describe('where to write the compressed model');

export const dataSchema = z
  .strictObject({
    calibration: datasetSpecSchema.optional().describe('data for calibration (quantization ranges, saliency)'),
    training: datasetSpecSchema.optional().describe('data for fine-tuning and distillation'),
    evaluation: datasetSpecSchema.optional().describe('held-out data for accuracy before and after, and for gates'),
  })
  .describe('datasets by role');

export const evaluationSettingsSchema = z
  .strictObject({
    batchSize: z.number().int().min(1).max(4096).default(64).describe('samples per inference call'),
    maxSamples: z.number().int().min(1).optional().describe('evaluate on at most this many samples (default: all)'),
    latencyRuns: z
      .number()
      .int()
      .min(0)
      .max(10_000)
      .default(20)
      .describe('batch-1 runs timed for the latency p50 (0: skip)'),
    perStep: z.boolean().default(true).describe('evaluate after every pass (the report plots each step)'),
  })
  .describe('how models are evaluated during the run');

export const limitsSchema = z
  .strictObject(
    Object.fromEntries(
      Object.entries(LIMIT_DESCRIPTIONS).map(([name, what]) => [
        name,
        z
          .number()
          .positive()
          .optional()
          .describe(`${what} (default ${DEFAULT_LIMITS[name as keyof Limits]})`),
      ]),
    ) as Record<keyof Limits, z.ZodOptional<z.ZodNumber>>,
  )
  .describe('resource limits for untrusted files; raise one only for a file you trust that needs more');

export const pipelineSchema = z
  .strictObject({
    $schema: z.string().optional().describe('the JSON Schema of this file, for editors'),
    input: pathString('the model to compress (ONNX, TF.js model.json or TFLite), relative to this file'),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .default(0)
      .describe('seed of every random choice; same seed, same bytes'),
    roots: z
      .array(pathString('a folder, relative to this file or absolute'))
      .max(100)
      .default([])
      .describe(
        "folders datasets may be read from besides this file's folder; a data path outside all of them is refused",
      ),
    data: dataSchema.default({}),
    passes: z.array(passEntrySchema).max(1000).default([]).describe('passes, run in order'),
    gates: z.array(gateSchema).max(100).default([]).describe('conditions the result must meet'),
    outputs: z.array(outputSchema).min(1).max(100).describe('files to write when every gate passes'),
    report: pathString('folder for report.json and report.html').optional(),
    plugins: z
      .array(z.string().min(1).max(214))
      .max(100)
      .default([])
      .describe("npm packages providing passes, resolved from this project's node_modules"),
    evaluation: evaluationSettingsSchema.prefault({}),
    limits: limitsSchema.default({}),
  })
  .describe('an enxuto pipeline: a model, passes, gates and outputs');

export type PipelineInput = z.input<typeof pipelineSchema>;
export type PipelineConfig = z.output<typeof pipelineSchema>;
export type PassEntry = z.output<typeof passEntrySchema>;
export type Gate = z.output<typeof gateSchema>;
export type OutputEntry = z.output<typeof outputSchema>;
export type GateMetric = (typeof GATE_METRICS)[number];
