// readModel / writeModel: one entry point per direction for every format in the table. Files are
// read through @enxuto/io (regular files only, sizes checked) and written atomically, never over a
// protected file (the run's inputs and the files the model itself was read from).
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_LIMITS, type Limits } from '@enxuto/io';
import {
  type CheckedFile,
  checkFile,
  checkFolderOutput,
  checkWritable,
  createFolders,
  ProtectedFiles,
  removeEmptyFolders,
  readHead,
  sourceFiles,
} from '@enxuto/io/node';
import { ConfigError, isEnxutoError, type Model } from '@enxuto/ir';
import { detectFormat } from './detect.js';
import { extensionOf, formatOfOutputName, HEAD_BYTES } from './format.js';
import type { FormatWriteOptions, PlannedWrite } from './handler.js';
import { allSniffers, getFormat, listFormats } from './registry.js';

/** The file to sniff: the path itself, or the model.json of a TF.js folder. */
function modelFileOf(path: string): CheckedFile {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    // checkFile says what is wrong, typed
  }
  if (!isDir) return checkFile(path, { file: path, field: 'input' });
  try {
    return checkFile(join(path, 'model.json'), { field: 'input' });
  } catch (e) {
    if (isEnxutoError(e) && e.code === 'io/not-found') {
      throw new ConfigError('a folder without model.json is not a model', {
        code: 'io/not-a-model',
        file: path,
        field: 'input',
      });
    }
    throw e;
  }
}

function locate(e: unknown, file: string): unknown {
  return isEnxutoError(e) ? e.withLocation({ file }) : e;
}

export interface ReadModelResult {
  model: Model;
  format: string;
  /** Size of everything read. */
  bytes: number;
  /** Every file read (model, external data, manifest, shards), as checked. */
  files: CheckedFile[];
  /** Whether the format's own view was read (see `FormatHandler.readNative`). */
  native: boolean;
}

/**
 * Reads a model into the IR. `native`: the format's own view where it has one (see
 * `FormatHandler.readNative`); `native` in the result says which view was read.
 */
export async function readModel(
  path: string,
  opts: { format?: string; limits?: Limits; native?: boolean } = {},
): Promise<ReadModelResult> {
  const file = modelFileOf(path);
  const format = opts.format ?? detectFormat(readHead(file, HEAD_BYTES), path, allSniffers()).format;
  const handler = getFormat(format, path);
  try {
    const native = opts.native === true && handler.readNative !== undefined;
    const at = file.path === resolve(path) ? path : file.path;
    const readOpts = { limits: opts.limits ?? DEFAULT_LIMITS };
    const { model, bytes } = native ? await handler.readNative!(at, readOpts) : await handler.read(at, readOpts);
    return { model, format, bytes, files: sourceFiles(model), native };
  } catch (e) {
    throw locate(e, path);
  }
}

/** The format an output path asks for: by extension; a folder (no extension) means a folder format. */
export function formatForOutput(path: string): string {
  const ext = extensionOf(path);
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    // not there yet
  }
  const format = formatOfOutputName(path, listFormats(), isDir);
  if (format) return format.name;
  const known = listFormats()
    .map((f) => `${f.name} (${f.extensions.map((x) => x || 'folder').join(', ')})`)
    .join(', ');
  throw new ConfigError(
    `cannot tell the output format from '${isDir ? 'a folder' : ext || 'no extension'}'; pass a format (${known})`,
    {
      code: 'format/unknown-output',
      file: path,
      field: 'format',
    },
  );
}

export interface WriteModelOptions extends FormatWriteOptions {
  format?: string;
  force?: boolean;
  /** Input files of this run: never overwritten (added to `protect`). */
  inputs?: string[];
}

function protectedSet(opts: WriteModelOptions): ProtectedFiles {
  return new ProtectedFiles().addAll(opts.inputs ?? []).addAll(opts.protect ?? []);
}

export interface OutputPlan extends PlannedWrite {
  format: string;
}

/**
 * Checks an output before any work: its format and options, that it can be created (names fit,
 * parents are folders, permission), and that it replaces no protected file. Creates nothing.
 */
export function planModelOutput(path: string, opts: WriteModelOptions = {}): OutputPlan {
  const { format: wanted, inputs: _inputs, ...rest } = opts;
  const format = wanted ?? formatForOutput(path);
  const plan = getFormat(format, path).plan(path, rest);
  const protect = protectedSet(opts);
  if (plan.kind === 'folder') checkFolderOutput(path, { force: opts.force ?? false, protect });
  else checkWritable(path, { kind: 'file', field: 'output' });
  for (const f of plan.files) {
    checkWritable(f, { kind: 'file', field: 'output' });
    protect.assertWritable(f);
  }
  return { ...plan, format };
}

export async function writeModel(
  model: Model,
  path: string,
  opts: WriteModelOptions = {},
): Promise<{ format: string; files: string[]; bytes: number }> {
  const { format: wanted, inputs: _inputs, protect: _protect, force = false, ...rest } = opts;
  const protect = protectedSet(opts);
  const { format, kind } = planModelOutput(path, opts);
  const handler = getFormat(format, path);
  const created = kind === 'file' ? createFolders(dirname(resolve(path))) : [];
  try {
    const { files, bytes } = await handler.write(model, path, { ...rest, force, protect });
    return { format, files, bytes };
  } catch (e) {
    removeEmptyFolders(created);
    throw locate(e, path);
  }
}
