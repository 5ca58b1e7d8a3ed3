// Narrow convs (few depthwise channels, shallow reduction) stay float unless they cover a single
// position, where a float island would cost more than the slow int8 loop it avoids.
import { describe, expect, it } from 'vitest';
import { checkModel, Model, type Value } from '@enxuto/ir';
import { insertQdq } from './insert-qdq.js';
import { randomTensor } from './test-models.js';

/** x[1,8,16,16] -> depthwise 3x3 (8) -> 1x1 8->16 -> 1x1 16->16 -> GlobalAveragePool -> 1x1 16->8 -> 1x1 8->16 -> y */
function narrowNet(): Model {
  const m = new Model();
  m.opsetImports.set('', 13);
  const g = m.graph;
  const x = g.addInput('x', { kind: 'tensor', dtype: 'float32', shape: [1, 8, 16, 16] });
  const conv = (name: string, input: Value, w: number[], size: number, group = 1) => {
    const y = g.addNode({
      opType: 'Conv',
      name,
      inputs: [input, g.addInitializer(`${name}_w`, randomTensor(w, name.length, 0.5))],
      outputs: [`${name}_out`],
      attributes: {
        group: { type: 'int', value: group },
        pads: { type: 'ints', value: Array(4).fill((w[2]! - 1) / 2) },
      },
    }).outputs[0]!;
    y.type = { kind: 'tensor', dtype: 'float32', shape: [1, w[0]!, size, size] };
    return y;
  };
  const dw = conv('dw', x, [8, 1, 3, 3], 16, 8);
  const expand = conv('expand', dw, [16, 8, 1, 1], 16);
  const wide = conv('wide', expand, [16, 16, 1, 1], 16);
  const pooled = g.addNode({ opType: 'GlobalAveragePool', name: 'pool', inputs: [wide], outputs: ['pool_out'] });
  const squeeze = conv('squeeze', pooled.outputs[0]!, [8, 16, 1, 1], 1);
  g.setOutputs([conv('excite', squeeze, [16, 8, 1, 1], 1)]);
  return m;
}

const ranges = () =>
  new Map(
    ['x', 'dw_out', 'expand_out', 'wide_out', 'pool_out', 'squeeze_out', 'excite_out'].map((n) => [
      n,
      { min: -1, max: 1 },
    ]),
  );

describe('narrow convs', () => {
  it('stay float over many positions; over a single position (squeeze-excite) they are quantized', () => {
    const m = narrowNet();
    const report = insertQdq(m, ranges());
    checkModel(m);
    expect(report.layers.map((l) => l.node).sort()).toEqual(['excite', 'squeeze', 'wide']);
    const all = narrowNet();
    expect(insertQdq(all, ranges(), { minChannels: 0 }).layers).toHaveLength(5);
  });
});
