// readModel / writeModel: one entry point per direction for every format in the table.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { ConfigError, isEnxutoError, type Model } from '@enxuto/ir';
import { assertNotInput } from '@enxuto/io/node';
import { detectFormat } from './detect.js';
import { extensionOf, HEAD_BYTES } from './format.js';
import type { FormatWriteOptions } from './handler.js';
import { allSniffers, getFormat, listFormats } from './registry.js';

function readHead(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const buf = new Uint8Array(HEAD_BYTES);
    const n = readSync(fd, buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** The file to sniff: the path itself, or the model.json of a TF.js folder. */
function modelFileOf(path: string): string {
  if (!existsSync(path)) {
    throw new ConfigError('no such file', { code: 'io/not-found', file: path, field: 'input' });
  }
  if (!statSync(path).isDirectory()) return path;
  const json = join(path, 'model.json');
  if (existsSync(json)) return json;
  throw new ConfigError('a folder without model.json is not a model', {
    code: 'io/not-a-model',
    file: path,
    field: 'input',
  });
}

function locate(e: unknown, file: string): unknown {
  return isEnxutoError(e) ? e.withLocation({ file }) : e;
}

/**
 * Reads a model into the IR. `native`: the format's own view where it has one (see
 * `FormatHandler.readNative`); `native` in the result says which view was read.
 */
export async function readModel(
  path: string,
  opts: { format?: string; native?: boolean } = {},
): Promise<{ model: Model; format: string; bytes: number; native: boolean }> {
  const file = modelFileOf(path);
  const format = opts.format ?? detectFormat(readHead(file), file, allSniffers()).format;
  const handler = getFormat(format, file);
  try {
    const native = opts.native === true && handler.readNative !== undefined;
    const { model, bytes } = native ? await handler.readNative!(file) : await handler.read(file);
    return { model, format, bytes, native };
  } catch (e) {
    throw locate(e, file);
  }
}

/** The format an output path asks for: by extension; a folder (no extension) means a folder format. */
function formatForOutput(path: string): string {
  const ext = extensionOf(path);
  const isDir = existsSync(path) && statSync(path).isDirectory();
  const candidates = listFormats().filter((f) => f.extensions.includes(isDir ? '' : ext));
  if (candidates.length > 0) return candidates[0]!.name;
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

function isInside(child: string, folder: string): boolean {
  const rel = relative(folder, child);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && resolve(folder, rel) === resolve(child));
}

function assertWritableFolder(path: string, inputs: readonly string[], force: boolean): void {
  if (!existsSync(path) || !statSync(path).isDirectory()) return;
  const real = realpathSync(path);
  for (const input of inputs) {
    if (existsSync(input) && isInside(realpathSync(input), real)) {
      throw new ConfigError(`refusing to write into the folder holding the input ${input}`, {
        code: 'io/overwrite-input',
        file: path,
        field: 'output',
      });
    }
  }
  if (!force && readdirSync(path).length > 0) {
    throw new ConfigError('output folder is not empty (use --force to write into it)', {
      code: 'io/non-empty-folder',
      file: path,
      field: 'output',
    });
  }
}

export interface WriteModelOptions extends FormatWriteOptions {
  format?: string;
  force?: boolean;
  /** Input files of this run: never overwritten. */
  inputs?: string[];
}

export async function writeModel(
  model: Model,
  path: string,
  opts: WriteModelOptions = {},
): Promise<{ format: string; files: string[]; bytes: number }> {
  const { format: wanted, inputs = [], force = false, ...rest } = opts;
  assertNotInput(path, inputs);
  const format = wanted ?? formatForOutput(path);
  const handler = getFormat(format, path);
  assertWritableFolder(path, inputs, force);
  mkdirSync(dirname(resolve(path)), { recursive: true });
  try {
    const { files, bytes } = await handler.write(model, path, { ...rest, force, inputs });
    return { format, files, bytes };
  } catch (e) {
    throw locate(e, path);
  }
}
