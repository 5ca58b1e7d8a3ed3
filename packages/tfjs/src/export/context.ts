// Writer state: the GraphDef node list being built (the main graph's, or a control-flow function's),
// unique TF node names, the TF tensor reference of every IR value in the current scope, the weights
// to pack into shards, and the library functions If/Loop bodies become.
import { type DataType, type Model, type Tensor, tensorFromValues, UnsupportedError, type Value } from '@enxuto/ir';
import { tfEnumName } from '../dtypes.js';
import type { EncodedWeight } from '../encode-weights.js';

export type AttrJson = Record<string, unknown>;
export interface TfNodeJson {
  name: string;
  op: string;
  input: string[];
  attr: Record<string, AttrJson>;
}

export interface FunctionDefJson {
  signature: { name: string; inputArg: { name: string; type: string }[]; outputArg: { name: string; type: string }[] };
  nodeDef: TfNodeJson[];
  ret: Record<string, string>;
}

/** TF node names: [A-Za-z0-9.][A-Za-z0-9_.\-/]* (no ':' or '^', which TF.js parses in references). */
export function sanitizeName(s: string): string {
  let t = s
    .replace(/[^A-Za-z0-9_.\-/]/g, '_')
    .replace(/\/+/g, '/')
    .replace(/\/$/, '');
  if (!/^[A-Za-z0-9.]/.test(t)) t = `n${t}`;
  return t;
}

export const a = {
  s: (v: string): AttrJson => ({ s: btoa(v) }),
  i: (v: number): AttrJson => ({ i: String(v) }),
  f: (v: number): AttrJson => ({ f: v }),
  b: (v: boolean): AttrJson => ({ b: v }),
  type: (d: DataType): AttrJson => ({ type: tfEnumName(d) }),
  types: (d: readonly DataType[]): AttrJson => ({ list: { type: d.map(tfEnumName) } }),
  func: (name: string): AttrJson => ({ func: { name } }),
  ints: (v: readonly number[]): AttrJson => ({ list: { i: v.map(String) } }),
  strings: (v: readonly string[]): AttrJson => ({ list: { s: v.map((x) => btoa(x)) } }),
  shape: (dims: readonly (number | string | null)[] | undefined): AttrJson =>
    dims === undefined
      ? { shape: { unknownRank: true } }
      : { shape: { dim: dims.map((d) => ({ size: String(typeof d === 'number' ? d : -1) })) } },
};

/** A weight: its tensor, and maybe bytes already encoded for the manifest (entry named at write time). */
export interface WeightJson {
  name: string;
  tensor: Tensor;
  encoded?: EncodedWeight;
}

/** Where nodes go and what each IR value is called there: the main graph, or one function body. */
export interface Scope {
  nodes: TfNodeJson[];
  refs: Map<Value, string>;
}

export class ExportContext {
  readonly weights: WeightJson[] = [];
  readonly functions: FunctionDefJson[] = [];
  private readonly used = new Set<string>();
  scope: Scope = { nodes: [], refs: new Map() };

  constructor(readonly model: Model) {}

  get nodes(): TfNodeJson[] {
    return this.scope.nodes;
  }

  /** The model's ONNX opset (Softmax and friends changed meaning at 13). */
  opset(): number {
    return this.model.opset('') ?? 21;
  }

  /** A fresh TF node name derived from `base`. */
  name(base: string): string {
    const clean = sanitizeName(base);
    let n = clean;
    for (let k = 1; this.used.has(n); k++) n = `${clean}_${k}`;
    this.used.add(n);
    return n;
  }

  emit(op: string, base: string, input: readonly string[], attr: Record<string, AttrJson> = {}): string {
    const name = this.name(base);
    this.scope.nodes.push({ name, op, input: [...input], attr });
    return name;
  }

  /** Adds a node under a name obtained earlier from name(). */
  emitNamed(op: string, name: string, input: readonly string[], attr: Record<string, AttrJson> = {}): string {
    this.scope.nodes.push({ name, op, input: [...input], attr });
    return name;
  }

  constant(base: string, t: Tensor, encoded?: EncodedWeight): string {
    const name = this.name(base);
    const dtype = t.dtype === 'string' ? 'string' : t.dtype;
    this.scope.nodes.push({
      name,
      op: 'Const',
      input: [],
      attr: {
        dtype: a.type(dtype),
        value: {
          tensor: { dtype: tfEnumName(dtype), tensorShape: { dim: t.shape.map((d) => ({ size: String(d) })) } },
        },
      },
    });
    this.weights.push({ name, tensor: t, ...(encoded ? { encoded } : {}) });
    return name;
  }

  int32s(base: string, values: readonly number[], shape: number[] = [values.length]): string {
    return this.constant(
      base,
      tensorFromValues(
        'int32',
        shape,
        values.map((v) => Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, v))),
      ),
    );
  }

  float(base: string, v: number): string {
    return this.constant(base, tensorFromValues('float32', [], [v]));
  }

  /** A scalar constant of the dtype TF.js computes `dtype` in. */
  scalar(base: string, dtype: DataType, v: number): string {
    return this.constant(base, tensorFromValues(dtype === 'bool' ? 'bool' : dtype, [], [v]));
  }

  bind(v: Value, ref: string): void {
    this.scope.refs.set(v, ref);
  }

  ref(v: Value | null): string | undefined {
    return v ? this.scope.refs.get(v) : undefined;
  }

  /** Runs `body` with nodes going to a fresh scope (a function body); returns that scope. */
  inScope(body: (scope: Scope) => void): Scope {
    const saved = this.scope;
    const scope: Scope = { nodes: [], refs: new Map() };
    this.scope = scope;
    try {
      body(scope);
    } finally {
      this.scope = saved;
    }
    return scope;
  }

  /** The TF reference of an input value: an emitted node's output, or a constant emitted now. */
  refOf(v: Value, node: string, index: number): string {
    let ref = this.ref(v);
    if (!ref && v.const && !v.producer()) {
      ref = this.constant(v.name, v.const);
      this.bind(v, ref);
    }
    if (!ref)
      throw new UnsupportedError(`input ${index} (${v.name}) has no TF.js value`, {
        code: 'tfjs/unsupported-op',
        node,
        value: v.name,
      });
    return ref;
  }
}
