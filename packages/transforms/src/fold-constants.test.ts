import {
  attr,
  checkModel,
  eliminateDeadCode,
  float32Tensor,
  Graph,
  int64Tensor,
  Model,
  tensorType,
  type Tensor,
} from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { canonicalize } from './canonicalize.js';
import { eliminateIdentity } from './eliminate-identity.js';
import { foldConstants } from './fold-constants.js';
import { foldableModel } from './testing.js';

const vals = (t: Tensor | undefined) => Array.from(t!.values() as ArrayLike<number | bigint>, Number);

/**
 * The TF.js converter's flatten: Reshape(x, Cast(Concat(Unsqueeze(Squeeze(Slice(Cast(Shape(x))))),
 * Unsqueeze(-1)))), with x = Relu(input[batch, 4, 4, 2]).
 */
function flattenModel(batch: number | null): Model {
  const g = new Graph('flatten');
  const input = g.addInput('input', tensorType('float32', [batch, 4, 4, 2]));
  const x = g.addNode({ opType: 'Relu', inputs: [input], outputs: ['x'] }).output(0);
  const i64 = (name: string, v: number[], shape = [v.length]) => g.addInitializer(name, int64Tensor(shape, v));
  const shape = g.addNode({ opType: 'Shape', inputs: [x], outputs: ['shape'] }).output(0);
  const s32 = g
    .addNode({ opType: 'Cast', inputs: [shape], outputs: ['s32'], attributes: { to: attr.int(6) } })
    .output(0);
  const sl = g
    .addNode({
      opType: 'Slice',
      inputs: [s32, i64('starts', [0]), i64('ends', [1]), i64('axes', [0]), i64('steps', [1])],
      outputs: ['sl'],
    })
    .output(0);
  const sq = g.addNode({ opType: 'Squeeze', inputs: [sl, i64('sq_axes', [0])], outputs: ['sq'] }).output(0);
  const u0 = g.addNode({ opType: 'Unsqueeze', inputs: [sq, i64('u0_axes', [0])], outputs: ['u0'] }).output(0);
  const minus = g.addInitializer('minus', float32Tensor([], [-1]));
  const m32 = g
    .addNode({ opType: 'Cast', inputs: [minus], outputs: ['m32'], attributes: { to: attr.int(6) } })
    .output(0);
  const u1 = g.addNode({ opType: 'Unsqueeze', inputs: [m32, i64('u1_axes', [0])], outputs: ['u1'] }).output(0);
  const cat = g
    .addNode({ opType: 'Concat', inputs: [u0, u1], outputs: ['cat'], attributes: { axis: attr.int(0) } })
    .output(0);
  const c64 = g.addNode({ opType: 'Cast', inputs: [cat], outputs: ['c64'], attributes: { to: attr.int(7) } }).output(0);
  const y = g.addNode({ opType: 'Reshape', inputs: [x, c64], outputs: ['y'] }).output(0);
  g.setOutputs([y]);
  return new Model(g);
}

