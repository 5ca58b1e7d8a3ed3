// The graph: values and nodes, changed only through these methods so use-def chains never go stale.
// Iteration yields nodes in topological order (stable: the stored order wherever it is valid).
import type { Attr } from './attr.js';
import { CheckError } from './errors.js';
import { Node } from './node.js';
import type { Tensor } from './tensor.js';
import { tensorType, type ValueType } from './types.js';
import { isInside, isOwnedWithin } from './nesting.js';
import { topoSort } from './topo-sort.js';
import { Value } from './value.js';

export interface NodeSpec {
  opType: string;
  /** '' (default) is ai.onnx. */
  domain?: string;
  name?: string;
  inputs?: readonly (Value | null)[];
  /** Output names (null: optional output not produced), or a count for generated names. */
  outputs?: readonly (string | null)[] | number;
  attributes?: Record<string, Attr> | ReadonlyMap<string, Attr>;
  overload?: string;
  docString?: string;
}

export interface RemoveOptions {
  /** Refuse (CheckError) when an output of a removed node is still used. Default true. */
  safe?: boolean;
}

export class Graph {
  name: string;
  docString = '';
  readonly metadata = new Map<string, string>();
  /** Format-specific data kept for a lossless round trip. */
  readonly extras = new Map<string, unknown>();

  /** @internal */ _parent: Node | undefined;
  private readonly _inputs: Value[] = [];
  private readonly _outputs: Value[] = [];
  private readonly _values = new Map<string, Value>();
  private readonly _nodes: Node[] = [];
  private _order: Node[] | undefined;
  private _nameCounter = 0;

  /** False for graphs made to become subgraphs (If/Loop/Scan bodies), which may read outer values. */
  readonly isTopLevel: boolean;

  constructor(name = 'main', opts: { subgraph?: boolean; parent?: Node } = {}) {
    this.name = name;
    this.isTopLevel = !(opts.subgraph || opts.parent);
    this._parent = opts.parent;
  }

  /** The node whose attribute holds this graph (undefined for a top-level graph). */
  get parentNode(): Node | undefined {
    return this._parent;
  }

  get parentGraph(): Graph | undefined {
    return this._parent?.graph;
  }

  get inputs(): readonly Value[] {
    return this._inputs;
  }

  get outputs(): readonly Value[] {
    return this._outputs;
  }

  /** Nodes in stored order (the order they were added or read). */
  get nodes(): readonly Node[] {
    return this._nodes;
  }

  /** Values defined in this graph (inputs, initializers, node outputs), in definition order. */
  values(): IterableIterator<Value> {
    return this._values.values();
  }

  /** Initializers (constant values not produced by a node), in definition order. */
  initializers(): Value[] {
    return [...this._values.values()].filter((v) => v.isInitializer());
  }

  /** A value defined in this graph. */
  value(name: string): Value | undefined {
    return this._values.get(name);
  }

  /** A value visible from this graph: its own, or an enclosing graph's (outer scope). */
  lookup(name: string): Value | undefined {
    for (let g: Graph | undefined = this; g; g = g.parentGraph) {
      const v = g._values.get(name);
      if (v) return v;
    }
    return undefined;
  }

  /** A name not used in this graph or any enclosing graph, derived from `base`. */
  uniqueName(base: string): string {
    if (!this.lookup(base)) return base;
    for (;;) {
      const name = `${base}_${++this._nameCounter}`;
      if (!this.lookup(name)) return name;
    }
  }

  addInput(name: string, type?: ValueType): Value {
    const v = this.defineValue(name, type);
    this._inputs.push(v);
    this._invalidate();
    return v;
  }

  /** Adds a constant. A value that is already a graph input keeps being one (its default). */
  addInitializer(name: string, tensor: Tensor, type?: ValueType): Value {
    const existing = this._values.get(name);
    if (existing?.isGraphInput() && existing._const === undefined) {
      existing._const = tensor;
      return existing;
    }
    const v = this.defineValue(name, type ?? tensorType(tensor.dtype, [...tensor.shape]));
    v._const = tensor;
    return v;
  }

  /** Replaces an initializer's data (and its tensor type). */
  setConst(value: Value, tensor: Tensor): void {
    this.assertOwn(value, 'setConst');
    if (value._producer) {
      throw new CheckError('a node output cannot become a constant', {
        code: 'graph/const-on-output',
        value: value.name,
      });
    }
    value._const = tensor;
    value.type = tensorType(tensor.dtype, [...tensor.shape]);
  }

  /** Appends a node at the end of the stored order. */
  addNode(spec: NodeSpec): Node {
    return this.insertAt(this._nodes.length, spec);
  }

