// ONNX through @enxuto/onnx: the first entry of the format table.
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '@enxuto/ir';
import { readOnnxFile, writeOnnxFile, type WriteOnnxFileOptions } from '@enxuto/onnx/node';
import { rejectUnknownOptions } from './format-options.js';
import type { FormatHandler, FormatWriteOptions } from './handler.js';
import { onnxSniffer } from './sniff-onnx.js';

/** `externalData: { location, threshold? }` from the generic write options, checked. */
function externalDataOption(opts: FormatWriteOptions, path: string): WriteOnnxFileOptions {
  const ext = opts.externalData;
  if (ext === undefined) return {};
  const e = ext as { location?: unknown; threshold?: unknown };
  if (
    typeof ext !== 'object' ||
    ext === null ||
    typeof e.location !== 'string' ||
    (e.threshold !== undefined && typeof e.threshold !== 'number')
  ) {
    throw new ConfigError('externalData must be { location: string, threshold?: number }', {
      code: 'format/bad-option',
      file: path,
      field: 'externalData',
    });
  }
  return {
    externalData: { location: e.location, ...(typeof e.threshold === 'number' ? { threshold: e.threshold } : {}) },
  };
}

export const onnxFormat: FormatHandler = {
  name: onnxSniffer.name,
  extensions: onnxSniffer.extensions,
  match: (head, path) => onnxSniffer.match(head, path),
  async read(path) {
    const model = readOnnxFile(path);
    return { model, bytes: statSync(path).size };
  },
  async write(model, path, opts) {
    rejectUnknownOptions(opts, ['externalData'], 'onnx', path);
    const options = externalDataOption(opts, path);
    writeOnnxFile(model, path, options);
    const files = [path];
    if (options.externalData) files.push(join(dirname(path), options.externalData.location));
    return { files, bytes: files.reduce((s, f) => s + statSync(f).size, 0) };
  },
};
