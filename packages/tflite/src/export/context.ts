// The state of one ONNX -> TFLite export: the new `tflite`-domain graph, what each ONNX value has
// become (a TFLite value held in some layout, float or quantized), folded constants, and the
// helpers op handlers use to read inputs in the layout they need and to add TFLite ops.
import {
  attr,
  dequantizeValues,
  tensorFromValues,
  tensorType,
  UnsupportedError,
  type Attr,
  type DataType,
  type Graph,
  type Node,
  type QuantParams,
  type Tensor,
  type Value,
} from '@enxuto/ir';
import { int32Overflow } from '@enxuto/transforms';
import { EXTRA } from '../extras.js';
import { ConstPool } from './const-dedup.js';
import {
  applyLayout,
  identity,
  isIdentity,
  sameLayout,
  transposeIsReshape,
  transposePerm,
  type Layout,
} from './layout.js';
import type { TfliteExportMode } from './options.js';
import { permuteData } from './weights.js';

/** What an ONNX value has become in the TFLite graph. */
export interface Rep {
  value: Value;
  /** ONNX dims of the value (static). */
  shape: number[];
  /** Layout of `value` relative to the ONNX dims. */
  layout: Layout;
  /**
   * For a flattened NHWC block [N, K]: TFLite column i holds ONNX column rowPerm[i]. Only a
   * following FULLY_CONNECTED may read it (its weight columns are permuted the same way).
   */
  rowPerm?: Int32Array;
}

/** A constant weight stored quantized (DequantizeLinear of an integer initializer). */
export interface QuantConst {
  tensor: Tensor;
  quant: QuantParams;
}

export function unsupported(message: string, node: Node | undefined, field?: string): never {
  throw new UnsupportedError(message, {
    code: 'tflite/export-unsupported',
    ...(node ? { node: node.label() } : {}),
    ...(field ? { field } : {}),
  });
}

export function quantOf(rep: Rep): QuantParams | undefined {
  return rep.value.quant;
}

export function sameQuant(a: QuantParams | undefined, b: QuantParams | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.dtype === b.dtype &&
    a.scale.length === b.scale.length &&
    a.scale.every((s, i) => s === b.scale[i] && a.zeroPoint[i] === b.zeroPoint[i])
  );
}

/** TFLite op versions for the kernels that need more than version 1 with the given types. */
function versionFor(opType: string, int8: boolean, hybrid: boolean): number {
  // BROADCAST_TO's kernel is registered from version 2 on.
  if (opType === 'BROADCAST_TO') return 2;
  if (hybrid) return { CONV_2D: 5, DEPTHWISE_CONV_2D: 6, FULLY_CONNECTED: 7 }[opType] ?? 1;
  if (!int8) return opType === 'DEQUANTIZE' ? 3 : 1;
  return (
    {
      CONV_2D: 3,
      DEPTHWISE_CONV_2D: 3,
      FULLY_CONNECTED: 4,
      ADD: 2,
      MUL: 2,
      SUB: 2,
      MAX_POOL_2D: 2,
      AVERAGE_POOL_2D: 2,
      MEAN: 2,
      RESHAPE: 1,
      CONCATENATION: 2,
      PAD: 2,
      TRANSPOSE: 2,
      STRIDED_SLICE: 2,
      QUANTIZE: 2,
      DEQUANTIZE: 2,
      SOFTMAX: 2,
      LOGISTIC: 2,
      TANH: 2,
      LEAKY_RELU: 2,
      RELU: 2,
      RELU6: 2,
      TRANSPOSE_CONV: 3,
    }[opType] ?? 1
  );
}

export class ExportContext {
  private readonly reps = new Map<Value, Rep>();
  private readonly consts = new Map<Value, Tensor>();
  private readonly qconsts = new Map<Value, QuantConst>();
  private readonly layoutCache = new Map<Value, Map<string, Value>>();
  private readonly floatCache = new Map<Value, Value>();
  private readonly pool = new ConstPool();
  /** ONNX nodes already handled as part of another (fused activation, bias Add, output Q). */
  readonly absorbed = new Set<Node>();
  /** 'auto': pruned float32 weights may be stored sparse behind DENSIFY (see sparse-weights.ts). */
  sparseWeights: 'auto' | 'never' = 'auto';

  constructor(
    readonly g: Graph,
    readonly mode: TfliteExportMode,
  ) {}

  get int8(): boolean {
    return this.mode === 'int8';
  }

  name(base: string): string {
    return this.g.uniqueName(base === '' ? 't' : base);
  }

