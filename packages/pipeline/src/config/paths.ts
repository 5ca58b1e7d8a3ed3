// Every file path a pipeline names, with its field and whether the run reads or writes it: what a
// sweep worker confines to its roots, and what moves when a pipeline is written to another folder.
import type { DatasetSpec } from '../data/specs.js';
import type { PipelineConfig } from './schema.js';

export interface PipelinePath {
  /** Dotted field in the pipeline file, e.g. `data.evaluation.images` or `outputs.0.path`. */
  field: string;
  /** The path as written (relative paths are relative to the pipeline file's folder). */
  path: string;
  access: 'read' | 'write';
}

/** The path fields of each dataset kind (the others read no files). */
const DATASET_PATHS: Partial<Record<DatasetSpec['type'], readonly string[]>> = {
  'mnist-idx': ['images', 'labels'],
  'image-folder': ['root', 'labels'],
  npy: ['data', 'labels'],
};

export function pipelinePaths(config: PipelineConfig): PipelinePath[] {
  const out: PipelinePath[] = [{ field: 'input', path: config.input, access: 'read' }];
  config.roots.forEach((r, i) => out.push({ field: `roots.${i}`, path: r, access: 'read' }));
  for (const [role, spec] of Object.entries(config.data) as [string, DatasetSpec | undefined][]) {
    if (!spec) continue;
    for (const key of DATASET_PATHS[spec.type] ?? []) {
      const v = (spec as Record<string, unknown>)[key];
      if (typeof v === 'string') out.push({ field: `data.${role}.${key}`, path: v, access: 'read' });
    }
  }
  config.outputs.forEach((o, i) =>
    out.push(
      typeof o === 'string'
        ? { field: `outputs.${i}`, path: o, access: 'write' }
        : { field: `outputs.${i}.path`, path: o.path, access: 'write' },
    ),
  );
  if (config.report !== undefined) out.push({ field: 'report', path: config.report, access: 'write' });
  return out;
}
