// TFLite through @enxuto/tflite. Reading lowers the TFLite ops to ONNX (`lowerTfliteToOnnx`), the
// IR every pass and the other writers understand; writing exports ONNX-domain models with
// `exportToTflite` (options `mode`: float32 | float16 | dynamic-int8 | int8, `inputLayout`:
// NCHW | NHWC) after canonicalizing a copy, while a model already made of `tflite` ops is written
// as it is.
import { statSync } from 'node:fs';
import { ConfigError, type Model } from '@enxuto/ir';
import { EXPORT_MODES, exportToTflite, lowerTfliteToOnnx, TFLITE_CUSTOM_DOMAIN, TFLITE_DOMAIN, type TfliteExportMode } from '@enxuto/tflite';
import { readTfliteFile, writeTfliteFile } from '@enxuto/tflite/node';
import { canonicalCopy } from './canonical-copy.js';
import type { FormatHandler, FormatWriteOptions } from './handler.js';
import { tfliteSniffer } from './sniff-others.js';

function isTfliteModel(model: Model): boolean {
  const nodes = model.graph.nodes;
  return nodes.length > 0 && nodes.every((n) => n.domain === TFLITE_DOMAIN || n.domain === TFLITE_CUSTOM_DOMAIN);
}

function exportOptions(opts: FormatWriteOptions, path: string): { mode: TfliteExportMode; inputLayout?: 'NCHW' | 'NHWC' } {
  const mode = opts.mode ?? 'float32';
  if (typeof mode !== 'string' || !(EXPORT_MODES as readonly string[]).includes(mode)) {
    throw new ConfigError(`mode must be one of ${EXPORT_MODES.join(', ')}`, { code: 'format/bad-option', file: path, field: 'mode' });
  }
  const layout = opts.inputLayout;
  if (layout !== undefined && layout !== 'NCHW' && layout !== 'NHWC') {
    throw new ConfigError('inputLayout must be NCHW or NHWC', { code: 'format/bad-option', file: path, field: 'inputLayout' });
  }
  return { mode: mode as TfliteExportMode, ...(layout !== undefined ? { inputLayout: layout } : {}) };
}

export const tfliteFormat: FormatHandler = {
  ...tfliteSniffer,
  match: (head, path) => tfliteSniffer.match(head, path),
  async read(path) {
    const model = lowerTfliteToOnnx(readTfliteFile(path));
    return { model, bytes: statSync(path).size };
  },
  async write(model, path, opts) {
    // TFLite shapes are static: symbolic input dims become 1 (as exportToTflite does), so shape
    // arithmetic on them folds before the op-by-op export; LSTMs (no ONNX -> TFLite mapping) unroll.
    const out = isTfliteModel(model) ? model : exportToTflite(canonicalCopy(model, { pinInputDims: 1, unrollLstm: true }), exportOptions(opts, path));
    const inputs = Array.isArray(opts.inputs) ? (opts.inputs as string[]) : [];
    const bytes = writeTfliteFile(out, path, { inputs });
    return { files: [path], bytes };
  },
};