  insertBefore(ref: Node, spec: NodeSpec): Node {
    return this.insertAt(this.indexOf(ref), spec);
  }

  insertAfter(ref: Node, spec: NodeSpec): Node {
    return this.insertAt(this.indexOf(ref) + 1, spec);
  }

  /** Points input slot `index` of `node` at `value` (null: an omitted optional input). */
  setInput(node: Node, index: number, value: Value | null): void {
    this.assertOwnNode(node);
    if (value) this.assertVisible(value, node);
    const old = node._inputs[index];
    if (old) removeUse(old, node, index);
    while (node._inputs.length <= index) node._inputs.push(null);
    node._inputs[index] = value;
    if (value) value._uses.push({ node, index });
    this._invalidate();
  }

  /** Replaces all inputs of `node`. */
  setInputs(node: Node, values: readonly (Value | null)[]): void {
    this.assertOwnNode(node);
    for (let i = 0; i < node._inputs.length; i++) {
      const old = node._inputs[i];
      if (old) removeUse(old, node, i);
    }
    node._inputs = [];
    values.forEach((v, i) => this.setInput(node, i, v));
    this._invalidate();
  }

  /**
   * Makes every reader of `oldValue` read `newValue` instead (nodes here and in subgraphs, and graph
   * outputs unless `graphOutputs` is false).
   */
  replaceAllUsesWith(oldValue: Value, newValue: Value, opts: { graphOutputs?: boolean } = {}): void {
    if (oldValue === newValue) return;
    for (const { node, index } of [...oldValue._uses]) node.graph.setInput(node, index, newValue);
    if (opts.graphOutputs !== false) {
      for (const g of new Set([this, oldValue.graph])) {
        g._outputs.forEach((o, i) => {
          if (o === oldValue) g._outputs[i] = newValue;
        });
      }
    }
    this._invalidate();
  }

  /** Removes nodes; their outputs leave the graph. */
  remove(nodes: Node | readonly Node[], opts: RemoveOptions = {}): void {
    const list = Array.isArray(nodes) ? (nodes as readonly Node[]) : [nodes as Node];
    const removing = new Set(list);
    for (const n of list) this.assertOwnNode(n);
    if (opts.safe !== false) {
      for (const n of list) {
        for (const out of n._outputs) {
          if (!out) continue;
          const reader = out._uses.find((u) => !removing.has(u.node) && !isInside(u.node, removing));
          if (reader) {
            throw new CheckError(`cannot remove node: its output ${out.name} is read by ${reader.node.label()}`, {
              code: 'graph/remove-used',
              node: n.label(),
              value: out.name,
            });
          }
          if (out.isGraphOutput()) {
            throw new CheckError(`cannot remove node: its output ${out.name} is a graph output`, {
              code: 'graph/remove-output',
              node: n.label(),
              value: out.name,
            });
          }
        }
      }
    }
    for (const n of list) {
      for (let i = 0; i < n._inputs.length; i++) {
        const v = n._inputs[i];
        if (v) removeUse(v, n, i);
      }
      for (const g of n.subgraphs()) g.detachUsesOfOuterValues();
      for (const out of n._outputs) {
        if (!out) continue;
        out._producer = null;
        out._detached = true;
        this._values.delete(out.name);
      }
      n._removed = true;
      const i = this._nodes.indexOf(n);
      if (i >= 0) this._nodes.splice(i, 1);
    }
    this._invalidate();
  }

  /** Removes a graph input or initializer that nothing reads. */
  removeValue(value: Value): void {
    this.assertOwn(value, 'removeValue');
    if (value._producer) {
      throw new CheckError('remove the producing node instead', { code: 'graph/remove-produced', value: value.name });
    }
    if (value._uses.length > 0 || value.isGraphOutput()) {
      throw new CheckError(`value ${value.name} is still used`, { code: 'graph/remove-used', value: value.name });
    }
    const i = this._inputs.indexOf(value);
    if (i >= 0) this._inputs.splice(i, 1);
    value._const = undefined;
    value._detached = true;
    this._values.delete(value.name);
    this._invalidate();
  }

  /** Stops a graph input from being an input (it must then be an initializer or be removed). */
  removeInput(value: Value): void {
    const i = this._inputs.indexOf(value);
    if (i >= 0) this._inputs.splice(i, 1);
    if (value._const === undefined && value._uses.length === 0) this.removeValue(value);
    this._invalidate();
  }

  setOutputs(values: readonly Value[]): void {
    for (const v of values) this.assertVisible(v);
    this._outputs.splice(0, this._outputs.length, ...values);
    this._invalidate();
  }

  addOutput(value: Value): void {
    this.assertVisible(value);
    this._outputs.push(value);
  }

