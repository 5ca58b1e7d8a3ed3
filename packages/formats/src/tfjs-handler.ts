// TF.js graph/layers models through @enxuto/tfjs: a model.json (or its folder) in, a graph-model
// folder (model.json + 4 MB shards) out, written from a canonicalized copy (constants folded).
// TF.js has no integer kernels: a QDQ model (quantize-static's output) is written as the float
// model it stands for (`dequantizeForFloatRuntime`: quantized weights dequantized, Q/DQ pairs on
// activations removed, zero clamps kept as Relu), with the manifest's uint8 weight quantization
// by default so the files stay small (`quantize: none` writes float32 weights). Options:
// `quantize` (uint8 | uint16 | float16 | none). Unknown option keys are refused.
import { basename, dirname, join } from 'node:path';
import { sourceFiles } from '@enxuto/io/node';
import { ConfigError } from '@enxuto/ir';
import { readTfjsModel, writeTfjsModel } from '@enxuto/tfjs/node';
import { canonicalize, dequantizeForFloatRuntime, hasQdqNodes } from '@enxuto/transforms';
import { canonicalCopy } from './canonical-copy.js';
import { rejectUnknownOptions } from './format-options.js';
import type { FormatHandler } from './handler.js';
import { tfjsSniffer } from './sniff-others.js';

const QUANTIZE = ['uint8', 'uint16', 'float16'] as const;
type Quantize = (typeof QUANTIZE)[number];

/** The weight quantization asked for; `qdq` models default to uint8, others to none. */
function quantizeOption(value: unknown, path: string, qdq: boolean): Quantize | undefined {
  if (value === undefined) return qdq ? 'uint8' : undefined;
  if (value === 'none') return undefined;
  if (typeof value === 'string' && (QUANTIZE as readonly string[]).includes(value)) return value as Quantize;
  throw new ConfigError(`quantize must be one of ${QUANTIZE.join(', ')}, none`, {
    code: 'format/bad-option',
    file: path,
    field: 'quantize',
  });
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
    rejectUnknownOptions(opts, ['quantize'], 'tfjs', path);
    quantizeOption(opts.quantize, path, false);
    return { kind: 'folder', files: [join(outputFolder(path), 'model.json')] };
  },
  async write(model, path, opts) {
    const dir = outputFolder(path);
    this.plan(path, opts);
    const qdq = hasQdqNodes(model);
    const quantize = quantizeOption(opts.quantize, path, qdq);
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
