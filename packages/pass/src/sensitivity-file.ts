// sensitivity.json, written by a sensitivity sweep (`enxuto sweep --sensitivity quantize|prune`):
// what each weight layer alone costs when it is quantized or pruned. Its schema lives in the pass
// API, below both the sweep that writes it and the passes that read it through their `sensitivity` option
// (quantize-auto, prune-magnitude), so they choose per-layer precision / sparsity without
// measuring again.
import { ConfigError } from '@enxuto/ir';
import { z } from 'zod';
import { fileOption } from './file-options.js';
import type { PassContext } from './types.js';

export const SENSITIVITY_SCHEMA_VERSION = 1;

const resultSchema = z.object({
  /** 'int8' for quantize; the sparsity tried for prune. */
  precision: z.literal('int8').optional(),
  sparsity: z.number().min(0).max(1).optional(),
  /** Accuracy (or agreement) with only this layer changed; null when the trial failed. */
  value: z.number().nullable(),
  /** Baseline minus value: what this layer alone costs. */
  drop: z.number().nullable(),
  trial: z.string(),
});

const layerSchema = z.object({
  node: z.string(),
  output: z.string(),
  weight: z.string(),
  opType: z.string(),
  parameters: z.number().int().min(0),
  results: z.array(resultSchema),
});

export const sensitivityFileSchema = z.object({
  schemaVersion: z.literal(SENSITIVITY_SCHEMA_VERSION),
  method: z.enum(['quantize', 'prune']),
  metric: z.enum(['accuracy', 'agreement']),
  model: z.object({ path: z.string(), sha256: z.string() }),
  baseline: z.number(),
  options: z.record(z.string(), z.unknown()),
  layers: z.array(layerSchema),
});

export type SensitivityFile = z.output<typeof sensitivityFileSchema>;
export type SensitivityLayer = SensitivityFile['layers'][number];
export type SensitivityResult = SensitivityLayer['results'][number];

/** The `sensitivity` option of a pass: a sensitivity.json path, or its contents. */
export const sensitivityOption = z
  .union([
    fileOption('sensitivity.json of a sensitivity sweep: per-layer choices come from it instead of being measured'),
    sensitivityFileSchema,
  ])
  .optional()
  .describe(
    "sensitivity.json of a sensitivity sweep (a path relative to the pipeline file's folder, or its contents): per-layer choices come from it instead of being measured",
  );

/** Sensitivity file contents (parsed JSON), checked against the schema and the method it must be of. */
export function parseSensitivity(data: unknown, method: SensitivityFile['method'], file?: string): SensitivityFile {
  const where = file !== undefined ? { file } : {};
  const r = sensitivityFileSchema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new ConfigError(`not a sensitivity file: ${issue.message}`, {
      code: 'sensitivity/invalid',
      ...where,
      field: ['sensitivity', ...issue.path.map(String)].join('.'),
    });
  }
  if (r.data.method !== method) {
    throw new ConfigError(`a ${r.data.method} sensitivity file, but this pass needs a ${method} one`, {
      code: 'sensitivity/wrong-method',
      ...where,
      field: 'sensitivity',
    });
  }
  return r.data;
}

/**
 * The sensitivity file a `sensitivity` option names: its contents, or a path read through the
 * pass's context (the runner confines, protects and hashes it).
 */
export async function loadSensitivity(
  value: string | SensitivityFile,
  method: SensitivityFile['method'],
  ctx: Pick<PassContext, 'readFile'>,
): Promise<SensitivityFile> {
  if (typeof value !== 'string') return parseSensitivity(value, method);
  const bytes = await ctx.readFile(value, 'sensitivity');
  let data: unknown;
  try {
    data = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new ConfigError(`not valid JSON: ${(cause as Error).message}`, {
      code: 'sensitivity/bad-json',
      file: value,
      field: 'sensitivity',
      cause,
    });
  }
  return parseSensitivity(data, method, value);
}

/** The file's entry for a layer named by node name, first output or weight initializer. */
export function sensitivityLayer(
  file: SensitivityFile,
  names: readonly (string | undefined)[],
): SensitivityLayer | undefined {
  const wanted = new Set(names.filter((n): n is string => !!n));
  return file.layers.find((l) => [l.node, l.output, l.weight].some((n) => n !== '' && wanted.has(n)));
}
