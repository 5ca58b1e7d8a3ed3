// The state of one TFLite -> ONNX lowering: the new graph, the old -> new value map, and helpers
// that op lowerings use to read constants and add ONNX nodes. Quantized TFLite tensors are seen by
// op lowerings through their float view (DequantizeLinear), so every op lowers to float ONNX ops
// and the driver re-quantizes quantized outputs: the result is an ONNX QDQ model.
import {
  UnsupportedError,
  dequantizeValues,
  integerRange,
  tensorFromValues,
  type Attr,
  type DataType,
  type Graph,
  type Node,
  type QuantParams,
  type Value,
} from '@enxuto/ir';

/** Storage types DequantizeLinear (opset 21) reads and QuantizeLinear writes. */
const DQ_TYPES = new Set<DataType>(['int8', 'uint8', 'int16', 'uint16', 'int32']);
const Q_TYPES = new Set<DataType>(['int8', 'uint8', 'int16', 'uint16']);
/** ONNX TensorProto codes of the integer types the spelled-out quantization may cast to. */
const ONNX_TYPE_CODES: Partial<Record<DataType, number>> = { int32: 6, int64: 7, uint32: 12, uint64: 13 };
const ONNX_DOUBLE = 11;

export class LowerContext {
  private readonly map = new Map<Value, Value>();
  private readonly floatViews = new Map<Value, Value>();

  constructor(
    readonly g: Graph,
    /** Names of the source graph, which generated names must avoid (they are reused later). */
    private readonly reserved: ReadonlySet<string>,
  ) {}

  /** A fresh name that is neither in the new graph nor a source name. */
  name(base: string): string {
    let candidate = this.g.uniqueName(base);
    for (let i = 1; this.reserved.has(candidate); i++) candidate = this.g.uniqueName(`${base}_${i}`);
    return candidate;
  }

  bind(old: Value, now: Value): void {
    this.map.set(old, now);
  }

  /** The new value standing for `old` as it is (quantized integers stay integers). */
  raw(old: Value, node?: Node): Value {
    let v = this.map.get(old);
    if (v === undefined && old.isInitializer()) {
      // Constants are copied when first read, so the ONNX model holds no unused initializers.
      v = this.g.addInitializer(old.name, old.const!, old.type);
      v.quant = old.quant;
      this.map.set(old, v);
    }
    if (v === undefined) {
      throw new UnsupportedError(`value ${old.name} was not lowered before its use`, {
        code: 'tflite/lower-order',
        value: old.name,
        ...(node ? { node: node.label() } : {}),
      });
    }
    return v;
  }

  /** The real-valued view of `old`: DequantizeLinear of it when quantized, else itself. */
  float(old: Value, node?: Node): Value {
    const q = quantOf(old);
    const v = this.raw(old, node);
    if (q === undefined) return v;
    let view = this.floatViews.get(old);
    if (view === undefined) {
      if (old.const !== undefined && !DQ_TYPES.has(q.dtype)) {
        // DequantizeLinear has no int64 form (int16 convs carry int64 biases): dequantize here.
        const shape = [...old.const.shape];
        const values = old.const.values() as ArrayLike<number | bigint>;
        view = this.g.addInitializer(
          this.name(`${old.name}_dq`),
          tensorFromValues('float32', shape, dequantizeValues(Array.from(values, Number), q, shape)),
        );
      } else {
        const [scale, zp] = this.quantConstants(old.name, q);
        [view] = this.op('DequantizeLinear', [v, scale, zp], axisAttr(q), `${old.name}_dq`);
      }
      this.floatViews.set(old, view!);
    }
    return view!;
  }

  /**
   * `x` (float) quantized with `q`: QuantizeLinear where ONNX has the target type, else the same
   * arithmetic spelled out (round half to even, as QuantizeLinear does, then saturate).
   */
  quantize(x: Value, q: QuantParams, base: string): Value {
    if (Q_TYPES.has(q.dtype)) {
      const [scale, zp] = this.quantConstants(base, q);
      return this.op('QuantizeLinear', [x, scale, zp], axisAttr(q), `${base}_q`)[0]!;
    }
    if (q.scale.length > 1) {
      throw new UnsupportedError(`per-axis quantization to ${q.dtype} has no ONNX form`, {
        code: 'tflite/lower-unsupported',
        value: base,
        field: 'quant',
      });
    }
    // Wide targets (int32) need double precision: float32 cannot hold their integers exactly.
    const { min, max } = integerRange(q.dtype);
    const wide = this.op('Cast', [x], { to: { type: 'int', value: ONNX_DOUBLE } })[0]!;
    const scaled = this.op('Round', [this.op('Div', [wide, this.float64(`${base}_scale`, q.scale[0]!)])[0]!])[0]!;
    const shifted = this.op('Add', [scaled, this.float64(`${base}_zero_point`, q.zeroPoint[0]!)])[0]!;
    const clipped = this.op('Clip', [shifted, this.float64(`${base}_min`, min), this.float64(`${base}_max`, max)])[0]!;
    return this.op('Cast', [clipped], { to: { type: 'int', value: ONNX_TYPE_CODES[q.dtype] ?? 6 } }, `${base}_q`)[0]!;
  }