  // ---- constants -------------------------------------------------------------------------

  /** Constant data of an ONNX value (initializer or folded), as stored. */
  constOf(v: Value | null): Tensor | undefined {
    if (v === null) return undefined;
    return v.const ?? this.consts.get(v);
  }

  setConst(v: Value, t: Tensor): void {
    this.consts.set(v, t);
  }

  /** Float32 values of a constant (integers converted, quantized constants dequantized). */
  floatConst(v: Value | null): Float32Array | undefined {
    const t = this.constOf(v);
    return t === undefined ? undefined : t.toFloat32();
  }

  intsConst(v: Value | null): number[] | undefined {
    const t = this.constOf(v);
    return t === undefined ? undefined : Array.from(t.values() as ArrayLike<number | bigint>, Number);
  }

  qconstOf(v: Value | null): QuantConst | undefined {
    return v === null ? undefined : this.qconsts.get(v);
  }

  setQuantConst(v: Value, q: QuantConst, shape: readonly number[]): void {
    this.qconsts.set(v, q);
    const ints = Array.from(q.tensor.values() as ArrayLike<number | bigint>, Number);
    this.consts.set(v, tensorFromValues('float32', shape, dequantizeValues(ints, q.quant, shape)));
  }

  /**
   * An initializer (int32 shape vectors, biases, quantized weights); an identical constant added
   * before is reused (same dtype, shape, quantization and bytes), so TFLite stores it once.
   */
  addConst(base: string, t: Tensor, quant?: QuantParams): Value {
    const known = this.pool.find(t, quant);
    if (known !== undefined) return known;
    const v = this.g.addInitializer(this.name(base), t);
    if (quant !== undefined) v.quant = quant;
    this.pool.add(t, quant, v);
    return v;
  }

  int32Const(base: string, values: readonly number[], shape: readonly number[] = [values.length]): Value {
    const bad = int32Overflow(values);
    if (bad >= 0)
      throw new UnsupportedError(`${base} value ${values[bad]} does not fit TFLite's int32`, {
        code: 'tflite/int32-overflow',
        field: `${base}[${bad}]`,
      });
    return this.addConst(base, tensorFromValues('int32', shape, Int32Array.from(values)));
  }

  /**
   * A float weight as the mode stores it: float32 as is, float16 behind a DEQUANTIZE (the form
   * TFLite's converter writes for float16 models).
   */
  floatWeight(base: string, data: Float32Array, shape: readonly number[]): Value {
    if (this.mode !== 'float16') return this.addConst(base, tensorFromValues('float32', shape, data));
    const h = this.addConst(`${base}_fp16`, tensorFromValues('float16', shape, data));
    return this.dequantizeConst(h, base, shape);
  }

  /**
   * A float weight that the source model stores quantized (int8 mode, op left in float): the
   * int8 data with its QuantParams behind a DEQUANTIZE, exactly ONNX's DequantizeLinear.
   */
  dequantizedWeight(base: string, data: Int8Array, shape: readonly number[], quant: QuantParams): Value {
    const q = this.addConst(`${base}_int8`, tensorFromValues('int8', shape, data), quant);
    return this.dequantizeConst(q, base, shape);
  }

  /** One DEQUANTIZE per (pooled) constant. */
  private dequantizeConst(c: Value, base: string, shape: readonly number[]): Value {
    let f = this.floatCache.get(c);
    if (f === undefined) {
      f = this.op('DEQUANTIZE', [c], {}, [...shape], 'float32', `${base}_dequantized`);
      this.floatCache.set(c, f);
    }
    return f;
  }

  /** An ONNX constant as a TFLite tensor in `layout` (broadcast to the layout's rank first). */
  constInLayout(v: Value, layout: Layout, node: Node): Value {
    const t = this.constOf(v);
    if (t === undefined) unsupported(`input ${v.name} is not constant`, node);
    const rank = layout.length;
    const shape = [...t.shape];
    if (shape.length > rank) unsupported(`constant ${v.name} has rank ${shape.length} > ${rank}`, node);
    while (shape.length < rank) shape.unshift(1);
    if (isIdentity(layout)) {
      if (t.dtype === 'float32') return this.floatWeight(v.name, t.toFloat32(), shape);
      return this.addConst(v.name, tensorFromValues(t.dtype, shape, t.values() as ArrayLike<number>));
    }
    if (t.dtype === 'float32')
      return this.floatWeight(v.name, permuteData(t.toFloat32(), shape, layout), applyLayout(shape, layout));
    const values = t.values() as ArrayLike<number | bigint>;
    const moved = permuteData(Float64Array.from(values, Number), shape, layout);
    const data = t.dtype === 'int64' ? Array.from(moved, (x) => BigInt(x)) : moved;
    return this.addConst(v.name, tensorFromValues(t.dtype, applyLayout(shape, layout), data));
  }

