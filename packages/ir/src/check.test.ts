import { describe, expect, it } from 'vitest';
import { checkModel, findProblems } from './check.js';
import { CheckError } from './errors.js';
import { Graph } from './graph.js';
import { LocalFunction, Model } from './model.js';
import { float32Tensor, tensorFromBytes } from './tensor.js';
import { tensorType } from './types.js';

function conv(xShape: number[], wShape: number[]) {
  const g = new Graph();
  const x = g.addInput('x', tensorType('float32', xShape));
  const w = g.addInitializer('w', float32Tensor(wShape, new Float32Array(wShape.reduce((a, b) => a * b, 1))));
  const n = g.addNode({ opType: 'Conv', name: 'conv1', inputs: [x, w], outputs: ['y'] });
  g.setOutputs([n.output()]);
  return new Model(g);
}

describe('checkModel', () => {
  it('accepts a valid model', () => {
    expect(() => checkModel(conv([1, 3, 8, 8], [4, 3, 3, 3]))).not.toThrow();
    expect(findProblems(conv([1, 3, 8, 8], [4, 3, 3, 3]))).toEqual([]);
  });

  it('names node, value and field for a wrong-rank Conv weight', () => {
    const problems = findProblems(conv([1, 3, 8, 8], [4, 3]));
    expect(problems[0]).toBeInstanceOf(CheckError);
    expect(problems[0]).toMatchObject({ code: 'check/bad-rank', node: 'conv1', value: 'w', field: 'inputs[1]' });
  });

  it('finds a channel mismatch between producer and consumer', () => {
    expect(findProblems(conv([1, 5, 8, 8], [4, 3, 3, 3]))[0]).toMatchObject({
      code: 'check/shape-mismatch',
      node: 'conv1',
    });
  });

  it('reports a missing opset import', () => {
    const m = conv([1, 3, 8, 8], [4, 3, 3, 3]);
    m.opsetImports.clear();
    expect(() => checkModel(m)).toThrowError(expect.objectContaining({ code: 'check/missing-opset', field: 'domain' }));
  });

  it('reports a graph output that is never produced', () => {
    const g = new Graph();
    const x = g.addInput('x');
    const n = g.addNode({ opType: 'Relu', inputs: [x], outputs: ['y'] });
    g.setOutputs([n.output()]);
    g.remove(n, { safe: false });
    expect(findProblems(new Model(g)).map((p) => p.code)).toContain('check/output-not-produced');
  });

  it('reports a cycle', () => {
    const g = new Graph();
    const a = g.addNode({ opType: 'Relu', outputs: ['a'] });
    const b = g.addNode({ opType: 'Relu', inputs: [a.output()], outputs: ['b'] });
    g.setInput(a, 0, b.output());
    g.setOutputs([b.output()]);
    expect(findProblems(new Model(g)).map((p) => p.code)).toContain('check/cycle');
  });

  it('reports recursive local functions', () => {
    const m = new Model();
    const f = new LocalFunction('f', 'custom');
    const x = f.body.addInput('x');
    const call = f.body.addNode({ opType: 'g', domain: 'custom', inputs: [x], outputs: ['y'] });
    f.body.setOutputs([call.output()]);
    const g = new LocalFunction('g', 'custom');
    const gx = g.body.addInput('x');
    const back = g.body.addNode({ opType: 'f', domain: 'custom', inputs: [gx], outputs: ['y'] });
    g.body.setOutputs([back.output()]);
    m.functions.push(f, g);
    expect(findProblems(m).map((p) => p.code)).toContain('check/recursive-function');
  });

  it('reports declared shapes that disagree with initializer data', () => {
    const g = new Graph();
    g.addInitializer('w', tensorFromBytes('float32', [2], new Uint8Array(8)), tensorType('float32', [3]));
    expect(findProblems(new Model(g))[0]).toMatchObject({ code: 'check/shape-mismatch', value: 'w' });
  });
});
