// Small IR graphs for op tests: one float32 input x, seeded weights, nodes with generated names.
import { type Attr, float32Tensor, Graph, int64Tensor, Model, type Tensor, tensorType, type Value } from '@enxuto/ir';
import { seededInput } from './ort.js';

export class IrBuilder {
  readonly g = new Graph('main');
  private k = 0;
  private seed = 1;
  constructor(readonly inShape: number[]) {}
  input(): Value {
    return this.g.addInput('x', tensorType('float32', this.inShape));
  }
  w(shape: number[], scale = 0.5): Value {
    const n = shape.reduce((p, d) => p * d, 1);
    const v = seededInput(n, this.seed++, 2 * scale).map((x) => x - scale);
    return this.g.addInitializer(`w${this.k++}`, float32Tensor(shape, v));
  }
  ints(values: number[]): Value {
    return this.g.addInitializer(`i${this.k++}`, int64Tensor([values.length], values));
  }
  scalar(v: number): Value {
    return this.g.addInitializer(`s${this.k++}`, float32Tensor([], [v]));
  }
  op(opType: string, inputs: (Value | null)[], attributes: Record<string, Attr> = {}): Value {
    return this.g.addNode({ opType, name: `n${this.k++}`, inputs, outputs: [`v${this.k++}`], attributes }).output();
  }
  /** A node with several outputs. */
  ops(opType: string, inputs: (Value | null)[], outputs: number, attributes: Record<string, Attr> = {}): Value[] {
    const names = Array.from({ length: outputs }, () => `v${this.k++}`);
    const node = this.g.addNode({ opType, name: `n${this.k++}`, inputs, outputs: names, attributes });
    return node.outputs.map((v) => v!);
  }
  konst(t: Tensor): Value {
    return this.g.addInitializer(`c${this.k++}`, t);
  }
  models(outs: Value[]): Model {
    this.g.setOutputs(outs);
    return new Model(this.g);
  }
  model(out: Value): Model {
    this.g.setOutputs([out]);
    return new Model(this.g);
  }
}
