// TF.js graph/layers models through @enxuto/tfjs: a model.json (or its folder) in, a graph-model
// folder (model.json + 4 MB shards) out, written from a canonicalized copy (constants folded).
// TF.js has no integer kernels: a QDQ model (quantize-static's output) is written as the float
// model it stands for (`dequantizeForFloatRuntime`: quantized weights dequantized, Q/DQ pairs on
// activations removed, zero clamps kept as Relu), with the manifest's uint8 weight quantization
// by default so the files stay small (`quantize: none` writes float32 weights). Options: see
// tfjsWriteOptions (write-options.ts).
import { basename, dirname, join } from 'node:path';
import { sourceFiles } from '@enxuto/io/node';
import { readTfjsModel, writeTfjsModel } from '@enxuto/tfjs/node';
import { canonicalize, dequantizeForFloatRuntime, hasQdqNodes } from '@enxuto/transforms';
import { canonicalCopy } from './canonical-copy.js';
import type { FormatHandler } from './handler.js';
import { tfjsSniffer } from './sniff-others.js';
import { tfjsWriteOptions, parseWriteOptions, type TfjsWriteOptions } from './write-options.js';

/** The weight quantization asked for; `qdq` models default to uint8, others to none. */
function weightQuantize(value: TfjsWriteOptions['quantize'], qdq: boolean) {
  if (value === undefined) return qdq ? 'uint8' : undefined;
  return value === 'none' ? undefined : value;
}

/** Output folder of a TF.js write: the path itself, or the folder of a `model.json` path. */
function outputFolder(path: string): string {
  return basename(path) === 'model.json' ? dirname(path) : path;
}

export const tfjsFormat: FormatHandler = {
  ...tfjsSniffer,
  match: (head, path) => tfjsSniffer.match(head, path),
  async read(path, opts = {}) {
    const model = readTfjsModel(path, opts.limits ? { resourceLimits: opts.limits } : {});
    return { model, bytes: sourceFiles(model).reduce((s, f) => s + f.size, 0) };
  },
  plan(path, opts) {
    parseWriteOptions('tfjs', tfjsWriteOptions, opts, { file: path });
    return { kind: 'folder', files: [join(outputFolder(path), 'model.json')] };
  },
  async write(model, path, opts) {
    const dir = outputFolder(path);
    this.plan(path, opts);
    const qdq = hasQdqNodes(model);
    const quantize = weightQuantize(parseWriteOptions('tfjs', tfjsWriteOptions, opts, { file: path }).quantize, qdq);
    const copy = canonicalCopy(model, { unrollLstm: true });
    if (qdq) {
      dequantizeForFloatRuntime(copy);
      canonicalize(copy); // the float constants may fold further (weight Transposes, Reshapes)
    }
    const r = writeTfjsModel(copy, dir, {
      force: opts.force === true,
      ...(opts.protect ? { protect: opts.protect } : {}),
      ...(quantize ? { quantize } : {}),
    });
    return r;
  },
};
