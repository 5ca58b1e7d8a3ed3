// A lone TensorProto (the test_data_set_N/input_N.pb files of ONNX conformance suites).
import { concatBytes, EnxutoError, FormatError, type Tensor } from '@enxuto/ir';
import type { ExternalDataResolver } from '../external/resolver.js';
import type { TensorProto } from '../schema/messages.js';
import { TensorProtoType } from '../schema/root.js';
import { decodeMessage } from '../wire/decode.js';
import { tensorToProto } from '../write/write-tensor.js';
import { encodeChunked } from '../write/encode-chunked.js';
import { coalesce, materialize } from '../write/parts.js';
import { has } from './context.js';
import { readTensor } from './read-tensor.js';

/**
 * Reads TensorProto bytes with the same wire scan and size checks as model files. `name` is
 * undefined when the file has no name field.
 */
export function readOnnxTensor(
  bytes: Uint8Array,
  opts: { file?: string; externalData?: ExternalDataResolver } = {},
): { name: string | undefined; tensor: Tensor } {
  try {
    const { message } = decodeMessage<TensorProto>(TensorProtoType, bytes, opts);
    const name = has(message, 'name') ? message.name : undefined;
    const tensor = readTensor({ file: opts.file, externalData: opts.externalData }, message, {
      field: 'tensor',
      ...(name ? { value: name } : {}),
    });
    return { name, tensor };
  } catch (e) {
    if (e instanceof EnxutoError) throw e;
    throw new FormatError(`cannot read TensorProto: ${(e as Error)?.message ?? String(e)}`, {
      code: 'onnx/internal',
      file: opts.file,
      cause: e,
    });
  }
}

/** Encodes a tensor as TensorProto bytes (raw_data, or string_data for strings). */
export function writeOnnxTensor(tensor: Tensor, name?: string): Uint8Array {
  const msg = tensorToProto({ external: undefined }, tensor, name !== undefined ? { name } : {}, false);
  return concatBytes(materialize(coalesce(encodeChunked(TensorProtoType, msg).chunks)));
}
