// Everything the IR holds survives write -> read, and write(read(write(m))) is byte-identical.
import {
  Graph,
  LocalFunction,
  Model,
  SparseTensor,
  attr,
  checkModel,
  float32Tensor,
  int64Tensor,
  stringTensor,
  tensorType,
} from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { describeModel } from '../test/describe-model.js';
import { controlFlowModel, featureRichModel } from '../test/sample-models.js';
import { modelWith } from '../test/proto-builders.js';
import { EXTRAS } from './read/read-graph.js';
import { readOnnx } from './read/read-model.js';
import { ModelProtoType } from './schema/root.js';
import { writeOnnxBytes } from './write/write-model.js';

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

function roundTrip(m: Model): Model {
  const w1 = writeOnnxBytes(m);
  const back = readOnnx(w1, { file: 'rt.onnx' });
  expect(describeModel(back)).toEqual(describeModel(m));
  const w2 = writeOnnxBytes(back);
  expect(Buffer.from(w2).equals(Buffer.from(w1))).toBe(true);
  return back;
}

describe('round trips of IR features', () => {
  it('Loop and If subgraphs with outer-scope references', () => {
    const back = roundTrip(controlFlowModel());
    const loop = back.graph.nodes[0]!;
    const body = loop.subgraphs()[0]!;
    const then = body.nodes[0]!.subgraphs()[0]!;
    const add = then.nodes[0]!;
    expect(
      add.inputs.map((v) => [v!.name, v!.graph === body ? 'body' : v!.graph === back.graph ? 'main' : '?']),
    ).toEqual([
      ['acc', 'body'],
      ['w', 'main'],
    ]);
    expect(() => checkModel(back)).not.toThrow();
  });

  it('local functions with attribute references, defaults and their own opsets', () => {
    const m = new Model(new Graph('main'));
    const f = new LocalFunction('ScaledRelu', 'custom');
    f.opsetImports.set('', 18);
    f.docString = 'relu(x) * alpha';
    const fx = f.body.addInput('X');
    const alpha = f.body.addNode({
      opType: 'Constant',
      outputs: ['alpha'],
      attributes: { value_float: { type: 'float', value: 0, refAttrName: 'alpha' } },
    });
    const relu = f.body.addNode({ opType: 'Relu', inputs: [fx], outputs: ['r'] });
    const mul = f.body.addNode({ opType: 'Mul', inputs: [relu.output(), alpha.output()], outputs: ['Y'] });
    f.body.setOutputs([mul.output()]);
    f.attributes = ['alpha', 'beta'];
    f.attributeDefaults.set('beta', attr.int(3));
    f.metadata.set('author', 'test');
    m.functions.push(f);
    m.opsetImports.set('custom', 1);
    const x = m.graph.addInput('x', tensorType('float32', [2]));
    const call = m.graph.addNode({
      opType: 'ScaledRelu',
      domain: 'custom',
      inputs: [x],
      outputs: ['y'],
      attributes: { alpha: attr.float(0.5) },
    });
    m.graph.setOutputs([call.output()]);
    const back = roundTrip(m);
    const bf = back.functions[0]!;
    expect(bf.key).toBe('custom::ScaledRelu::');
    expect(bf.attributes).toEqual(['alpha', 'beta']);
    expect(bf.body.nodes[0]!.attr('value_float')).toEqual({ type: 'float', value: 0, refAttrName: 'alpha' });
    expect(() => checkModel(back)).not.toThrow();
  });

  it('every attribute type, with int64 extremes kept exact', () => {
    const g = new Graph('main');
    const x = g.addInput('x', tensorType('float32', [4]));
    const sub = new Graph('sub', { subgraph: true });
    sub.setOutputs([sub.addNode({ opType: 'Identity', inputs: [x], outputs: ['s'] }).output()]);
    const sparse = new SparseTensor('float32', [2, 3], float32Tensor([2], [1, 2]), int64Tensor([2], [0, 5]));
    const n = g.addNode({
      opType: 'Custom',
      domain: 'test',
      inputs: [x],
      outputs: ['y'],
      attributes: {
        f: attr.float(0.25),
        i: attr.int(INT64_MAX),
        i_min: attr.int(INT64_MIN),
        s: attr.string('héllo'),
        t: attr.tensor(float32Tensor([2], [1, 2])),
        st: { type: 'sparse-tensor', value: sparse },
        g: attr.graph(sub),
        tp: { type: 'type', value: { kind: 'sequence', elem: tensorType('int8', ['n']) } },
        floats: attr.floats([1.5, -0]),
        ints: attr.ints([INT64_MAX, -1, 2 ** 53 - 1]),
        strings: attr.strings(['a', '']),
        tensors: { type: 'tensors', value: [int64Tensor([1], [INT64_MIN]), stringTensor([1], ['z'])] },
        sts: { type: 'sparse-tensors', value: [sparse] },
        graphs: { type: 'graphs', value: [] },
        tps: {
          type: 'types',
          value: [
            { kind: 'map', key: 'string', value: tensorType('float32') },
            { kind: 'optional', elem: { kind: 'opaque', domain: 'd', name: 'n' } },
          ],
        },
      },
    });
    g.setOutputs([n.output()]);
    const m = new Model(g);
    m.opsetImports.set('test', 1);
    const back = roundTrip(m);
    const bn = back.graph.nodes[0]!;
    expect(bn.attr('i')).toEqual({ type: 'int', value: INT64_MAX });
    expect(bn.attr('i_min')).toEqual({ type: 'int', value: INT64_MIN });
    expect(bn.attr('ints')).toEqual({ type: 'ints', value: [INT64_MAX, -1, 2 ** 53 - 1] });
    expect((bn.attr('tensors')!.value as { values(): BigInt64Array }[])[0]!.values()[0]).toBe(INT64_MIN);
    expect(Array.from((bn.attr('st')!.value as SparseTensor).toFloat32())).toEqual([1, 0, 0, 0, 0, 2]);
  });

  it('value types, metadata, doc strings, model fields and sparse initializers', () => {
    const g = new Graph('main');
    g.docString = 'graph doc';
    g.metadata.set('g', '1');
    const x = g.addInput('x', { kind: 'tensor', dtype: 'float16', shape: ['batch', null, 7] });
    x.docString = 'input doc';
    x.metadata.set('unit', 'px');
    const seq = g.addInput('seq', { kind: 'sequence', elem: tensorType('float32') });
    const sp = new SparseTensor('float32', [3, 4], float32Tensor([2], [5, 6]), int64Tensor([2, 2], [0, 1, 2, 3]));
    const w = g.addInitializer('w_sparse', sp);
    const dense = g.addInitializer('dense', float32Tensor([2], [1, 2]));
    dense.extras.set(EXTRAS.tensorDocString, 'tensor doc');
    const n = g.addNode({ opType: 'Add', name: 'add0', inputs: [x, w], outputs: ['h'], docString: 'node doc' });
    n.metadata.set('k', 'v');
    n.output().type = { kind: 'tensor', dtype: 'float16', shape: ['batch', 3, 4] };
    n.output().docString = 'intermediate';
    const at = g.addNode({ opType: 'SequenceAt', inputs: [seq, null, dense], outputs: ['e', null] });
    g.setOutputs([n.output(), at.output()]);
    const m = new Model(g);
    m.irVersion = 9;
    m.producerName = 'enxuto-test';
    m.producerVersion = '1.0';
    m.domain = 'ai.enxuto';
    m.modelVersion = INT64_MAX;
    m.docString = 'model doc';
    m.metadata.set('license', 'MIT');
    const back = roundTrip(m);
    expect(back.graph.value('w_sparse')!.const).toBeInstanceOf(SparseTensor);
    expect(back.graph.value('h')!.type).toEqual({ kind: 'tensor', dtype: 'float16', shape: ['batch', 3, 4] });
    expect(back.graph.nodes[1]!.inputs[1]).toBeNull();
    expect(back.graph.nodes[1]!.outputs[1]).toBeNull();
    expect(back.modelVersion).toBe(INT64_MAX);
    expect(back.graph.value('dense')!.extras.get(EXTRAS.tensorDocString)).toBe('tensor doc');
  });

  it('training_info, quantization annotations and denotations are kept as they were', () => {
    const file = modelWith(
      {
        input: [
          {
            name: 'x',
            type: {
              denotation: 'IMAGE',
              tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1, denotation: 'DATA_BATCH' }] } },
            },
          },
        ],
        node: [{ opType: 'Relu', input: ['x'], output: ['y'] }],
        output: [{ name: 'y', type: { tensorType: { elemType: 0 } } }],
        quantizationAnnotation: [{ tensorName: 'y', quantParameterTensorNames: [{ key: 'SCALE_TENSOR', value: 's' }] }],
      },
      {
        trainingInfo: [
          {
            algorithm: { name: 'train', node: [{ opType: 'Identity', input: ['a'], output: ['b'] }] },
            updateBinding: [{ key: 'w', value: 'b' }],
          },
        ],
      },
    );
    const m = readOnnx(file);
    expect(m.extras.has(EXTRAS.trainingInfo)).toBe(true);
    expect(m.graph.inputs[0]!.type).toEqual({ kind: 'tensor', dtype: 'float32', shape: [1] });
    expect(m.graph.outputs[0]!.type).toBeUndefined();
    expect(Buffer.from(writeOnnxBytes(m)).equals(Buffer.from(file))).toBe(true);
    // once the type changes, the kept TypeProto (with its denotation) no longer applies
    m.graph.inputs[0]!.type = tensorType('float32', [2]);
    const decoded = ModelProtoType.decode(writeOnnxBytes(m)) as unknown as {
      graph: { input: { type: { denotation: string } }[] };
    };
    expect(decoded.graph.input[0]!.type.denotation).toBe('');
  });

  it('a model mixing functions, sparse and string initializers and control flow', () => {
    const back = roundTrip(featureRichModel());
    expect(() => checkModel(back)).not.toThrow();
  });

  it('writes models that passes built from scratch, deterministically', () => {
    expect(
      Buffer.from(writeOnnxBytes(controlFlowModel())).equals(Buffer.from(writeOnnxBytes(controlFlowModel()))),
    ).toBe(true);
  });
});
