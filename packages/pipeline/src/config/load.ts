// Reading a pipeline file from disk: size-limited, YAML or JSON by extension, `--set` overrides,
// then validation.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
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

export function readPipelineText(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new ConfigError(`cannot read pipeline file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      code: 'config/missing',
      file: path,
      cause: e,
    });
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile())
      throw new ConfigError('pipeline file is not a regular file', { code: 'config/not-file', file: path });
    if (st.size > MAX_PIPELINE_BYTES) {
      throw new ConfigError(`pipeline file is larger than ${MAX_PIPELINE_BYTES} bytes`, {
        code: 'config/too-large',
        file: path,
      });
    }
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, buf, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off).toString('utf8');
  } finally {
    closeSync(fd);
  }
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