  // ---- values ----------------------------------------------------------------------------

  bind(v: Value, rep: Rep): void {
    this.reps.set(v, rep);
  }

  has(v: Value): boolean {
    return this.reps.has(v);
  }

  /** The representation of a non-constant ONNX value. */
  rep(v: Value, node: Node): Rep {
    const r = this.reps.get(v);
    if (r !== undefined) return r;
    if (this.constOf(v) !== undefined) {
      const shape = [...this.constOf(v)!.shape];
      const rep: Rep = {
        value: this.constInLayout(v, identity(shape.length), node),
        shape,
        layout: identity(shape.length),
      };
      this.reps.set(v, rep);
      return rep;
    }
    unsupported(`value ${v.name} is produced by an op that was not exported`, node, v.name);
  }

  /** The same data in another layout (TRANSPOSE, or RESHAPE when only size-1 dims move), cached. */
  inLayout(rep: Rep, layout: Layout, node: Node): Rep {
    if (rep.rowPerm !== undefined) unsupported('a flattened NHWC block can only feed a fully connected layer', node);
    if (sameLayout(rep.layout, layout)) return rep;
    if (rep.layout.length !== layout.length)
      unsupported(`cannot change layout between ranks ${rep.layout.length} and ${layout.length}`, node);
    const key = layout.join(',');
    let cache = this.layoutCache.get(rep.value);
    if (cache === undefined) this.layoutCache.set(rep.value, (cache = new Map()));
    let out = cache.get(key);
    if (out === undefined) {
      const perm = transposePerm(rep.layout, layout);
      const tflShape = applyLayout(rep.shape, layout);
      const inShape = applyLayout(rep.shape, rep.layout);
      const quant = rep.value.quant;
      const dtype = rep.value.dtype ?? 'float32';
      out = transposeIsReshape(inShape, perm)
        ? this.op(
            'RESHAPE',
            [rep.value, this.int32Const('shape', tflShape)],
            { new_shape: attr.ints(tflShape) },
            tflShape,
            dtype,
            `${rep.value.name}_reshaped`,
            quant,
          )
        : this.op(
            'TRANSPOSE',
            [rep.value, this.int32Const('perm', perm)],
            {},
            tflShape,
            dtype,
            `${rep.value.name}_transposed`,
            quant,
          );
      cache.set(key, out);
    }
    return { value: out, shape: rep.shape, layout };
  }

  /** The float view of a representation (a DEQUANTIZE when it is quantized), cached. */
  float(rep: Rep): Rep {
    if (rep.value.quant === undefined) return rep;
    let f = this.floatCache.get(rep.value);
    if (f === undefined) {
      f = this.op(
        'DEQUANTIZE',
        [rep.value],
        {},
        applyLayout(rep.shape, rep.layout),
        'float32',
        `${rep.value.name}_float`,
      );
      this.floatCache.set(rep.value, f);
    }
    return { ...rep, value: f };
  }

  /** Float input `v` in `layout` (or its own layout when `layout` is undefined). */
  input(v: Value, node: Node, layout?: Layout): Rep {
    const r = this.float(this.rep(v, node));
    return layout === undefined ? r : this.inLayout(r, layout, node);
  }

  // ---- ops -------------------------------------------------------------------------------

  /** Adds a TFLite op with one output of the given TFLite shape; returns the output value. */
  op(
    opType: string,
    inputs: readonly (Value | null)[],
    attributes: Record<string, Attr>,
    shape: readonly number[],
    dtype: DataType,
    name: string,
    quant?: QuantParams,
    opts: { hybrid?: boolean } = {},
  ): Value {
    const out = this.name(name);
    const n = this.g.addNode({ opType, domain: 'tflite', inputs, outputs: [out], attributes });
    const int8 =
      quant !== undefined ||
      inputs.some((v) => v?.quant !== undefined && v.dtype === 'int8' && opType !== 'DEQUANTIZE');
    const version = versionFor(opType, int8, opts.hybrid === true);
    if (version !== 1) n.extras.set(EXTRA.version, version);
    const v = n.output();
    v.type = tensorType(dtype, [...shape]);
    if (quant !== undefined) v.quant = quant;
    return v;
  }
}
