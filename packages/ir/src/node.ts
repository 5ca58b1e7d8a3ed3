// A node: one operator application. Inputs and outputs change only through Graph methods, which
// keep every Value's producer and uses correct.
import { attrGraphs, type Attr, type Int } from './attr.js';
import { CheckError } from './errors.js';
import type { Graph } from './graph.js';
import type { Tensor } from './tensor.js';
import type { Value } from './value.js';

export class Node {
  /** '' is the default ONNX domain (ai.onnx). */
  domain: string;
  opType: string;
  name: string;
  overload = '';
  docString = '';
  readonly metadata = new Map<string, string>();
  /** Format-specific data kept for a lossless round trip. */
  readonly extras = new Map<string, unknown>();

  /** @internal */ _inputs: (Value | null)[] = [];
  /** @internal */ _outputs: (Value | null)[] = [];
  /** @internal */ _attributes = new Map<string, Attr>();
  /** @internal */ _removed = false;

  /** @internal use Graph.addNode */
  constructor(
    readonly graph: Graph,
    opType: string,
    domain: string,
    name: string,
  ) {
    this.opType = opType;
    this.domain = domain;
    this.name = name;
  }

  get inputs(): readonly (Value | null)[] {
    return this._inputs;
  }

  /** Outputs; null marks an optional output that is not produced. */
  get outputs(): readonly (Value | null)[] {
    return this._outputs;
  }

  get attributes(): ReadonlyMap<string, Attr> {
    return this._attributes;
  }

  /** Input `i`, or null when absent or optional-and-empty. */
  input(i: number): Value | null {
    return this._inputs[i] ?? null;
  }

  /** Output `i`; throws when the node does not produce it. */
  output(i = 0): Value {
    const v = this._outputs[i];
    if (!v) throw new CheckError(`node has no output ${i}`, { code: 'node/no-output', node: this.label() });
    return v;
  }

  /** Sets (or with undefined removes) an attribute; graph attributes become this node's subgraphs. */
  setAttr(name: string, value: Attr | undefined): void {
    const old = this._attributes.get(name);
    if (old) for (const g of attrGraphs(old)) g._parent = undefined;
    if (value === undefined) {
      this._attributes.delete(name);
    } else {
      for (const g of attrGraphs(value)) g._parent = this;
      this._attributes.set(name, value);
    }
    this.graph._invalidate();
  }

  attr(name: string): Attr | undefined {
    return this._attributes.get(name);
  }

  getInt(name: string, fallback: number): number;
  getInt(name: string): number | undefined;
  getInt(name: string, fallback?: number): number | undefined {
    const a = this._attributes.get(name);
    if (!a) return fallback;
    if (a.type !== 'int') throw this.attrTypeError(name, 'int', a.type);
    return Number(a.value);
  }

  getFloat(name: string, fallback: number): number;
  getFloat(name: string): number | undefined;
  getFloat(name: string, fallback?: number): number | undefined {
    const a = this._attributes.get(name);
    if (!a) return fallback;
    if (a.type !== 'float') throw this.attrTypeError(name, 'float', a.type);
    return a.value;
  }

  getInts(name: string, fallback: number[]): number[];
  getInts(name: string): number[] | undefined;
  getInts(name: string, fallback?: number[]): number[] | undefined {
    const a = this._attributes.get(name);
    if (!a) return fallback;
    if (a.type !== 'ints') throw this.attrTypeError(name, 'ints', a.type);
    return a.value.map((v: Int) => Number(v));
  }

  getFloats(name: string): number[] | undefined {
    const a = this._attributes.get(name);
    if (!a) return undefined;
    if (a.type !== 'floats') throw this.attrTypeError(name, 'floats', a.type);
    return a.value;
  }

  getString(name: string, fallback: string): string;
  getString(name: string): string | undefined;
  getString(name: string, fallback?: string): string | undefined {
    const a = this._attributes.get(name);
    if (!a) return fallback;
    if (a.type !== 'string') throw this.attrTypeError(name, 'string', a.type);
    return a.value;
  }

  getTensor(name: string): Tensor | undefined {
    const a = this._attributes.get(name);
    if (!a) return undefined;
    if (a.type !== 'tensor') throw this.attrTypeError(name, 'tensor', a.type);
    return a.value;
  }

  /** Subgraphs held by attributes (If branches, Loop and Scan bodies). */
  subgraphs(): Graph[] {
    const out: Graph[] = [];
    for (const a of this._attributes.values()) out.push(...attrGraphs(a));
    return out;
  }

  isRemoved(): boolean {
    return this._removed;
  }

  /** Name for messages: the node name, or op type and first output. */
  label(): string {
    if (this.name) return this.name;
    const out = this._outputs.find((o) => o);
    return out ? `${this.opType}(${out.name})` : this.opType;
  }

  private attrTypeError(name: string, want: string, got: string): CheckError {
    return new CheckError(`attribute ${name} is ${got}, expected ${want}`, {
      code: 'node/attr-type',
      node: this.label(),
      field: name,
    });
  }
}
