// ONNX through @enxuto/onnx: the first entry of the format table.
import { sourceFiles } from '@enxuto/io/node';
import { ConfigError } from '@enxuto/ir';
import { onnxOutputFiles, readOnnxFile, writeOnnxFile, type WriteOnnxFileOptions } from '@enxuto/onnx/node';
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
  async read(path, opts = {}) {
    const model = readOnnxFile(path, opts.limits ? { resourceLimits: opts.limits } : {});
    return { model, bytes: sourceFiles(model).reduce((s, f) => s + f.size, 0) };
  },
  plan(path, opts) {
    rejectUnknownOptions(opts, ['externalData'], 'onnx', path);
    return { kind: 'file', files: onnxOutputFiles(path, externalDataOption(opts, path)) };
  },
  async write(model, path, opts) {
    this.plan(path, opts);
    const options = externalDataOption(opts, path);
    return writeOnnxFile(model, path, { ...options, ...(opts.protect ? { protect: opts.protect } : {}) });
  },
};
