// A value: a named edge of the graph (graph input, initializer, or node output). Its use-def chain
// is kept by the owning Graph's mutation methods; never edit the internal fields directly.
import type { DataType } from './dtype.js';
import type { Graph } from './graph.js';
import type { Node } from './node.js';
import type { QuantParams } from './quant.js';
import type { Tensor } from './tensor.js';
import type { Dim, ValueType } from './types.js';

export interface Use {
  node: Node;
  /** Input slot of `node` that reads the value. */
  index: number;
}

export class Value {
  /** Type, when known. Initializers always have one (from their tensor). */
  type: ValueType | undefined;
  /** Quantization of the stored/produced integers, when this value is quantized. */
  quant: QuantParams | undefined;
  docString = '';
  readonly metadata = new Map<string, string>();
  /** Format-specific data kept for a lossless round trip. */
  readonly extras = new Map<string, unknown>();

  /** @internal */ _name: string;
  /** @internal */ _const: Tensor | undefined;
  /** @internal */ _producer: Node | null = null;
  /** @internal */ _uses: Use[] = [];
  /** @internal */ _detached = false;

  /** @internal use Graph methods to create values */
  constructor(
    readonly graph: Graph,
    name: string,
    type?: ValueType,
  ) {
    this._name = name;
    this.type = type;
  }

  get name(): string {
    return this._name;
  }

  /** Constant data of an initializer. */
  get const(): Tensor | undefined {
    return this._const;
  }

  get dtype(): DataType | undefined {
    const t = this.type;
    if (t && (t.kind === 'tensor' || t.kind === 'sparse-tensor')) return t.dtype;
    return this._const?.dtype;
  }

  get shape(): Dim[] | undefined {
    const t = this.type;
    if (t && (t.kind === 'tensor' || t.kind === 'sparse-tensor') && t.shape) return t.shape;
    return this._const ? [...this._const.shape] : undefined;
  }

  /** The node that computes this value; null for graph inputs and initializers. */
  producer(): Node | null {
    return this._producer;
  }

  /** Every node input slot that reads this value (including nodes in subgraphs). */
  uses(): readonly Use[] {
    return this._uses;
  }

  isGraphInput(): boolean {
    return this.graph.inputs.includes(this);
  }

  isGraphOutput(): boolean {
    return this.graph.outputs.includes(this);
  }

  isInitializer(): boolean {
    return this._const !== undefined && this._producer === null;
  }

  /** True once the value was removed from its graph. */
  isDetached(): boolean {
    return this._detached;
  }

  toString(): string {
    return this._name;
  }
}
