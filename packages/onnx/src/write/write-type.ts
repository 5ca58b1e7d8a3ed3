// IR ValueType / Value -> TypeProto / ValueInfoProto message objects.
import type { Dim, Value, ValueType } from '@enxuto/ir';
import { dataTypeToOnnx } from '../dtype-map.js';
import { EXTRAS } from '../read/read-graph.js';
import { readType } from '../read/read-type.js';
import { setStrings } from './context.js';
import type { StringStringEntryProto, TensorShapeDimension, TypeProto, ValueInfoProto } from '../schema/messages.js';

function dimToProto(d: Dim): TensorShapeDimension {
  if (typeof d === 'number') return { dimValue: d };
  if (typeof d === 'string') return { dimParam: d };
  return {};
}

export function typeToProto(t: ValueType): TypeProto {
  switch (t.kind) {
    case 'tensor':
    case 'sparse-tensor': {
      const inner =
        t.shape === undefined
          ? { elemType: dataTypeToOnnx(t.dtype) }
          : { elemType: dataTypeToOnnx(t.dtype), shape: { dim: t.shape.map(dimToProto) } };
      return t.kind === 'tensor' ? { tensorType: inner } : { sparseTensorType: inner };
    }
    case 'sequence':
      return { sequenceType: t.elem ? { elemType: typeToProto(t.elem) } : {} };
    case 'optional':
      return { optionalType: t.elem ? { elemType: typeToProto(t.elem) } : {} };
    case 'map':
      return {
        mapType: t.value
          ? { keyType: dataTypeToOnnx(t.key), valueType: typeToProto(t.value) }
          : { keyType: dataTypeToOnnx(t.key) },
      };
    case 'opaque':
      return { opaqueType: { domain: t.domain, name: t.name } };
  }
}

/** The TypeProto kept from reading, while the value's type still is what it was read as. */
function keptTypeProto(v: Value): TypeProto | undefined {
  const kept = v.extras.get(EXTRAS.typeProto) as TypeProto | undefined;
  if (!kept) return undefined;
  const asRead = readType({ file: undefined, externalData: undefined }, kept, { field: 'type' });
  return JSON.stringify(asRead) === JSON.stringify(v.type) ? kept : undefined;
}

export function metadataToProto(m: ReadonlyMap<string, string>): StringStringEntryProto[] {
  return [...m].map(([key, value]) => ({ key, value }));
}

export function valueInfoToProto(v: Value): ValueInfoProto {
  const msg: ValueInfoProto = { name: v.name };
  const type = keptTypeProto(v) ?? (v.type ? typeToProto(v.type) : undefined);
  if (type) msg.type = type;
  setStrings(msg, v.extras, { docString: v.docString });
  if (v.metadata.size > 0) msg.metadataProps = metadataToProto(v.metadata);
  return msg;
}

/** Whether a value carries anything worth a value_info entry. */
export function hasValueInfo(v: Value): boolean {
  return v.type !== undefined || v.docString !== '' || v.metadata.size > 0 || v.extras.has(EXTRAS.typeProto);
}
