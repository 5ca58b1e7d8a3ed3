// TF.js graph/layers models through @enxuto/tfjs: a model.json (or its folder) in, a graph-model
// folder (model.json + 4 MB shards) out, written from a canonicalized copy (constants folded).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from '@enxuto/ir';
import { readTfjsModel, writeTfjsModel } from '@enxuto/tfjs/node';
import { canonicalCopy } from './canonical-copy.js';
import type { FormatHandler } from './handler.js';
import { tfjsSniffer } from './sniff-others.js';

const QUANTIZE = ['uint8', 'uint16', 'float16'] as const;
type Quantize = (typeof QUANTIZE)[number];

function quantizeOption(value: unknown, path: string): Quantize | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && (QUANTIZE as readonly string[]).includes(value)) return value as Quantize;
  throw new ConfigError(`quantize must be one of ${QUANTIZE.join(', ')}`, { code: 'format/bad-option', file: path, field: 'quantize' });
}

/** Output folder of a TF.js write: the path itself, or the folder of a `model.json` path. */
function outputFolder(path: string): string {
  return basename(path) === 'model.json' ? dirname(path) : path;
}

export const tfjsFormat: FormatHandler = {
  ...tfjsSniffer,
  match: (head, path) => tfjsSniffer.match(head, path),
  async read(path) {
    const model = readTfjsModel(path);
    const json = existsSync(path) && statSync(path).isDirectory() ? join(path, 'model.json') : path;
    // The reader has validated the manifest paths; count the shards it read.
    const manifest = (JSON.parse(readFileSync(json, 'utf8')) as { weightsManifest?: { paths?: string[] }[] }).weightsManifest ?? [];
    const shards = manifest.flatMap((g) => g.paths ?? []);
    const bytes = shards.reduce((s, p) => s + statSync(join(dirname(json), p)).size, statSync(json).size);
    return { model, bytes };
  },
  async write(model, path, opts) {
    const dir = outputFolder(path);
    const quantize = quantizeOption(opts.quantize, path);
    const inputs = Array.isArray(opts.inputs) ? (opts.inputs as string[]) : [];
    const r = writeTfjsModel(canonicalCopy(model, { unrollLstm: true }), dir, { force: opts.force === true, inputs, ...(quantize ? { quantize } : {}) });
    return { files: r.files.map((f) => join(dir, f)), bytes: r.bytes };
  },
};
