// Reading a pipeline file from disk through @enxuto/io: size-limited, YAML or JSON by extension,
// `--set` overrides, then validation.
import { dirname, resolve } from 'node:path';
import { checkFile, readWhole } from '@enxuto/io/node';
import { ConfigError } from '@enxuto/ir';
import { applyOverrides } from './overrides.js';
import { MAX_PIPELINE_BYTES, parseJsonSafe, parseYamlSafe } from './safe-yaml.js';
import type { PipelineConfig } from './schema.js';
import { parsePipelineConfig } from './validate.js';

export interface LoadedPipeline {
  config: PipelineConfig;
  /** Absolute path of the pipeline file (undefined for a config given as an object). */
  file: string | undefined;
  /** Folder relative paths in the file resolve against. */
  baseDir: string;
}

/** The pipeline file's text: a regular file only (a FIFO or device is refused, not waited on), size-checked. */
export function readPipelineText(path: string): string {
  const file = checkFile(path, { file: path });
  if (file.size > MAX_PIPELINE_BYTES) {
    throw new ConfigError(`pipeline file is larger than ${MAX_PIPELINE_BYTES} bytes`, {
      code: 'config/too-large',
      file: path,
    });
  }
  return new TextDecoder().decode(readWhole(file, { maxBytes: MAX_PIPELINE_BYTES, option: 'the pipeline size' }));
}

/** Parses pipeline text (JSON when `file` ends in .json, else YAML, which also accepts JSON). */
export function parsePipelineText(text: string, file?: string): unknown {
  return file?.toLowerCase().endsWith('.json') ? parseJsonSafe(text, file) : parseYamlSafe(text, file);
}

export function loadPipelineFile(path: string, opts: { set?: readonly string[] } = {}): LoadedPipeline {
  const file = resolve(path);
  const raw = applyOverrides(parsePipelineText(readPipelineText(file), file), opts.set ?? []);
  return { config: parsePipelineConfig(raw, file), file, baseDir: dirname(file) };
}

export function loadPipelineObject(
  raw: unknown,
  opts: { set?: readonly string[]; baseDir?: string } = {},
): LoadedPipeline {
  const checked = applyOverrides(raw, opts.set ?? []);
  return { config: parsePipelineConfig(checked), file: undefined, baseDir: resolve(opts.baseDir ?? process.cwd()) };
}
