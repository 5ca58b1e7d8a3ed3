// TFLite through @enxuto/tflite. Reading lowers the TFLite ops to ONNX (`lowerTfliteToOnnx`), the
// IR every pass and the other writers understand; writing exports ONNX-domain models with
// `exportToTflite` (options: tfliteWriteOptions in write-options.ts) after canonicalizing a copy,
// while a model already made of `tflite` ops is written as it is. Without a `mode`, a QDQ model
// (quantize-static's output) is written int8 -- the form it was quantized for -- and any other
// model float32.
import { recordSourceFiles, sourceFiles } from '@enxuto/io/node';
import type { Model } from '@enxuto/ir';
import {
  exportToTflite,
  lowerTfliteToOnnx,
  TFLITE_CUSTOM_DOMAIN,
  TFLITE_DOMAIN,
  type TfliteExportMode,
} from '@enxuto/tflite';
import { readTfliteFile, writeTfliteFile } from '@enxuto/tflite/node';
import { canonicalCopy } from './canonical-copy.js';
import type { FormatHandler } from './handler.js';
import { tfliteSniffer } from './sniff-others.js';
import { tfliteWriteOptions, parseWriteOptions } from './write-options.js';

function isTfliteModel(model: Model): boolean {
  const nodes = model.graph.nodes;
  return nodes.length > 0 && nodes.every((n) => n.domain === TFLITE_DOMAIN || n.domain === TFLITE_CUSTOM_DOMAIN);
}

/** The mode when none is given: int8 for a model holding QuantizeLinear (QDQ pairs), else float32. */
export function defaultTfliteMode(model: Model): TfliteExportMode {
  return model.graph.nodes.some((n) => n.opType === 'QuantizeLinear' && (n.domain === '' || n.domain === 'ai.onnx'))
    ? 'int8'
    : 'float32';
}

export const tfliteFormat: FormatHandler = {
  ...tfliteSniffer,
  match: (head, path) => tfliteSniffer.match(head, path),
  async read(path, opts = {}) {
    const tflite = readTfliteFile(path, opts.limits ? { resourceLimits: opts.limits } : {});
    const model = lowerTfliteToOnnx(tflite);
    if (model !== tflite) recordSourceFiles(model, sourceFiles(tflite));
    return { model, bytes: sourceFiles(model).reduce((s, f) => s + f.size, 0) };
  },
  plan(path, opts) {
    parseWriteOptions('tflite', tfliteWriteOptions, opts, { file: path });
    return { kind: 'file', files: [path] };
  },
  async readNative(path, opts = {}) {
    const model = readTfliteFile(path, opts.limits ? { resourceLimits: opts.limits } : {});
    return { model, bytes: sourceFiles(model).reduce((s, f) => s + f.size, 0) };
  },
  async write(model, path, opts) {
    // TFLite shapes are static: symbolic input dims become 1 (as exportToTflite does), so shape
    // arithmetic on them folds before the op-by-op export; LSTMs (no ONNX -> TFLite mapping) unroll.
    const options = parseWriteOptions('tflite', tfliteWriteOptions, opts, { file: path });
    const out = isTfliteModel(model)
      ? model
      : exportToTflite(canonicalCopy(model, { pinInputDims: 1, unrollLstm: true }), {
          ...options,
          mode: options.mode ?? defaultTfliteMode(model),
        });
    const bytes = writeTfliteFile(out, path, opts.protect ? { protect: opts.protect } : {});
    return { files: [path], bytes };
  },
};
