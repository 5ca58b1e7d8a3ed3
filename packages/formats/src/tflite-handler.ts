// TFLite through @enxuto/tflite. Reading lowers the TFLite ops to ONNX (`lowerTfliteToOnnx`), the
// IR every pass and the other writers understand; writing exports ONNX-domain models with
// `exportToTflite` (options `mode`: float32 | float16 | dynamic-int8 | int8, `inputLayout`:
// NCHW | NHWC, `sparseWeights`: auto | never — pruned float weights stored as CSR behind DENSIFY)
// after canonicalizing a copy, while a model already made of `tflite` ops is written
// as it is. Without a `mode`, a QDQ model (quantize-static's output) is written int8 -- the form it
// was quantized for -- and any other model float32. Unknown option keys are refused.
import { recordSourceFiles, sourceFiles } from '@enxuto/io/node';
import { ConfigError, type Model } from '@enxuto/ir';
import {
  EXPORT_MODES,
  exportToTflite,
  lowerTfliteToOnnx,
  TFLITE_CUSTOM_DOMAIN,
  TFLITE_DOMAIN,
  type TfliteExportMode,
} from '@enxuto/tflite';
import { readTfliteFile, writeTfliteFile } from '@enxuto/tflite/node';
import { canonicalCopy } from './canonical-copy.js';
import { rejectUnknownOptions } from './format-options.js';
import type { FormatHandler, FormatWriteOptions } from './handler.js';
import { tfliteSniffer } from './sniff-others.js';

function isTfliteModel(model: Model): boolean {
  const nodes = model.graph.nodes;
  return nodes.length > 0 && nodes.every((n) => n.domain === TFLITE_DOMAIN || n.domain === TFLITE_CUSTOM_DOMAIN);
}

const OPTIONS = ['mode', 'inputLayout', 'sparseWeights'];

/** The mode when none is given: int8 for a model holding QuantizeLinear (QDQ pairs), else float32. */
export function defaultTfliteMode(model: Model): TfliteExportMode {
  return model.graph.nodes.some((n) => n.opType === 'QuantizeLinear' && (n.domain === '' || n.domain === 'ai.onnx'))
    ? 'int8'
    : 'float32';
}

function exportOptions(
  model: Model,
  opts: FormatWriteOptions,
  path: string,
): { mode: TfliteExportMode; inputLayout?: 'NCHW' | 'NHWC'; sparseWeights?: 'auto' | 'never' } {
  rejectUnknownOptions(opts, OPTIONS, 'tflite', path);
  const mode = opts.mode ?? defaultTfliteMode(model);
  if (typeof mode !== 'string' || !(EXPORT_MODES as readonly string[]).includes(mode)) {
    throw new ConfigError(`mode must be one of ${EXPORT_MODES.join(', ')}`, {
      code: 'format/bad-option',
      file: path,
      field: 'mode',
    });
  }
  const layout = opts.inputLayout;
  if (layout !== undefined && layout !== 'NCHW' && layout !== 'NHWC') {
    throw new ConfigError('inputLayout must be NCHW or NHWC', {
      code: 'format/bad-option',
      file: path,
      field: 'inputLayout',
    });
  }
  const sparse = opts.sparseWeights;
  if (sparse !== undefined && sparse !== 'auto' && sparse !== 'never') {
    throw new ConfigError('sparseWeights must be auto or never', {
      code: 'format/bad-option',
      file: path,
      field: 'sparseWeights',
    });
  }
  return {
    mode: mode as TfliteExportMode,
    ...(layout !== undefined ? { inputLayout: layout } : {}),
    ...(sparse !== undefined ? { sparseWeights: sparse } : {}),
  };
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
    rejectUnknownOptions(opts, OPTIONS, 'tflite', path);
    return { kind: 'file', files: [path] };
  },
  async readNative(path, opts = {}) {
    const model = readTfliteFile(path, opts.limits ? { resourceLimits: opts.limits } : {});
    return { model, bytes: sourceFiles(model).reduce((s, f) => s + f.size, 0) };
  },
  async write(model, path, opts) {
    // TFLite shapes are static: symbolic input dims become 1 (as exportToTflite does), so shape
    // arithmetic on them folds before the op-by-op export; LSTMs (no ONNX -> TFLite mapping) unroll.
    const options = exportOptions(model, opts, path);
    const out = isTfliteModel(model)
      ? model
      : exportToTflite(canonicalCopy(model, { pinInputDims: 1, unrollLstm: true }), options);
    const bytes = writeTfliteFile(out, path, opts.protect ? { protect: opts.protect } : {});
    return { files: [path], bytes };
  },
};
