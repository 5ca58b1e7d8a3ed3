import * as tf from '@tensorflow/tfjs';
import { attr, CheckError, float32Tensor, Model, tensorFromValues, tensorType, UnsupportedError } from '@enxuto/ir';
import { beforeAll, describe, expect, it } from 'vitest';
import { mlpModel } from '../test/models.js';
import { compileGraph } from './compile.js';
import { initBackend } from './node.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** y = relu(x W + b) with W = [[1, -1], [2, 0]], b = [0.5, 0.5]. */
function tinyModel(): Model {
  const m = new Model();
  const g = m.graph;
  const x = g.addInput('x', tensorType('float32', [1, 2]));
  const w = g.addInitializer('W', float32Tensor([2, 2], [1, -1, 2, 0]));
  const b = g.addInitializer('b', float32Tensor([2], [0.5, 0.5]));
  const h = g.addNode({ opType: 'Gemm', inputs: [x, w, b], outputs: ['h'] }).output(0);
  g.addOutput(g.addNode({ opType: 'Relu', inputs: [h], outputs: ['y'] }).output(0));
  return m;
}

describe('compileGraph', () => {
  it('runs the graph and returns caller-owned outputs', () => {
    const exe = compileGraph(tinyModel());
    expect(exe.inputNames).toEqual(['x']);
    expect(exe.outputNames).toEqual(['y']);
    const before = tf.memory().numTensors;
    const out = exe.run({ x: tf.tensor2d([[1, 2]]) });
    // [1, 2] W + b = [1 + 4 + 0.5, -1 + 0.5] -> relu -> [5.5, 0]
    expect(Array.from(out['y']!.dataSync())).toEqual([5.5, 0]);
    out['y']!.dispose();
    // Only the feed (owned by the test) is left over: intermediates were freed.
    expect(tf.memory().numTensors).toBe(before + 1);
    exe.dispose();
  });

  it('accepts IR tensors as feeds', () => {
    const exe = compileGraph(tinyModel());
    const out = exe.run({ x: float32Tensor([1, 2], [0, 1]) });
    expect(Array.from(out['y']!.dataSync())).toEqual([2.5, 0.5]); // [0, 1] W + b = [2, 0] + 0.5
    exe.dispose();
  });

  it('makes float initializers variables; trainable by name or all', () => {
    const all = compileGraph(tinyModel());
    expect([...all.variables.keys()]).toEqual(['W', 'b']);
    expect(all.variables.get('W')).toBeInstanceOf(tf.Variable);
    expect(all.trainableVariables()).toHaveLength(2);
    all.dispose();
    const some = compileGraph(tinyModel(), { trainable: ['b'] });
    expect(some.variables.get('W')!.trainable).toBe(false);
    expect(some.variables.get('b')!.trainable).toBe(true);
    some.dispose();
    expect(() => compileGraph(tinyModel(), { trainable: ['nope'] })).toThrow(CheckError);
  });

  it('keeps BatchNormalization statistics out of the trainable set', () => {
    const exe = compileGraph(mlpModel({ input: 3, hidden: [4], classes: 2, batchNorm: true }));
    expect(exe.variables.get('bn0.mean')!.trainable).toBe(false);
    expect(exe.variables.get('bn0.var')!.trainable).toBe(false);
    expect(exe.variables.get('bn0.scale')!.trainable).toBe(true);
    exe.dispose();
  });

  it('writes trained values back into the IR, keeping each initializer dtype', () => {
    const m = tinyModel();
    m.graph.setConst(m.graph.value('b')!, tensorFromValues('float16', [2], [0.5, 0.5]));
    const exe = compileGraph(m);
    exe.variables.get('W')!.assign(
      tf.tensor2d([
        [3, 3],
        [3, 3],
      ]),
    );
    exe.variables.get('b')!.assign(tf.tensor1d([0.25, -1]));
    exe.writeBack();
    expect(Array.from(m.graph.value('W')!.const!.toFloat32())).toEqual([3, 3, 3, 3]);
    expect(m.graph.value('b')!.const!.dtype).toBe('float16');
    expect(Array.from(m.graph.value('b')!.const!.toFloat32())).toEqual([0.25, -1]);
    exe.dispose();
  });

  it('names every unsupported op before running anything', () => {
    const m = tinyModel();
    const y = m.graph.outputs[0]!;
    const z = m.graph.addNode({ opType: 'NonMaxSuppression', inputs: [y], outputs: ['z'] }).output(0);
    m.graph.addNode({ opType: 'Loop', inputs: [z], outputs: ['w'] });
    let err: unknown;
    try {
      compileGraph(m);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnsupportedError);
    expect((err as Error).message).toContain('Loop, NonMaxSuppression');
  });

  it('reports a missing feed and wraps op failures with the node name', () => {
    const exe = compileGraph(tinyModel());
    expect(() => exe.run({})).toThrow(/missing feed for graph input x/);
    expect(() => exe.run({ x: tf.tensor2d([[1, 2, 3]]) })).toThrow(/Gemm/);
    exe.dispose();
  });

  it('updates BatchNormalization running statistics only when state is committed', () => {
    const m = new Model();
    const g = m.graph;
    const x = g.addInput('x', tensorType('float32', [2, 1]));
    const p = (n: string, v: number) => g.addInitializer(n, float32Tensor([1], [v]));
    const y = g
      .addNode({
        opType: 'BatchNormalization',
        inputs: [x, p('s', 1), p('b', 0), p('mean', 0), p('var', 1)],
        outputs: ['y'],
        attributes: { momentum: attr.float(0.5), epsilon: attr.float(0) },
      })
      .output(0);
    g.addOutput(y);
    const exe = compileGraph(m);
    const out = exe.forward({ x: tf.tensor2d([[1], [3]]) }, { training: true });
    expect(Array.from(out['y']!.dataSync())).toEqual([-1, 1]);
    expect(exe.variables.get('mean')!.dataSync()[0]).toBe(0);
    exe.commitState();
    expect(exe.variables.get('mean')!.dataSync()[0]).toBe(1); // 0.5 * 0 + 0.5 * 2
    expect(exe.variables.get('var')!.dataSync()[0]).toBe(1); // 0.5 * 1 + 0.5 * 1
    exe.dispose();
  });
});
