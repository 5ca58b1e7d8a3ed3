// IR Attr -> AttributeProto message objects.
import { CheckError, type Attr, type Graph, type Int, type Tensor } from '@enxuto/ir';
import { tensorNameOf } from '../tensor-form.js';
import { bigIntToInt64 } from '../schema/int64.js';
import { OnnxAttributeType as A, type AttributeProto, type GraphProto, type Int64 } from '../schema/messages.js';
import type { WriteContext } from './context.js';
import { sparseToProto, tensorToProto } from './write-tensor.js';
import { typeToProto } from './write-type.js';

const utf8 = new TextEncoder();

const TYPE_CODE: Record<Attr['type'], number> = {
  float: A.FLOAT,
  int: A.INT,
  string: A.STRING,
  tensor: A.TENSOR,
  'sparse-tensor': A.SPARSE_TENSOR,
  graph: A.GRAPH,
  type: A.TYPE_PROTO,
  floats: A.FLOATS,
  ints: A.INTS,
  strings: A.STRINGS,
  tensors: A.TENSORS,
  'sparse-tensors': A.SPARSE_TENSORS,
  graphs: A.GRAPHS,
  types: A.TYPE_PROTOS,
};

export type GraphWriter = (g: Graph) => GraphProto;

export function attributeToProto(
  ctx: WriteContext,
  name: string,
  a: Attr,
  writeGraph: GraphWriter,
  where: { node?: string },
): AttributeProto {
  const field = `attribute ${name}`;
  const int = (v: Int): Int64 => {
    if (typeof v === 'bigint') {
      if (BigInt.asIntN(64, v) !== v)
        throw new CheckError(`int ${v} does not fit in int64`, { code: 'onnx/bad-int', ...where, field });
      return bigIntToInt64(v);
    }
    if (!Number.isInteger(v))
      throw new CheckError(`int attribute holds ${v}, not an integer`, { code: 'onnx/bad-int', ...where, field });
    return Number.isSafeInteger(v) ? v : bigIntToInt64(BigInt(v));
  };
  const attrTensor = (t: Tensor) => {
    const tensorName = tensorNameOf(t);
    return tensorToProto(ctx, t, tensorName !== undefined ? { name: tensorName } : {}, false);
  };
  const msg: AttributeProto = { name, type: TYPE_CODE[a.type] };
  if (a.refAttrName !== undefined) {
    msg.refAttrName = a.refAttrName;
  } else {
    switch (a.type) {
      case 'float':
        msg.f = a.value;
        break;
      case 'int':
        msg.i = int(a.value);
        break;
      case 'string':
        msg.s = utf8.encode(a.value);
        break;
      case 'tensor':
        msg.t = attrTensor(a.value);
        break;
      case 'sparse-tensor':
        msg.sparseTensor = sparseToProto(ctx, a.value, undefined, field);
        break;
      case 'graph':
        msg.g = writeGraph(a.value);
        break;
      case 'type':
        msg.tp = typeToProto(a.value);
        break;
      case 'floats':
        msg.floats = [...a.value];
        break;
      case 'ints':
        msg.ints = a.value.map(int);
        break;
      case 'strings':
        msg.strings = a.value.map((s) => utf8.encode(s));
        break;
      case 'tensors':
        msg.tensors = a.value.map(attrTensor);
        break;
      case 'sparse-tensors':
        msg.sparseTensors = a.value.map((t) => sparseToProto(ctx, t, undefined, field));
        break;
      case 'graphs':
        msg.graphs = a.value.map(writeGraph);
        break;
      case 'types':
        msg.typeProtos = a.value.map(typeToProto);
        break;
    }
  }
  if (a.docString !== undefined) msg.docString = a.docString;
  return msg;
}
