// readOnnx: ONNX bytes -> IR Model.
import { EnxutoError, FormatError, Graph, Model, UnsupportedError } from '@enxuto/ir';
import type { ExternalDataResolver } from '../external/resolver.js';
import { int64ToSafeNumber } from '../schema/int64.js';
import type { ModelProto } from '../schema/messages.js';
import { decodeModelProto } from '../wire/decode.js';
import type { WireLimits, WireScanResult } from '../wire/scan.js';
import { formatError, has, presentButEmpty, type ReadContext } from './context.js';
import { readInt } from './read-attribute.js';
import { EXTRAS, keepEmptyFields, readFunction, readGraphInto, readMetadata, readOpsets } from './read-graph.js';

export interface ReadOnnxOptions {
  /** File name used in error messages. */
  file?: string;
  /** Where tensors with data_location EXTERNAL get their bytes (readOnnxFile supplies one). */
  externalData?: ExternalDataResolver;
  /** Nesting bounds for the wire scan (defaults: 96 messages, 30 graphs). */
  limits?: Partial<WireLimits>;
  /**
   * Fields the onnx v1.22 schema does not define: 'error' (default) refuses the file with an
   * UnsupportedError, since dropping them silently could change the model; 'drop' ignores them.
   */
  unknownFields?: 'error' | 'drop';
}

function checkUnknown(scan: WireScanResult, opts: ReadOnnxOptions): void {
  if (scan.unknownFieldCount === 0 || opts.unknownFields === 'drop') return;
  const u = scan.unknownFields[0]!;
  throw new UnsupportedError(
    `unsupported: ${scan.unknownFieldCount} field(s) unknown to onnx v1.22, first field ${u.field} of ${u.path} at byte ${u.offset} (pass unknownFields: 'drop' to ignore them)`,
    { code: 'onnx/unknown-field', file: opts.file, field: `${u.path}.${u.field}`, offset: u.offset },
  );
}

function buildModel(ctx: ReadContext, mp: ModelProto): Model {
  if (!mp.graph) throw formatError(ctx, 'onnx/no-graph', 'model has no graph (not an ONNX model?)', { field: 'graph' });
  const model = new Model(new Graph(mp.graph.name ?? ''));
  const irVersion = int64ToSafeNumber(mp.irVersion);
  if (irVersion === undefined)
    throw formatError(ctx, 'onnx/bad-ir-version', 'ir_version is beyond 2^53', { field: 'ir_version' });
  model.irVersion = irVersion;
  model.opsetImports.clear();
  if (readOpsets(ctx, mp.opsetImport, model.opsetImports, 'opset_import'))
    model.extras.set(EXTRAS.opsetWithoutDomain, true);
  const empty = presentButEmpty(mp, ['producerName', 'producerVersion', 'domain', 'docString']);
  if (has(mp, 'modelVersion') && readInt(mp.modelVersion) === 0) empty.push('modelVersion');
  keepEmptyFields(model.extras, empty);
  model.producerName = mp.producerName ?? '';
  model.producerVersion = mp.producerVersion ?? '';
  model.domain = mp.domain ?? '';
  model.modelVersion = readInt(mp.modelVersion);
  model.docString = mp.docString ?? '';
  readMetadata(ctx, mp.metadataProps, model.metadata, { field: 'metadata_props' });
  if (mp.trainingInfo?.length) model.extras.set(EXTRAS.trainingInfo, mp.trainingInfo);
  if (mp.configuration?.length) model.extras.set(EXTRAS.configuration, mp.configuration);
  for (const fp of mp.functions ?? []) model.functions.push(readFunction(ctx, fp));
  readGraphInto(ctx, mp.graph, model.graph);
  return model;
}

/**
 * Reads an ONNX model. Tensor bytes (raw_data, string_data) stay views into `bytes`: keep it
 * unchanged while the model is in use. Every failure is an EnxutoError naming the file and field.
 */
export function readOnnx(bytes: Uint8Array, opts: ReadOnnxOptions = {}): Model {
  const ctx: ReadContext = { file: opts.file, externalData: opts.externalData };
  try {
    const { model, scan } = decodeModelProto(bytes, opts);
    checkUnknown(scan, opts);
    return buildModel(ctx, model);
  } catch (e) {
    if (e instanceof EnxutoError)
      throw e.file === undefined && opts.file !== undefined ? e.withLocation({ file: opts.file }) : e;
    throw new FormatError(`cannot read ONNX model: ${(e as Error)?.message ?? String(e)}`, {
      code: 'onnx/internal',
      file: opts.file,
      cause: e,
    });
  }
}
