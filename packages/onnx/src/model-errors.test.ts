// Unknown, unsupported and structurally broken ONNX content: refused with a typed error naming
// the field, or read so that checkModel reports it (the round trips are in model-features.test.ts).
import { CheckError, FormatError, UnsupportedError, attr, checkModel, type EnxutoError } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { encodeModel, modelWith } from '../test/proto-builders.js';
import { bytes, ld, str } from '../test/wire-builders.js';
import { readOnnx } from './read/read-model.js';

function errorOf(fn: () => unknown): EnxutoError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    return e as EnxutoError;
  }
  throw new Error('expected an error');
}

describe('unknown and unsupported content', () => {
  const withUnknown = bytes(ld(7, str(2, 'g')), ld(99, [1, 2]));

  it('fields unknown to onnx v1.22 are refused by default, naming field and offset', () => {
    const e = errorOf(() => readOnnx(withUnknown, { file: 'new.onnx' }));
    expect(e).toBeInstanceOf(UnsupportedError);
    expect(e.message).toMatch(
      /^unsupported: 1 field\(s\) unknown to onnx v1\.22, first field 99 of ModelProto at byte 5/,
    );
    expect([e.code, e.file, e.offset]).toEqual(['onnx/unknown-field', 'new.onnx', 5]);
  });

  it("...or dropped with unknownFields: 'drop'", () => {
    expect(readOnnx(withUnknown, { unknownFields: 'drop' }).graph.name).toBe('g');
  });

  it('a file without a graph is not a model', () => {
    const e = errorOf(() => readOnnx(encodeModel({ irVersion: 8 }), { file: 'x.onnx' }));
    expect([e.constructor, e.code, e.field]).toEqual([FormatError, 'onnx/no-graph', 'graph']);
  });

  it('non-UTF-8 attribute strings are unsupported', () => {
    const file = modelWith({
      node: [{ opType: 'X', output: ['y'], attribute: [{ name: 'mode', type: 3, s: Uint8Array.from([0xff, 0xfe]) }] }],
      output: [{ name: 'y' }],
    });
    const e = errorOf(() => readOnnx(file));
    expect(e).toBeInstanceOf(UnsupportedError);
    expect([e.node, e.field]).toEqual(['X', 'attribute mode']);
  });

  it('attributes without type or value, or of unknown type, are format errors', () => {
    const none = modelWith({
      node: [{ opType: 'X', name: 'n1', output: ['y'], attribute: [{ name: 'a' }] }],
      output: [{ name: 'y' }],
    });
    expect(errorOf(() => readOnnx(none)).code).toBe('onnx/attribute-type');
    const odd = modelWith({
      node: [{ opType: 'X', name: 'n1', output: ['y'], attribute: [{ name: 'a', type: 42, i: 1 }] }],
      output: [{ name: 'y' }],
    });
    expect(errorOf(() => readOnnx(odd)).message).toMatch(/unknown type 42/);
    const noTensor = modelWith({
      node: [{ opType: 'X', name: 'n1', output: ['y'], attribute: [{ name: 'a', type: 4 }] }],
      output: [{ name: 'y' }],
    });
    expect(errorOf(() => readOnnx(noTensor)).code).toBe('onnx/attribute-value');
  });

  it('proto IR v1 attributes without a type are typed from their value', () => {
    const file = modelWith({
      node: [
        {
          opType: 'X',
          output: ['y'],
          attribute: [
            { name: 'k', i: 7 },
            { name: 'fs', floats: [1, 2] },
          ],
        },
      ],
      output: [{ name: 'y' }],
    });
    const n = readOnnx(file).graph.nodes[0]!;
    expect([n.attr('k'), n.attr('fs')]).toEqual([attr.int(7), attr.floats([1, 2])]);
  });
});

