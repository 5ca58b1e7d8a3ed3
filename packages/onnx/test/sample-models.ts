// IR models that exercise many ONNX features at once (fuzz seeds, round-trip subjects).
import {
  Graph,
  LocalFunction,
  Model,
  SparseTensor,
  attr,
  float32Tensor,
  int64Tensor,
  stringTensor,
  tensorType,
} from '@enxuto/ir';

/** Main graph with an If whose branches read outer values, inside a Loop body. */
export function controlFlowModel(): Model {
  const g = new Graph('main');
  const x = g.addInput('x', tensorType('float32', ['N', 3]));
  const cond = g.addInput('cond', tensorType('bool', []));
  const trip = g.addInitializer('trip', int64Tensor([], [3]));
  const w = g.addInitializer('w', float32Tensor([3], [0.5, -1, 2]));
  const loop = g.addNode({ opType: 'Loop', inputs: [trip, cond, x], outputs: ['loop_out'] });
  const body = new Graph('body', { parent: loop });
  body.addInput('i', tensorType('int64', []));
  const c = body.addInput('c_in', tensorType('bool', []));
  const acc = body.addInput('acc', tensorType('float32', ['N', 3]));
  const ifNode = body.addNode({ opType: 'If', inputs: [c], outputs: ['if_out'] });
  const then = new Graph('then', { parent: ifNode });
  then.setOutputs([then.addNode({ opType: 'Add', inputs: [acc, w], outputs: ['then_out'] }).output()]); // outer-scope reads
  const otherwise = new Graph('else', { parent: ifNode });
  otherwise.setOutputs([otherwise.addNode({ opType: 'Sub', inputs: [acc, w], outputs: ['else_out'] }).output()]);
  ifNode.setAttr('then_branch', attr.graph(then));
  ifNode.setAttr('else_branch', attr.graph(otherwise));
  const cOut = body.addNode({ opType: 'Identity', inputs: [c], outputs: ['c_out'] });
  body.setOutputs([cOut.output(), ifNode.output()]);
  loop.setAttr('body', attr.graph(body));
  g.setOutputs([loop.output()]);
  const m = new Model(g);
  m.opsetImports.set('', 19);
  return m;
}

/** Control flow plus a local function, sparse and string initializers, and typed metadata. */
export function featureRichModel(): Model {
  const m = controlFlowModel();
  const f = new LocalFunction('ScaledRelu', 'custom');
  f.opsetImports.set('', 18);
  const fx = f.body.addInput('X');
  const alpha = f.body.addNode({
    opType: 'Constant',
    outputs: ['alpha'],
    attributes: { value_float: { type: 'float', value: 0, refAttrName: 'alpha' } },
  });
  const relu = f.body.addNode({ opType: 'Relu', inputs: [fx], outputs: ['r'] });
  f.body.setOutputs([
    f.body.addNode({ opType: 'Mul', inputs: [relu.output(), alpha.output()], outputs: ['Y'] }).output(),
  ]);
  f.attributes = ['alpha'];
  m.functions.push(f);
  m.opsetImports.set('custom', 1);
  const g = m.graph;
  const sp = g.addInitializer(
    'sp',
    new SparseTensor('float32', [2, 3], float32Tensor([2], [1, 2]), int64Tensor([2], [0, 4])),
  );
  const labels = g.addInitializer('labels', stringTensor([2], ['cat', 'dog']));
  const call = g.addNode({
    opType: 'ScaledRelu',
    domain: 'custom',
    inputs: [g.value('loop_out')!],
    outputs: ['scaled'],
    attributes: { alpha: attr.float(0.5) },
  });
  const gather = g.addNode({
    opType: 'Gather',
    inputs: [labels, g.value('trip')!],
    outputs: ['label'],
    attributes: { axis: attr.int(0) },
  });
  const add = g.addNode({
    opType: 'Add',
    inputs: [sp, sp],
    outputs: ['sp2'],
    attributes: { ends: attr.ints([(1n << 63n) - 1n]) },
  });
  call.output().type = tensorType('float32', ['N', 3]);
  g.setOutputs([...g.outputs, call.output(), gather.output(), add.output()]);
  m.metadata.set('k', 'v');
  return m;
}
