// writeOnnx: IR Model -> ONNX bytes, as chunks (tensor bytes are never concatenated).
import { concatBytes, UnsupportedError, type Model } from '@enxuto/ir';
import { normalizeLocation } from '../external/location.js';
import { EXTRAS } from '../read/read-graph.js';
import { bigIntToInt64 } from '../schema/int64.js';
import type { ModelProto, OpaqueMessage, TrainingInfoProto } from '../schema/messages.js';
import { ModelProtoType } from '../schema/root.js';
import { setStrings, type WriteContext } from './context.js';
import { encodeChunked } from './encode-chunked.js';
import { Parts, coalesce, materialize, type Chunk } from './parts.js';
import { functionToProto, graphToProto, opsetsToProto } from './write-graph.js';
import { metadataToProto } from './write-type.js';

/** protobuf (and onnxruntime) refuse messages of 2 GiB or more. */
const MAX_PROTO_BYTES = 2 ** 31 - 1;

export interface ExternalDataOptions {
  /** Data file name, relative to the model file (e.g. 'model.onnx.data'). */
  location: string;
  /** Initializers of at least this many bytes go to the data file (default 1024). */
  threshold?: number;
}

export interface WriteOnnxOptions {
  /** File name used in error messages. */
  file?: string;
}

export interface EncodedOnnx {
  model: Chunk[];
  /** Chunks of the external data file (empty without external data). */
  data: Chunk[];
}

function modelToProto(ctx: WriteContext, model: Model): ModelProto {
  const msg: ModelProto = {
    irVersion: model.irVersion,
    opsetImport: opsetsToProto(model.opsetImports, model.extras),
  };
  setStrings(msg, model.extras, {
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    domain: model.domain,
  });
  const mv = model.modelVersion;
  const empty = (model.extras.get(EXTRAS.emptyFields) as string[] | undefined) ?? [];
  if ((mv !== 0 && mv !== 0n) || empty.includes('modelVersion'))
    msg.modelVersion = typeof mv === 'bigint' ? bigIntToInt64(mv) : mv;
  setStrings(msg, model.extras, { docString: model.docString });
  msg.graph = graphToProto(ctx, model.graph);
  if (model.metadata.size > 0) msg.metadataProps = metadataToProto(model.metadata);
  const training = model.extras.get(EXTRAS.trainingInfo) as TrainingInfoProto[] | undefined;
  if (training?.length) msg.trainingInfo = training;
  if (model.functions.length > 0) msg.functions = model.functions.map((f) => functionToProto(ctx, f));
  const configuration = model.extras.get(EXTRAS.configuration) as OpaqueMessage[] | undefined;
  if (configuration?.length) msg.configuration = configuration;
  return msg;
}

/**
 * Encodes a model; with `external`, initializers of `threshold` bytes or more are placed in a
 * separate data file. Lazy tensors stay deferred in the returned chunks.
 */
export function encodeOnnx(
  model: Model,
  opts: WriteOnnxOptions & { externalData?: ExternalDataOptions } = {},
): EncodedOnnx {
  const ext = opts.externalData;
  const ctx: WriteContext = {
    external: ext
      ? {
          location: normalizeLocation(ext.location, { file: opts.file }),
          threshold: ext.threshold ?? 1024,
          data: new Parts(),
        }
      : undefined,
  };
  const parts = encodeChunked(ModelProtoType, modelToProto(ctx, model));
  if (parts.length > MAX_PROTO_BYTES) {
    throw new UnsupportedError(
      `unsupported: the model needs ${parts.length} bytes inline, over protobuf's 2 GiB limit; write it with external data`,
      { code: 'onnx/too-large', file: opts.file },
    );
  }
  return { model: coalesce(parts.chunks), data: ctx.external ? coalesce(ctx.external.data.chunks) : [] };
}

/** The model as a list of byte chunks (write them in order); big tensors are views, not copies. */
export function writeOnnx(model: Model, opts: WriteOnnxOptions = {}): Uint8Array[] {
  return materialize(encodeOnnx(model, opts).model);
}

/** The model as one buffer: convenient for small models. */
export function writeOnnxBytes(model: Model, opts: WriteOnnxOptions = {}): Uint8Array {
  return concatBytes(writeOnnx(model, opts));
}

/** Model and external data file as chunk lists (browser-safe; the Node entry writes them to disk). */
export function writeOnnxWithExternalData(
  model: Model,
  opts: WriteOnnxOptions & { externalData: ExternalDataOptions },
): { model: Uint8Array[]; data: Uint8Array[] } {
  const enc = encodeOnnx(model, opts);
  return { model: materialize(enc.model), data: materialize(enc.data) };
}
