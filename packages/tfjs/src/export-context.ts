// Writer step 2 state: the GraphDef node list being built, unique TF node names, the TF tensor
// reference of every IR value, and the constants (weights) to pack into shards.
import { type DataType, type Tensor, tensorFromValues, type Value } from '@enxuto/ir';
import { tfEnumName } from './dtypes.js';

export type AttrJson = Record<string, unknown>;
export interface TfNodeJson {
  name: string;
  op: string;
  input: string[];
  attr: Record<string, AttrJson>;
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
  ints: (v: readonly number[]): AttrJson => ({ list: { i: v.map(String) } }),
  strings: (v: readonly string[]): AttrJson => ({ list: { s: v.map((x) => btoa(x)) } }),
  shape: (dims: readonly (number | string | null)[] | undefined): AttrJson =>
    dims === undefined
      ? { shape: { unknownRank: true } }
      : { shape: { dim: dims.map((d) => ({ size: String(typeof d === 'number' ? d : -1) })) } },
};

export class ExportContext {
  readonly nodes: TfNodeJson[] = [];
  readonly weights: { name: string; tensor: Tensor }[] = [];
  private readonly used = new Set<string>();
  private readonly refs = new Map<Value, string>();

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
    this.nodes.push({ name, op, input: [...input], attr });
    return name;
  }

  /** Adds a node under a name obtained earlier from name(). */
  emitNamed(op: string, name: string, input: readonly string[], attr: Record<string, AttrJson> = {}): string {
    this.nodes.push({ name, op, input: [...input], attr });
    return name;
  }

  constant(base: string, t: Tensor): string {
    const name = this.name(base);
    const dtype = t.dtype === 'string' ? 'string' : t.dtype;
    this.nodes.push({
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
    this.weights.push({ name, tensor: t });
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

  bind(v: Value, ref: string): void {
    this.refs.set(v, ref);
  }

  ref(v: Value | null): string | undefined {
    return v ? this.refs.get(v) : undefined;
  }
}