  /** Renames a value (the name must be free in this scope). */
  rename(value: Value, newName: string): void {
    this.assertOwn(value, 'rename');
    if (value.name === newName) return;
    if (this._values.has(newName)) {
      throw new CheckError(`duplicate value name ${newName}`, { code: 'graph/duplicate-name', value: newName });
    }
    this._values.delete(value.name);
    value._name = newName;
    this._values.set(newName, value);
  }

  /** Nodes in topological order; throws CheckError('check/cycle') when the graph has a cycle. */
  topologicalOrder(): Node[] {
    this._order ??= topoSort(this);
    return this._order;
  }

  [Symbol.iterator](): Iterator<Node> {
    return this.topologicalOrder()[Symbol.iterator]();
  }

  /** Values read by the nodes of this graph (and nested subgraphs) that belong to enclosing graphs. */
  outerValues(): Set<Value> {
    const out = new Set<Value>();
    const visit = (g: Graph) => {
      for (const n of g._nodes) {
        for (const v of n._inputs) if (v && !isOwnedWithin(v.graph, this)) out.add(v);
        for (const sg of n.subgraphs()) visit(sg);
      }
      for (const v of g._outputs) if (!isOwnedWithin(v.graph, this)) out.add(v);
    };
    visit(this);
    return out;
  }

  /** @internal drop cached orders here and in enclosing graphs */
  _invalidate(): void {
    for (let g: Graph | undefined = this; g; g = g.parentGraph) g._order = undefined;
  }

  private detachUsesOfOuterValues(): void {
    for (const n of this._nodes) {
      n._inputs.forEach((v, i) => {
        if (v && v.graph !== this) removeUse(v, n, i);
      });
      for (const g of n.subgraphs()) g.detachUsesOfOuterValues();
    }
  }

  private insertAt(position: number, spec: NodeSpec): Node {
    const node = new Node(this, spec.opType, spec.domain ?? '', spec.name ?? '');
    if (spec.overload) node.overload = spec.overload;
    if (spec.docString) node.docString = spec.docString;
    const outs = spec.outputs ?? 1;
    const names =
      typeof outs === 'number'
        ? Array.from({ length: outs }, (_, i) => this.uniqueName(`${spec.name || spec.opType}_out${i}`))
        : outs;
    for (const nm of names) {
      if (nm === null || nm === '') {
        node._outputs.push(null);
        continue;
      }
      const v = this.defineValue(nm);
      v._producer = node;
      node._outputs.push(v);
    }
    const attrs = spec.attributes instanceof Map ? spec.attributes : new Map(Object.entries(spec.attributes ?? {}));
    for (const [k, a] of attrs) node.setAttr(k, a);
    this._nodes.splice(position, 0, node);
    (spec.inputs ?? []).forEach((v, i) => this.setInput(node, i, v));
    this._invalidate();
    return node;
  }

  private defineValue(name: string, type?: ValueType): Value {
    if (!name) throw new CheckError('a value needs a name', { code: 'graph/empty-name', field: 'name' });
    if (this._values.has(name)) {
      throw new CheckError(`duplicate value name ${name}`, { code: 'graph/duplicate-name', value: name });
    }
    const v = new Value(this, name, type);
    this._values.set(name, v);
    return v;
  }

  private indexOf(ref: Node): number {
    const i = this._nodes.indexOf(ref);
    if (i < 0) throw new CheckError('node is not in this graph', { code: 'graph/foreign-node', node: ref.label() });
    return i;
  }

  private assertOwnNode(node: Node): void {
    if (node.graph !== this || node._removed) {
      throw new CheckError('node is not in this graph', { code: 'graph/foreign-node', node: node.label() });
    }
  }

  private assertOwn(value: Value, what: string): void {
    if (value.graph !== this || value._detached) {
      throw new CheckError(`${what}: value is not in this graph`, { code: 'graph/foreign-value', value: value.name });
    }
  }

  private assertVisible(value: Value, node?: Node): void {
    // A subgraph still being built (not yet attached to a node) may read outer values; checkModel
    // verifies their scope once it is attached.
    const floatingSubgraph = this._parent === undefined && value.graph !== this && !this.isTopLevel;
    if (value._detached || (!floatingSubgraph && !isOwnedWithin(this, value.graph))) {
      throw new CheckError(`value ${value.name} is not visible from graph ${this.name}`, {
        code: 'graph/foreign-value',
        value: value.name,
        ...(node ? { node: node.label() } : {}),
      });
    }
  }
}

function removeUse(v: Value, node: Node, index: number): void {
  const i = v._uses.findIndex((u) => u.node === node && u.index === index);
  if (i >= 0) v._uses.splice(i, 1);
}
