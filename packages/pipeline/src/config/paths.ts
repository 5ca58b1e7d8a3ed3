// Every file path a pipeline names, with its field and whether the run reads or writes it: what a
// sweep worker confines to its roots, and what moves when a pipeline is written to another folder.
import { optionFiles } from '@enxuto/pass';
import type { DatasetSpec } from '../data/specs.js';
import type { PipelineConfig } from './schema.js';
import type { ResolvedPass } from './validate.js';

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

/** A file a pass's options name (a fileOption() field of its schema). */
export interface DeclaredFile {
  /** Field in the pipeline file: `passes.0.options.sensitivity`. */
  field: string;
  /** Field within the pass's options, as the pass names it to ctx.readFile: `sensitivity`. */
  option: string;
  /** The path as written. */
  path: string;
}

export function declaredFiles(p: ResolvedPass): DeclaredFile[] {
  return optionFiles(p.definition.options, p.options).map((f) => ({
    field: `passes.${p.index}.options.${f.field}`,
    option: f.field,
    path: f.path,
  }));
}

/**
 * Every path of the pipeline. With `passes` (resolvePasses of the same config), the files their
 * options name too; without, those are missing, as the options schemas say which fields are paths.
 */
export function pipelinePaths(config: PipelineConfig, passes: readonly ResolvedPass[] = []): PipelinePath[] {
  const out: PipelinePath[] = [{ field: 'input', path: config.input, access: 'read' }];
  config.roots.forEach((r, i) => out.push({ field: `roots.${i}`, path: r, access: 'read' }));
  for (const [role, spec] of Object.entries(config.data) as [string, DatasetSpec | undefined][]) {
    if (!spec) continue;
    for (const key of DATASET_PATHS[spec.type] ?? []) {
      const v = (spec as Record<string, unknown>)[key];
      if (typeof v === 'string') out.push({ field: `data.${role}.${key}`, path: v, access: 'read' });
    }
  }
  for (const p of passes) for (const f of declaredFiles(p)) out.push({ field: f.field, path: f.path, access: 'read' });
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
