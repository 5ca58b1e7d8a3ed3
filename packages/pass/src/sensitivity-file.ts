// sensitivity.json, written by a sensitivity sweep (`enxuto sweep --sensitivity quantize|prune`):
// what each weight layer alone costs when it is quantized or pruned. Its schema lives in the pass
// API, below both the sweep that writes it and the passes that read it through their `sensitivity` option
// (quantize-auto, prune-magnitude), so they choose per-layer precision / sparsity without
// measuring again.
import { ConfigError } from '@enxuto/ir';
import { z } from 'zod';

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
  .union([z.string().min(1), sensitivityFileSchema])
  .optional()
  .describe(
    'sensitivity.json of a sensitivity sweep (path relative to the working directory, or its contents): per-layer choices come from it instead of being measured',
  );

/** Reads a file without a static Node import, so the passes' main entries stay browser-safe. */
function readText(path: string): string {
  type Fs = { readFileSync(path: string, encoding: 'utf8'): string };
  const node = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = node?.getBuiltinModule?.('fs') as Fs | undefined;
  if (!fs) {
    throw new ConfigError('a sensitivity file path needs Node: pass the file contents instead', {
      code: 'sensitivity/no-file-access',
      file: path,
      field: 'sensitivity',
    });
  }
  try {
    return fs.readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`cannot read the sensitivity file: ${(cause as Error).message}`, {
      code: 'sensitivity/unreadable',
      file: path,
      field: 'sensitivity',
      cause,
    });
  }
}

/** The sensitivity file an option names, checked against its schema and the method it must be of. */
export function loadSensitivity(value: string | SensitivityFile, method: SensitivityFile['method']): SensitivityFile {
  const file = typeof value === 'string' ? value : undefined;
  let data: unknown = value;
  if (file !== undefined) {
    try {
      data = JSON.parse(readText(file));
    } catch (cause) {
      if (cause instanceof ConfigError) throw cause;
      throw new ConfigError(`not valid JSON: ${(cause as Error).message}`, {
        code: 'sensitivity/bad-json',
        file,
        field: 'sensitivity',
        cause,
      });
    }
  }
  const r = sensitivityFileSchema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new ConfigError(`not a sensitivity file: ${issue.message}`, {
      code: 'sensitivity/invalid',
      ...(file !== undefined ? { file } : {}),
      field: ['sensitivity', ...issue.path.map(String)].join('.'),
    });
  }
  if (r.data.method !== method) {
    throw new ConfigError(`a ${r.data.method} sensitivity file, but this pass needs a ${method} one`, {
      code: 'sensitivity/wrong-method',
      ...(file !== undefined ? { file } : {}),
      field: 'sensitivity',
    });
  }
  return r.data;
}

/** The file's entry for a layer named by node name, first output or weight initializer. */
export function sensitivityLayer(
  file: SensitivityFile,
  names: readonly (string | undefined)[],
): SensitivityLayer | undefined {
  const wanted = new Set(names.filter((n): n is string => !!n));
  return file.layers.find((l) => [l.node, l.output, l.weight].some((n) => n !== '' && wanted.has(n)));
}