describe('structurally broken models (BAD_INPUTS 15-16)', () => {
  const relu = (input: string, output: string, name = '') => ({
    opType: 'Relu',
    name,
    input: [input],
    output: [output],
  });

  it('a graph cycle reads, and checkModel reports it', () => {
    const m = readOnnx(modelWith({ node: [relu('b', 'a', 'n1'), relu('a', 'b', 'n2')], output: [{ name: 'b' }] }));
    const e = errorOf(() => checkModel(m));
    expect([e.constructor, e.code]).toEqual([CheckError, 'check/cycle']);
  });

  it('a Loop body cycle reads, and checkModel reports it', () => {
    const body = {
      name: 'body',
      input: [{ name: 'i' }, { name: 'c' }],
      node: [relu('q', 'p'), relu('p', 'q')],
      output: [{ name: 'c' }],
    };
    const m = readOnnx(
      modelWith({
        input: [{ name: 'n' }],
        node: [{ opType: 'Loop', input: ['n', ''], output: [], attribute: [{ name: 'body', type: 5, g: body }] }],
      }),
    );
    expect(errorOf(() => checkModel(m)).code).toBe('check/cycle');
  });

  it('a recursive local function reads, and checkModel reports it', () => {
    const f = {
      name: 'F',
      domain: 'd',
      input: ['x'],
      output: ['y'],
      node: [{ opType: 'F', domain: 'd', input: ['x'], output: ['y'] }],
      opsetImport: [{ domain: 'd', version: 1 }],
    };
    const m = readOnnx(
      modelWith(
        {
          input: [{ name: 'x' }],
          node: [{ opType: 'F', domain: 'd', input: ['x'], output: ['y'] }],
          output: [{ name: 'y' }],
        },
        {
          functions: [f],
          opsetImport: [
            { domain: '', version: 21 },
            { domain: 'd', version: 1 },
          ],
        },
      ),
    );
    expect(errorOf(() => checkModel(m)).code).toBe('check/recursive-function');
  });

  it('a missing opset import reads, and checkModel reports it', () => {
    const m = readOnnx(
      modelWith({ input: [{ name: 'x' }], node: [relu('x', 'y', 'r')], output: [{ name: 'y' }] }, { opsetImport: [] }),
    );
    const e = errorOf(() => checkModel(m));
    expect([e.code, e.node]).toEqual(['check/missing-opset', 'r']);
  });

  const readErrors: { name: string; graph: Parameters<typeof modelWith>[0]; code: string; value?: string }[] = [
    {
      name: 'duplicate initializer names',
      graph: {
        initializer: [
          { name: 'w', dims: [], dataType: 1, floatData: [1] },
          { name: 'w', dims: [], dataType: 1, floatData: [2] },
        ],
      },
      code: 'onnx/duplicate-name',
      value: 'w',
    },
    {
      name: 'two nodes producing one name',
      graph: { input: [{ name: 'x' }], node: [relu('x', 'y'), relu('x', 'y')], output: [{ name: 'y' }] },
      code: 'onnx/duplicate-name',
      value: 'y',
    },
    {
      name: 'a graph output listed twice',
      graph: { input: [{ name: 'x' }], node: [relu('x', 'y')], output: [{ name: 'y' }, { name: 'y' }] },
      code: 'onnx/duplicate-output',
      value: 'y',
    },
    {
      name: 'an output never produced',
      graph: { input: [{ name: 'x' }], output: [{ name: 'ghost' }] },
      code: 'onnx/undefined-value',
      value: 'ghost',
    },
    {
      name: 'a node input never produced',
      graph: { node: [relu('ghost', 'y', 'r')], output: [{ name: 'y' }] },
      code: 'onnx/undefined-value',
      value: 'ghost',
    },
    {
      name: 'an initializer without a name',
      graph: { initializer: [{ dims: [], dataType: 1, floatData: [1] }] },
      code: 'onnx/empty-name',
    },
  ];
  for (const c of readErrors) {
    it(`${c.name}: typed read error naming the value`, () => {
      const e = errorOf(() => readOnnx(modelWith(c.graph), { file: 'bad.onnx' }));
      expect(e).toBeInstanceOf(FormatError);
      expect([e.code, e.file, e.value]).toEqual([c.code, 'bad.onnx', c.value]);
    });
  }
});
