// Softmax, LogSoftmax and Hardmax before opset 13 work on the input flattened to 2-D at `axis`
// (default 1); from 13 on one axis. Where the two differ the old meaning is spelled out:
// Reshape(Softmax(Flatten(x, axis), axis = -1), Shape(x)).
import { attr, type Node } from '@enxuto/ir';
import { rankOf } from './node-edits.js';

export function softmaxOnOneAxis(node: Node): void {
  const g = node.graph;
  const x = node.input(0)!;
  const rank = rankOf(x);
  let axis = node.getInt('axis', 1);
  if (rank !== undefined && axis < 0) axis += rank;
  // Flattening at the last axis changes nothing: the old and new meanings agree.
  if (rank !== undefined && axis === rank - 1) {
    node.setAttr('axis', attr.int(-1));
    return;
  }
  const y = node.output(0);
  const base = node.name || y.name;
  const shape = g.insertBefore(node, {
    opType: 'Shape',
    name: g.uniqueName(`${base}_shape`),
    inputs: [x],
    outputs: [g.uniqueName(`${y.name}_shape`)],
  });
  const flat = g.insertBefore(node, {
    opType: 'Flatten',
    name: g.uniqueName(`${base}_flatten`),
    inputs: [x],
    outputs: [g.uniqueName(`${y.name}_2d`)],
    attributes: { axis: attr.int(axis) },
  });
  g.setInput(node, 0, flat.output(0));
  node.setAttr('axis', attr.int(-1));
  // The Reshape takes over y's name (and place as a graph output); the softmax gets a new one.
  const name = y.name;
  const type = y.type;
  g.rename(y, g.uniqueName(`${name}_2d_softmax`));
  const reshape = g.insertAfter(node, {
    opType: 'Reshape',
    name: g.uniqueName(`${base}_reshape`),
    inputs: [y, shape.output(0)],
    outputs: [name],
  });
  const out = reshape.output(0);
  for (const u of [...y.uses()]) if (u.node !== reshape) u.node.graph.setInput(u.node, u.index, out);
  if (y.isGraphOutput()) g.setOutputs(g.outputs.map((o) => (o === y ? out : o)));
  if (type) out.type = type;
  y.type = undefined;
}
