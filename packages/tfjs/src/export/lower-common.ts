// Building blocks of the layout lowering: IR nodes inserted before the node being lowered, TF-domain
// nodes (emitted as they are, with their TF attributes as JSON) and typed refusals.
import { attr, type Attr, type Graph, type Node, tensorFromValues, UnsupportedError, type Value } from '@enxuto/ir';
import type { AttrJson } from './context.js';

/** Domain of the TF ops the writer emits as they are. */
export const TF_DOMAIN = 'enxuto.tfjs';
/** The attribute of a TF-domain node holding its TF attributes (GraphDef AttrValue JSON). */
export const TF_ATTRS = 'tf_attrs';

export function unsupported(n: Node, what: string, field?: string): UnsupportedError {
  return new UnsupportedError(`${n.opType}: ${what}`, {
    code: 'tfjs/unsupported-op',
    node: n.label(),
    ...(field ? { field } : {}),
  });
}

export class Lowering {
  readonly base: string;
  constructor(
    readonly g: Graph,
    readonly n: Node,
  ) {
    this.base = n.name || n.output().name;
  }

  op(opType: string, inputs: (Value | null)[], attributes: Record<string, Attr> = {}, suffix = opType): Value {
    const name = `${this.base}/${suffix}`;
    return this.g
      .insertBefore(this.n, { opType, name, inputs, outputs: [this.g.uniqueName(name)], attributes })
      .output();
  }

  /** A TF op in NHWC, emitted as it is. */
  tf(opType: string, inputs: (Value | null)[], tfAttrs: Record<string, AttrJson>, outputs = 1): Value[] {
    const name = `${this.base}/${opType}`;
    const node = this.g.insertBefore(this.n, {
      opType,
      domain: TF_DOMAIN,
      name,
      inputs,
      outputs: Array.from({ length: outputs }, (_, i) => this.g.uniqueName(`${name}${i ? `_${i}` : ''}`)),
      attributes: { [TF_ATTRS]: attr.string(JSON.stringify(tfAttrs)) },
    });
    return node.outputs.map((v) => v!);
  }

  transpose(x: Value, perm: readonly number[], suffix: string): Value {
    return this.op('Transpose', [x], { perm: attr.ints([...perm]) }, suffix);
  }

  ints(suffix: string, values: readonly number[], shape: number[] = [values.length]): Value {
    return this.g.addInitializer(this.g.uniqueName(`${this.base}/${suffix}`), tensorFromValues('int64', shape, values));
  }

  float(suffix: string, v: number): Value {
    return this.g.addInitializer(this.g.uniqueName(`${this.base}/${suffix}`), tensorFromValues('float32', [], [v]));
  }

  /** Replaces the lowered node's output by v, which takes its type (and removes the node). */
  done(v: Value, index = 0): void {
    const old = this.n.output(index);
    if (old.type && !v.type) v.type = old.type;
    this.g.replaceAllUsesWith(old, v);
    this.g.remove(this.n);
  }
}

/** Channels-first <-> channels-last permutations for a rank. */
export const toLast = (r: number): number[] => [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2), 1];
export const toFirst = (r: number): number[] => [0, r - 1, ...Array.from({ length: r - 2 }, (_, i) => i + 1)];

export const ints = (v: readonly number[]): AttrJson => ({ list: { i: v.map(String) } });
export const str = (v: string): AttrJson => ({ s: btoa(v) });

/** Static dimensions of a value, or undefined when any is unknown. */
export function staticShape(v: Value | null | undefined): number[] | undefined {
  const s = v?.const?.shape ?? v?.shape;
  return s?.every((d) => typeof d === 'number' && d >= 0) ? (s as number[]) : undefined;
}
