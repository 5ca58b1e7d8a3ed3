// Reading a TF.js model (browser-safe): model.json content + the concatenated weight shards.
import { GrowthBudget, type Limits } from '@enxuto/io';
import { EnxutoError, FormatError, type Model } from '@enxuto/ir';
import { decodeWeights } from './decode-weights.js';
import { asObject, checkDepth, isObject, own, parseModelJson, type JsonObject, type Where } from './json.js';
import { parseWeightsManifest, type WeightsManifest } from './manifest.js';
import { importGraphModel } from './import/read-graph-model.js';
import { importLayersModel } from './read-layers-model.js';

export interface ReadTfjsOptions {
  /** Name of the model.json, for error messages. */
  file?: string;
  /** Resource limits (what inline constants may build beyond the bytes of the file). */
  resourceLimits?: Limits;
  /** Size of model.json when it is given parsed (the growth budget counts the file's bytes). */
  jsonBytes?: number;
}

export type TfjsFormat = 'graph-model' | 'layers-model';

/** Which kind of model.json this is: the `format` field, else the shape of `modelTopology`. */
export function tfjsFormatOf(json: JsonObject, where: Where = {}): TfjsFormat {
  const f = own(json, 'format');
  if (f === 'graph-model' || f === 'layers-model') return f;
  const topo = own(json, 'modelTopology');
  if (isObject(topo)) {
    if (Array.isArray(own(topo, 'node'))) return 'graph-model';
    if (isObject(own(topo, 'model_config')) || typeof own(topo, 'class_name') === 'string') return 'layers-model';
  }
  throw new FormatError('not a TF.js model.json: no graph-model or layers-model topology', {
    code: 'tfjs/unknown-format',
    ...where,
    field: f === undefined ? 'modelTopology' : 'format',
  });
}

/** Parses and checks the model.json object and its weights manifest (no weight bytes needed). */
export function parseTfjsModelJson(
  modelJson: object | string,
  opts: ReadTfjsOptions = {},
): {
  json: JsonObject;
  manifest: WeightsManifest;
  format: TfjsFormat;
} {
  const where: Where = opts.file !== undefined ? { file: opts.file } : {};
  let json: JsonObject;
  if (typeof modelJson === 'string') json = parseModelJson(modelJson, opts.file);
  else {
    checkDepth(modelJson, where);
    json = asObject(modelJson, where, '(root)');
  }
  const format = tfjsFormatOf(json, where);
  const manifest = parseWeightsManifest(own(json, 'weightsManifest'), where);
  return { json, manifest, format };
}

/**
 * A TF.js graph or layers model -> IR. `weights` is every shard of every manifest group, in
 * manifest order, concatenated. Quantized weights are dequantized to float32 (as TF.js does).
 */
export function readTfjs(modelJson: object | string, weights: Uint8Array, opts: ReadTfjsOptions = {}): Model {
  const where: Where = opts.file !== undefined ? { file: opts.file } : {};
  try {
    const { json, manifest, format } = parseTfjsModelJson(modelJson, opts);
    const decoded = decodeWeights(manifest, weights, where);
    const present = (typeof modelJson === 'string' ? modelJson.length : (opts.jsonBytes ?? 0)) + weights.byteLength;
    const budget = new GrowthBudget(present, opts.resourceLimits);
    const model =
      format === 'graph-model'
        ? importGraphModel(json, decoded, where, budget)
        : importLayersModel(json, decoded, where);
    model.metadata.set('tfjs.format', format);
    for (const key of ['generatedBy', 'convertedBy']) {
      const v = own(json, key);
      if (typeof v === 'string') model.metadata.set(`tfjs.${key}`, v);
    }
    return model;
  } catch (e) {
    if (e instanceof EnxutoError) throw e.withLocation(where);
    // Anything else escaping the checks is still a bad file, never a crash.
    throw new FormatError(`cannot read TF.js model: ${(e as Error).message}`, {
      code: 'tfjs/bad-model',
      ...where,
      cause: e,
    });
  }
}
