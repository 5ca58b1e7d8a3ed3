// State shared by the TF graph-model op translators: the IR graph being built, the TF tensor names
// already translated, and small builders (constants, transposes) that keep names readable. A loop
// body or a branch gets a child context over its subgraph that still sees the enclosing values.
import {
  attr,
  type Attr,
  type DataType,
  type Graph,
  type Node,
  type Tensor,
  tensorFromValues,
  tensorType,
  UnsupportedError,
  type Value,
} from '@enxuto/ir';
import { onnxTypeCode } from '../dtypes.js';
import type { TfNode } from '../graphdef.js';
import { formatError, type Where } from '../json.js';

export class ImportContext {
  /** TF node name -> its IR output values. Map, so node names never touch a prototype. */
  private readonly outputs = new Map<string, Value[]>();
  /** Node names are unique across the model and its subgraphs (onnxruntime refuses duplicates). */
  private readonly nodeNames: Set<string>;

  constructor(
    readonly g: Graph,
    readonly where: Where,
    readonly parent?: ImportContext,
  ) {
    this.nodeNames = parent ? parent.nodeNames : new Set<string>();
  }

  /** A context for a subgraph of this one: it sees this context's values as outer values. */
  child(g: Graph): ImportContext {
    return new ImportContext(g, this.where, this);
  }

  nodeName(base: string): string {
    let n = base;
    for (let k = 1; this.nodeNames.has(n); k++) n = `${base}_${k}`;
    this.nodeNames.add(n);
    return n;
  }

  define(tfName: string, values: Value[]): void {
    this.outputs.set(tfName, values);
  }

  /** The values a TF node name stands for here (own first, then the enclosing contexts'). */
  lookup(tfName: string): Value[] | undefined {
    return this.outputs.get(tfName) ?? this.parent?.lookup(tfName);
  }

  /** The value a TF input reference ('name', 'name:k' or a function's 'name:out:k') names. */
  resolve(ref: string, n: TfNode): Value {
    const m = /^(.*?)(?::[A-Za-z_][\w]*)?(?::(\d+))?$/.exec(ref)!;
    const outs = this.lookup(m[1]!);
    const k = m[2] === undefined ? 0 : Number(m[2]);
    const v = outs?.[k];
    if (!v)
      throw formatError(`input '${ref}' is not produced by any earlier node`, 'tfjs/dangling-input', n.where, 'input');
    return v;
  }

  input(n: TfNode, i: number): Value {
    const ref = n.inputs[i];
    if (ref === undefined) throw formatError(`${n.op} needs input ${i}`, 'tfjs/missing-input', n.where, `input[${i}]`);
    return this.resolve(ref, n);
  }

  /** Every data input of n. */
  inputs(n: TfNode): Value[] {
    return n.inputs.map((_, i) => this.input(n, i));
  }

  /** Adds an ONNX-domain node with one output and returns the output. */
  op(opType: string, inputs: (Value | null)[], attributes: Record<string, Attr> = {}, base = opType): Value {
    return this.node(opType, inputs, attributes, base).output();
  }

  node(
    opType: string,
    inputs: (Value | null)[],
    attributes: Record<string, Attr> = {},
    base = opType,
    outputs = 1,
  ): Node {
    // Outputs get '<base>/<op>' names so the TF node or layer name stays free for its final value.
    return this.g.addNode({
      opType,
      name: this.nodeName(base),
      inputs,
      outputs: Array.from({ length: outputs }, (_, i) => this.g.uniqueName(`${base}/${opType}${i ? `_${i}` : ''}`)),
      attributes,
    });
  }

  constant(base: string, t: Tensor): Value {
    return this.g.addInitializer(this.g.uniqueName(base), t);
  }

  int64s(base: string, values: readonly number[], shape: number[] = [values.length]): Value {
    return this.constant(base, tensorFromValues('int64', shape, values));
  }

  scalar(base: string, dtype: DataType, v: number): Value {
    return this.constant(base, tensorFromValues(dtype, [], [v]));
  }

  floatScalar(base: string, v: number): Value {
    return this.scalar(base, 'float32', v);
  }

  transpose(x: Value, perm: readonly number[], base: string): Value {
    return this.op('Transpose', [x], { perm: attr.ints([...perm]) }, base);
  }

  /** A Cast, unless the value already has that dtype. */
  cast(x: Value, to: DataType, base: string): Value {
    if (x.dtype === to) return x;
    const out = this.op('Cast', [x], { to: attr.int(onnxTypeCode(to)) }, base);
    out.type = tensorType(to);
    return out;
  }

  /** Sets the element type of a value this translation created (for ops whose outputs need it downstream). */
  typed(v: Value, dtype: DataType): Value {
    if (v.type === undefined) v.type = tensorType(dtype);
    return v;
  }

  unsupported(n: TfNode, what: string, field = 'op'): UnsupportedError {
    return new UnsupportedError(`${n.op}: ${what}`, { code: 'tfjs/unsupported-op', ...n.where, field });
  }

  /** Constant data of a value, or an UnsupportedError naming what needed it. */
  constData(v: Value, n: TfNode, what: string): Tensor {
    if (!v.const) {
      throw new UnsupportedError(`${n.op}: ${what} must be a constant`, {
        code: 'tfjs/dynamic-operand',
        ...n.where,
        field: what,
      });
    }
    return v.const;
  }

  constInts(v: Value, n: TfNode, what: string): number[] {
    const t = this.constData(v, n, what);
    if (t.dtype !== 'int32' && t.dtype !== 'int64') {
      throw formatError(`${what} must be int32 or int64, not ${t.dtype}`, 'tfjs/bad-operand', n.where, what);
    }
    return Array.from(t.values() as ArrayLike<number | bigint>, Number);
  }

  /** The integers of a constant operand, or undefined when it is computed at run time. */
  maybeConstInts(v: Value, n: TfNode, what: string): number[] | undefined {
    return v.const ? this.constInts(v, n, what) : undefined;
  }

  /** A shape-like int operand as int64 (ONNX's Reshape/Slice/Pad want int64): converted if constant. */
  int64Of(v: Value, n: TfNode, base: string): Value {
    if (v.const && (v.const.dtype === 'int32' || v.const.dtype === 'int64')) {
      return v.const.dtype === 'int64' ? v : this.int64s(base, this.constInts(v, n, base), [...v.const.shape]);
    }
    return this.cast(v, 'int64', base);
  }

  /** The rank of a value when the graph says it (a known shape or a constant). */
  rank(v: Value): number | undefined {
    return v.const?.shape.length ?? v.shape?.length;
  }
}
