// IR -> TF.js graph model (browser-safe): model.json object + weight shards.
import { cloneModel, EnxutoError, type Model, UnsupportedError, type Value } from '@enxuto/ir';
import { findInt32Overflow, inferShapes } from '@enxuto/transforms';
import { tfEnumName } from './dtypes.js';
import { encodeWeight, splitShards, type ManifestEntry, type WeightQuantize } from './encode-weights.js';
import { a, ExportContext, type FunctionDefJson, type TfNodeJson } from './export/context.js';
import { emitNodes } from './export/emit.js';
import { prepareForTfjs } from './export/prepare.js';

export interface WriteTfjsOptions {
  /** Store float weights as uint8/uint16 (affine, per tensor) or float16, as the TF.js converter does. */
  quantize?: WeightQuantize;
  /** Largest shard in bytes (default 4 MiB, the converter's default). */
  shardBytes?: number;
}

export interface TfjsGraphModelJson {
  format: 'graph-model';
  generatedBy: string;
  convertedBy: string;
  modelTopology: {
    node: TfNodeJson[];
    library: { function?: FunctionDefJson[] };
    versions: { producer: number };
  };
  weightsManifest: { paths: string[]; weights: ManifestEntry[] }[];
  signature: { inputs: Record<string, SignatureEntry>; outputs: Record<string, SignatureEntry> };
}

interface SignatureEntry {
  name: string;
  dtype: string;
  tensorShape?: { dim: { size: string }[] } | { unknownRank: true };
}

export const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;

export function shardFileName(index: number, count: number): string {
  return `group1-shard${index + 1}of${count}.bin`;
}

export function writeTfjs(
  model: Model,
  opts: WriteTfjsOptions = {},
): { modelJson: TfjsGraphModelJson; shards: Uint8Array[] } {
  const shardBytes = opts.shardBytes ?? DEFAULT_SHARD_BYTES;
  if (!Number.isSafeInteger(shardBytes) || shardBytes < 1) {
    throw new UnsupportedError(`shardBytes must be a positive integer, got ${shardBytes}`, {
      code: 'tfjs/bad-option',
      field: 'shardBytes',
    });
  }
  if (model.functions.length > 0) {
    throw new UnsupportedError('models with local functions cannot be written as TF.js', {
      code: 'tfjs/unsupported-op',
      field: 'functions',
    });
  }
  const m = cloneModel(model);
  const g = m.graph;
  const outputNames = g.outputs.map((v) => v.name);
  inferShapes(m);
  const big = findInt32Overflow(m);
  if (big !== undefined)
    throw new UnsupportedError(`dimension ${big.dim} does not fit TF.js's int32 shapes`, {
      code: 'tfjs/int-range',
      value: big.value,
      field: big.field,
    });
  const outputDtypes = g.outputs.map((v) => v.dtype ?? 'float32');
  const outputShapes = g.outputs.map((v) => v.shape);
  prepareForTfjs(m);

  const ec = new ExportContext(m);
  // Output nodes carry the IR output names, so callers find them by those names: reserve them first.
  const outputNodeNames = outputNames.map((nm) => ec.name(nm));
  const sigInputs: Record<string, SignatureEntry> = {};
  for (const v of g.inputs) {
    if (v.const) continue;
    const dtype = v.dtype ?? 'float32';
    const name = ec.emit('Placeholder', v.name, [], { dtype: a.type(dtype), shape: a.shape(v.shape) });
    ec.bind(v, name);
    // Keyed by the IR name, so callers feed the names they know even where TF needed another.
    sigInputs[v.name] = { name: `${name}:0`, dtype: tfEnumName(dtype), ...tensorShapeOf(v.shape) };
  }
  emitNodes(ec, g);
  const sigOutputs: Record<string, SignatureEntry> = {};
  g.outputs.forEach((v, i) => {
    const ref = ec.refOf(v, 'graph outputs', i);
    const name = ec.emitNamed('Identity', outputNodeNames[i]!, [ref], { T: a.type(outputDtypes[i]!) });
    sigOutputs[outputNames[i]!] = {
      name: `${name}:0`,
      dtype: tfEnumName(outputDtypes[i]!),
      ...tensorShapeOf(outputShapes[i]),
    };
  });

  const encoded = ec.weights.map((w) => {
    try {
      const e = w.encoded && !opts.quantize ? w.encoded : encodeWeight(w.name, w.tensor, opts.quantize);
      return { entry: { ...e.entry, name: w.name }, bytes: e.bytes };
    } catch (e) {
      if (e instanceof EnxutoError) throw e.withLocation({ value: w.name });
      throw e;
    }
  });
  const shards = splitShards(
    encoded.map((e) => e.bytes),
    shardBytes,
  );
  const modelJson: TfjsGraphModelJson = {
    format: 'graph-model',
    generatedBy: model.producerName || 'enxuto',
    convertedBy: 'enxuto @enxuto/tfjs',
    modelTopology: {
      node: ec.nodes,
      library: ec.functions.length > 0 ? { function: ec.functions } : {},
      versions: { producer: 1 },
    },
    weightsManifest: [
      { paths: shards.map((_, i) => shardFileName(i, shards.length)), weights: encoded.map((e) => e.entry) },
    ],
    signature: { inputs: sigInputs, outputs: sigOutputs },
  };
  return { modelJson, shards };
}

function tensorShapeOf(shape: Value['shape']): Pick<SignatureEntry, 'tensorShape'> {
  if (!shape) return {};
  return { tensorShape: { dim: shape.map((d) => ({ size: String(typeof d === 'number' ? d : -1) })) } };
}
