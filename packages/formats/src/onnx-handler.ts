// ONNX through @enxuto/onnx: the first entry of the format table.
import { sourceFiles } from '@enxuto/io/node';
import { onnxOutputFiles, readOnnxFile, writeOnnxFile } from '@enxuto/onnx/node';
import type { FormatHandler } from './handler.js';
import { onnxSniffer } from './sniff-onnx.js';
import { onnxWriteOptions, parseWriteOptions } from './write-options.js';

export const onnxFormat: FormatHandler = {
  ...onnxSniffer,
  match: (head, path) => onnxSniffer.match(head, path),
  async read(path, opts = {}) {
    const model = readOnnxFile(path, opts.limits ? { resourceLimits: opts.limits } : {});
    return { model, bytes: sourceFiles(model).reduce((s, f) => s + f.size, 0) };
  },
  plan(path, opts) {
    return {
      kind: 'file',
      files: onnxOutputFiles(path, parseWriteOptions('onnx', onnxWriteOptions, opts, { file: path })),
    };
  },
  async write(model, path, opts) {
    this.plan(path, opts);
    const options = parseWriteOptions('onnx', onnxWriteOptions, opts, { file: path });
    return writeOnnxFile(model, path, { ...options, ...(opts.protect ? { protect: opts.protect } : {}) });
  },
};
