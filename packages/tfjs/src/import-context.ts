// State shared by the TF graph-model op translators: the IR graph being built, the TF tensor names
// already translated, and small builders (constants, transposes) that keep names readable.
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
import { onnxTypeCode } from './dtypes.js';
import type { TfNode } from './graphdef.js';
import { formatError, type Where } from './json.js';

export class ImportContext {
  /** TF node name -> its IR output values. Map, so node names never touch a prototype. */
  private readonly outputs = new Map<string, Value[]>();

  constructor(
    readonly g: Graph,
    readonly where: Where,
  ) {}

  private readonly nodeNames = new Set<string>();

  /** Node names are unique too (onnxruntime refuses duplicates). */
  nodeName(base: string): string {
    let n = base;
    for (let k = 1; this.nodeNames.has(n); k++) n = `${base}_${k}`;
    this.nodeNames.add(n);
    return n;
  }

  define(tfName: string, values: Value[]): void {
    this.outputs.set(tfName, values);
  }

  /** The value a TF input reference ('name' or 'name:k') names. */
  resolve(ref: string, n: TfNode): Value {
    const m = /^(.*?)(?::(\d+))?$/.exec(ref)!;
    const outs = this.outputs.get(m[1]!);
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

  /** Adds an ONNX-domain node with one output and returns the output. */
  op(opType: string, inputs: (Value | null)[], attributes: Record<string, Attr> = {}, base = opType): Value {
    return this.node(opType, inputs, attributes, base).output();
  }

  node(opType: string, inputs: (Value | null)[], attributes: Record<string, Attr> = {}, base = opType): Node {
    // Outputs get '<base>/<op>' names so the TF node or layer name stays free for its final value.
    return this.g.addNode({
      opType,
      name: this.nodeName(base),
      inputs,
      outputs: [this.g.uniqueName(`${base}/${opType}`)],
      attributes,
    });
  }

  constant(base: string, t: Tensor): Value {
    return this.g.addInitializer(this.g.uniqueName(base), t);
  }

  int64s(base: string, values: readonly number[], shape: number[] = [values.length]): Value {
    return this.constant(base, tensorFromValues('int64', shape, values));
  }

  floatScalar(base: string, v: number): Value {
    return this.constant(base, tensorFromValues('float32', [], [v]));
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
}
