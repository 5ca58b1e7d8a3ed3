// The ONNX protobuf types, built once from the project's schema module (no .proto parsing).
import protobuf from 'protobufjs/light.js';
import { onnxSchema } from './onnx-proto.js';

// int64 must never pass through a JS number: protobufjs yields Long objects only when a Long class
// is installed. It normally finds its own `long` dependency; if a bundler dropped it, install a
// minimal Long-compatible class rather than silently losing precision.
if (!protobuf.util.Long) {
  class MinimalLong {
    constructor(
      public low: number,
      public high: number,
      public unsigned: boolean,
    ) {}
    static fromBits(low: number, high: number, unsigned?: boolean): MinimalLong {
      return new MinimalLong(low, high, Boolean(unsigned));
    }
  }
  protobuf.util.Long = MinimalLong as unknown as typeof protobuf.util.Long;
  protobuf.configure();
}

export const onnxRoot: protobuf.Root = protobuf.Root.fromJSON(onnxSchema as protobuf.INamespace);
onnxRoot.resolveAll();

const type = (name: string): protobuf.Type => onnxRoot.lookupType(`onnx.${name}`);

export const ModelProtoType = type('ModelProto');
export const GraphProtoType = type('GraphProto');
export const NodeProtoType = type('NodeProto');
export const AttributeProtoType = type('AttributeProto');
export const TensorProtoType = type('TensorProto');
export const SparseTensorProtoType = type('SparseTensorProto');
export const ValueInfoProtoType = type('ValueInfoProto');
export const TypeProtoType = type('TypeProto');
export const FunctionProtoType = type('FunctionProto');
export const TrainingInfoProtoType = type('TrainingInfoProto');
export const StringStringEntryProtoType = type('StringStringEntryProto');
export const OperatorSetIdProtoType = type('OperatorSetIdProto');
