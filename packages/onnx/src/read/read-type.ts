// TypeProto -> IR ValueType.
import type { Dim, ValueType } from '@enxuto/ir';
import { dataTypeFromOnnx } from '../dtype-map.js';
import { int64ToSafeNumber } from '../schema/int64.js';
import type { TensorShapeProto, TypeProto } from '../schema/messages.js';
import { formatError, has, type ReadContext } from './context.js';

interface Where {
  value?: string;
  node?: string;
  field: string;
}

function readShape(ctx: ReadContext, shape: TensorShapeProto | null | undefined, where: Where): Dim[] | undefined {
  if (shape == null) return undefined; // absent submessages decode as null
  return (shape.dim ?? []).map((d, i) => {
    if (has(d, 'dimValue')) {
      const n = int64ToSafeNumber(d.dimValue);
      if (n === undefined) throw formatError(ctx, 'onnx/bad-dim', `dimension ${i} is beyond 2^53`, where);
      return n;
    }
    if (has(d, 'dimParam')) return d.dimParam!;
    return null;
  });
}

/**
 * The IR type, or undefined when ONNX leaves it unknown (no type, elem_type UNDEFINED). Unknown
 * element codes are format errors. Denotations have no IR equivalent: callers keep the TypeProto.
 */
export function readType(ctx: ReadContext, t: TypeProto | null | undefined, where: Where): ValueType | undefined {
  if (t == null) return undefined;
  const elem = (code: number | undefined) => {
    if (code === undefined || code === 0) return undefined;
    const d = dataTypeFromOnnx(code);
    if (d === undefined) throw formatError(ctx, 'onnx/bad-dtype', `unknown element type ${code}`, where);
    return d;
  };
  if (t.tensorType || t.sparseTensorType) {
    const tt = (t.tensorType ?? t.sparseTensorType)!;
    const dtype = elem(tt.elemType);
    if (dtype === undefined) return undefined;
    const shape = readShape(ctx, tt.shape, where);
    const kind = t.tensorType ? 'tensor' : 'sparse-tensor';
    return shape === undefined ? { kind, dtype } : { kind, dtype, shape };
  }
  if (t.sequenceType) {
    const e = readType(ctx, t.sequenceType.elemType, where);
    return e === undefined ? { kind: 'sequence' } : { kind: 'sequence', elem: e };
  }
  if (t.optionalType) {
    const e = readType(ctx, t.optionalType.elemType, where);
    return e === undefined ? { kind: 'optional' } : { kind: 'optional', elem: e };
  }
  if (t.mapType) {
    const key = elem(t.mapType.keyType);
    if (key === undefined) return undefined;
    const value = readType(ctx, t.mapType.valueType, where);
    return value === undefined ? { kind: 'map', key } : { kind: 'map', key, value };
  }
  if (t.opaqueType) return { kind: 'opaque', domain: t.opaqueType.domain ?? '', name: t.opaqueType.name ?? '' };
  return undefined;
}