  /**
   * The real value of a quantized `old` in double precision (for requantizing to wide types,
   * where a float32 intermediate would round away low bits).
   */
  realAsDouble(old: Value, node?: Node): Value {
    const q = quantOf(old);
    const v = this.raw(old, node);
    const wide = this.op('Cast', [v], { to: { type: 'int', value: ONNX_DOUBLE } })[0]!;
    if (q === undefined) return wide;
    if (q.scale.length > 1) {
      throw new UnsupportedError('per-axis requantization has no ONNX form here', {
        code: 'tflite/lower-unsupported',
        value: old.name,
        field: 'quant',
      });
    }
    const centered = this.op('Sub', [wide, this.float64(`${old.name}_zero_point`, q.zeroPoint[0]!)])[0]!;
    return this.op('Mul', [centered, this.float64(`${old.name}_scale`, q.scale[0]!)])[0]!;
  }

  float64(base: string, value: number): Value {
    return this.g.addInitializer(this.name(base), tensorFromValues('float64', [], Float64Array.of(value)));
  }

  /** Scale and zero-point initializers for QuantizeLinear / DequantizeLinear. */
  quantConstants(base: string, q: QuantParams): [Value, Value] {
    const perAxis = q.scale.length > 1;
    const shape = perAxis ? [q.scale.length] : [];
    const scale = this.g.addInitializer(this.name(`${base}_scale`), tensorFromValues('float32', shape, q.scale));
    const zp = this.g.addInitializer(this.name(`${base}_zero_point`), tensorFromValues(q.dtype, shape, q.zeroPoint));
    return [scale, zp];
  }

  /** Adds an ONNX (default domain) node; returns its outputs. */
  op(
    opType: string,
    inputs: readonly (Value | null)[],
    attributes: Record<string, Attr> = {},
    base = opType,
    outputs = 1,
  ): Value[] {
    const names = Array.from({ length: outputs }, (_, i) => this.name(outputs === 1 ? base : `${base}_${i}`));
    const n = this.g.addNode({ opType, inputs, outputs: names, attributes });
    return n.outputs as Value[];
  }

  int64(base: string, values: readonly number[], shape: readonly number[] = [values.length]): Value {
    return this.g.addInitializer(
      this.name(base),
      tensorFromValues(
        'int64',
        shape,
        values.map((v) => BigInt(v)),
      ),
    );
  }

  int32Scalar(base: string, value: number): Value {
    return this.g.addInitializer(this.name(base), tensorFromValues('int32', [], Int32Array.of(value)));
  }

  float32(base: string, values: readonly number[], shape: readonly number[] = []): Value {
    return this.g.addInitializer(this.name(base), tensorFromValues('float32', shape, Float32Array.from(values)));
  }
}

/** Quantization that makes a value's integers stand for reals (integer dtype with scales). */
export function quantOf(v: Value): QuantParams | undefined {
  const q = v.quant;
  const dtype: DataType | undefined = v.dtype;
  if (q === undefined || dtype === undefined || !/^u?int(8|16|32|64)$/.test(dtype)) return undefined;
  return q;
}

export function axisAttr(q: QuantParams): Record<string, Attr> {
  return q.scale.length > 1 ? { axis: { type: 'int', value: q.axis ?? 0 } } : {};
}

/** Integer data of a constant input (shapes, permutations, paddings), or undefined. */
export function constInts(v: Value | null): number[] | undefined {
  const c = v?.const;
  if (c === undefined || !/^u?int(8|16|32|64)$/.test(c.dtype)) return undefined;
  return Array.from(c.values() as ArrayLike<number | bigint>, (x) => Number(x));
}