describe('foldConstants', () => {
  it('computes Constant, Reshape and Mul of constants into one initializer', () => {
    const m = foldableModel();
    // data, shape, and the intermediate k and r are gone.
    expect(foldConstants(m)).toEqual({ folded: 3, removedInitializers: 4 });
    checkModel(m);
    const g = m.graph;
    expect([...g].map((n) => n.opType).sort()).toEqual(['Add', 'Identity', 'Relu']);
    expect(vals(g.value('rs')!.const)).toEqual([10, 20, 30, 40]);
    expect(
      g
        .initializers()
        .map((v) => v.name)
        .sort(),
    ).toEqual(['orphan', 'rs']);
  });

  it('folds a whole Shape -> Slice -> Concat shape computation when the shape is static', () => {
    const m = flattenModel(3);
    const stats = foldConstants(m);
    checkModel(m);
    // Relu's output has no shape yet: nothing folds but the -1 branch (Cast, Unsqueeze).
    expect(stats.folded).toBe(2);
    m.graph.value('x')!.type = tensorType('float32', [3, 4, 4, 2]);
    foldConstants(m);
    expect([...m.graph].map((n) => n.opType)).toEqual(['Relu', 'Reshape']);
    const spec = m.graph.value('c64')!.const!;
    expect(spec.dtype).toBe('int64');
    expect(vals(spec)).toEqual([3, -1]);
  });

  it('keeps Shape of a value with a symbolic dimension', () => {
    const m = flattenModel(null);
    canonicalize(m);
    expect([...m.graph].some((n) => n.opType === 'Shape')).toBe(true);
    checkModel(m);
  });

  it('folds the transpose of a constant weight (as TFLite lowering emits)', () => {
    const g = new Graph('t');
    const x = g.addInput('x', tensorType('float32', [1, 3]));
    const w = g.addInitializer('w', float32Tensor([2, 3], [1, 2, 3, 4, 5, 6]));
    const wt = g
      .addNode({ opType: 'Transpose', inputs: [w], outputs: ['wt'], attributes: { perm: attr.ints([1, 0]) } })
      .output(0);
    g.setOutputs([g.addNode({ opType: 'MatMul', inputs: [x, wt], outputs: ['y'] }).output(0)]);
    const m = new Model(g);
    expect(foldConstants(m)).toEqual({ folded: 1, removedInitializers: 1 });
    expect(m.graph.value('wt')!.const!.shape).toEqual([3, 2]);
    expect(vals(m.graph.value('wt')!.const)).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('never replaces a graph output by an initializer', () => {
    const g = new Graph('o');
    const c = g.addInitializer('c', float32Tensor([2], [1, 2]));
    g.setOutputs([g.addNode({ opType: 'Neg', inputs: [c], outputs: ['y'] }).output(0)]);
    const m = new Model(g);
    expect(foldConstants(m).folded).toBe(0);
    expect(m.graph.value('y')!.producer()!.opType).toBe('Neg');
  });
});

describe('canonicalize', () => {
  it('pins the batch, infers shapes and reduces the flatten to one Reshape with a constant shape', () => {
    const m = flattenModel(null);
    const stats = canonicalize(m, { pinInputDims: 1 });
    checkModel(m);
    expect(stats.pinnedDims).toBe(1);
    expect([...m.graph].map((n) => n.opType)).toEqual(['Relu', 'Reshape']);
    expect(vals(m.graph.value('c64')!.const)).toEqual([1, -1]);
    // Only the Reshape's shape constant is left.
    expect(m.graph.initializers().map((v) => v.name)).toEqual(['c64']);
  });
});

describe('eliminateDeadCode / eliminateIdentity', () => {
  it('removes unread nodes and initializers', () => {
    const m = foldableModel();
    expect(eliminateDeadCode(m)).toEqual({ removedNodes: 1, removedInitializers: 1 });
    checkModel(m);
    expect(m.graph.value('unused')).toBeUndefined();
    expect(m.graph.value('orphan')).toBeUndefined();
    expect(eliminateDeadCode(m)).toEqual({ removedNodes: 0, removedInitializers: 0 });
  });

  it('removes an Identity feeding a graph output and keeps the output name', () => {
    const m = foldableModel();
    expect(eliminateIdentity(m)).toEqual({ removed: 1 });
    checkModel(m);
    expect(m.graph.outputs.map((o) => o.name)).toEqual(['y']);
    expect(m.graph.outputs[0]!.producer()!.opType).toBe('Add');
  });
});

describe('foldConstants on partly known shapes', () => {
  it('folds Gather/Slice of Shape(x) that read only static dims (batch left symbolic)', () => {
    const g = new Graph('resize-size');
    const x = g.addInput('x', tensorType('float32', ['batch', 3, 20, 30]));
    const shape = g.addNode({ opType: 'Shape', inputs: [x], outputs: ['s'] }).output(0);
    const h = g.addNode({
      opType: 'Gather',
      inputs: [shape, g.addInitializer('i', int64Tensor([], [2]))],
      outputs: ['h'],
    });
    const hw = g.addNode({
      opType: 'Slice',
      inputs: [shape, g.addInitializer('st', int64Tensor([1], [-2])), g.addInitializer('en', int64Tensor([1], [4]))],
      outputs: ['hw'],
    });
    const n = g.addNode({
      opType: 'Gather',
      inputs: [shape, g.addInitializer('j', int64Tensor([1], [0]))],
      outputs: ['n'],
    });
    g.setOutputs([
      g
        .addNode({
          opType: 'Unsqueeze',
          inputs: [h.output(0), g.addInitializer('ax', int64Tensor([1], [0]))],
          outputs: ['hu'],
        })
        .output(0),
      g.addNode({ opType: 'Identity', inputs: [hw.output(0)], outputs: ['hw2'] }).output(0),
      g.addNode({ opType: 'Identity', inputs: [n.output(0)], outputs: ['n2'] }).output(0),
    ]);
    const m = new Model(g);
    foldConstants(m);
    expect(vals(g.value('hu')?.producer()?.input(0)?.const)).toEqual([20]);
    expect(vals(g.value('hw2')!.producer()!.input(0)!.const)).toEqual([20, 30]);
    // The batch dim is symbolic: that Gather stays.
    expect(g.value('n2')!.producer()!.input(0)!.producer()!.opType).toBe('Gather');
  });
});
