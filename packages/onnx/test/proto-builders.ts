// ModelProto bytes from plain message objects (protobufjs field names), for tests that need
// exact control over what is in the file.
import protobuf from 'protobufjs/light.js';
import type { GraphProto, ModelProto, TensorProto } from '../src/schema/messages.js';
import { ModelProtoType } from '../src/schema/root.js';

export function encodeModel(m: ModelProto): Uint8Array {
  return ModelProtoType.encode(m, new protobuf.Writer()).finish();
}

/** A model whose graph holds `graph` fields plus opset 21 and IR version 10. */
export function modelWith(graph: GraphProto, extra: Partial<ModelProto> = {}): Uint8Array {
  return encodeModel({
    irVersion: 10,
    opsetImport: [{ domain: '', version: 21 }],
    graph: { name: 'g', ...graph },
    ...extra,
  });
}

/** A model with one initializer `t` that is also the graph output. */
export function modelWithInitializer(t: TensorProto): Uint8Array {
  return modelWith({ initializer: [{ name: 't', ...t }], output: [{ name: 't' }] });
}
