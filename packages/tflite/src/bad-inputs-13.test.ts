// Issue 13, TFLite side: names that are not UTF-8 (refused) or empty (a generated name, the empty
// one written back), shape mismatches of ops beyond the weighted ones (BAD_INPUTS 38), and dims
// beyond int32 refused on export instead of wrapping (2^32 + 4 was written as 4).
import { FormatError, tensorType, UnsupportedError } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { floats, opcode, operator, tensor, tinyModel } from '../test/tiny-model.js';
import { readTflite } from './read.js';
import { encodeModel } from './schema/encode.js';
import { BuiltinOperator, type ModelT, type SubGraphT } from './schema/schema.generated.js';
import { writeTflite } from './write.js';

const FILE = 'bad.tflite';

function build(edit: (m: ModelT, sg: SubGraphT) => void): Uint8Array {
  const m = tinyModel();
  edit(m, m.subgraphs![0]!);
  return encodeModel(m);
}

function refusal(bytes: Uint8Array): FormatError {
  try {
    readTflite(bytes, { file: FILE });
  } catch (e) {
    expect(e).toBeInstanceOf(FormatError);
    return e as FormatError;
  }
  throw new Error('the file was read');
}

describe('names', () => {
  it('a tensor name that is not UTF-8 is refused, naming the field', () => {
    const bytes = build((_, sg) => (sg.tensors![0]!.name = 'in~'));
    bytes[Buffer.from(bytes).indexOf('in~') + 2] = 0xff;
    expect(refusal(bytes)).toMatchObject({
      code: 'tflite/bad-string',
      file: FILE,
      field: 'subgraphs[0].tensors[0].name',
    });
  });

  it('an empty input name gets a generated IR name and is written back empty', () => {
    const model = readTflite(
      build((_, sg) => (sg.tensors![0]!.name = '')),
      { file: FILE },
    );
    const input = model.graph.inputs[0]!;
    expect(input.name).toBe('tensor_0');
    expect(model.graph.nodes[0]!.input(0)).toBe(input);
    const again = readTflite(writeTflite(model));
    expect(again.graph.inputs[0]!.name).toBe('tensor_0');
    expect(again.graph.inputs[0]!.extras.get('tflite.name')).toMatchObject({ original: '' });
  });
});

describe('38: shapes that do not fit the op', () => {
  /** One op over tensors 0..n-1 (float, no data) writing tensor n. */
  const single = (code: number, shapes: number[][], out: number[], options?: SubGraphT['operators']) =>
    build((m, sg) => {
      m.operator_codes = [opcode(code)];
      m.buffers = [{ offset: 0, size: 0 }];
      sg.tensors = [...shapes.map((s, i) => tensor(`t${i}`, s)), tensor('y', out)];
      sg.inputs = shapes.map((_, i) => i);
      sg.outputs = [shapes.length];
      sg.operators = options ?? [
        operator(
          0,
          shapes.map((_, i) => i),
          [shapes.length],
        ),
      ];
    });

  it('ADD of [1, 4] and [1, 5] (no broadcast joins them)', () => {
    const e = refusal(
      single(
        BuiltinOperator.ADD,
        [
          [1, 4],
          [1, 5],
        ],
        [1, 5],
      ),
    );
    expect(e).toMatchObject({ code: 'tflite/shape-mismatch', field: 'subgraphs[0].operators[0].inputs[1]' });
    expect(e.message).toContain('do not broadcast');
  });

  it('MUL of [2, 1, 4] and [3, 1] broadcasts and is read', () => {
    expect(() =>
      readTflite(
        single(
          BuiltinOperator.MUL,
          [
            [2, 1, 4],
            [3, 1],
          ],
          [2, 3, 4],
        ),
      ),
    ).not.toThrow();
  });

  it('CONCATENATION whose inputs differ outside the axis', () => {
    const concat = (b: number[]) =>
      single(
        BuiltinOperator.CONCATENATION,
        [[1, 2, 3], b],
        [1, 4, 3],
        [
          operator(0, [0, 1], [2], {
            builtin_options: { type: 'ConcatenationOptions', value: { axis: 1, fused_activation_function: 0 } },
          }),
        ],
      );
    expect(refusal(concat([1, 2, 4]))).toMatchObject({
      code: 'tflite/shape-mismatch',
      field: 'subgraphs[0].operators[0].inputs[1]',
    });
    expect(refusal(concat([1, 2])).message).toContain('rank');
    expect(() => readTflite(concat([1, 2, 3]))).not.toThrow();
  });

  it('BATCH_MATMUL with inner dims that differ (adj_y honoured)', () => {
    const bmm = (y: number[], adjY: boolean) =>
      single(
        BuiltinOperator.BATCH_MATMUL,
        [[2, 3, 4], y],
        [2, 3, 5],
        [
          operator(0, [0, 1], [2], {
            builtin_options: {
              type: 'BatchMatMulOptions',
              value: { adj_x: false, adj_y: adjY, asymmetric_quantize_inputs: false },
            },
          }),
        ],
      );
    expect(refusal(bmm([2, 5, 4], false)).message).toContain('inner dims differ');
    expect(() => readTflite(bmm([2, 5, 4], true))).not.toThrow();
    expect(refusal(bmm([3, 4, 5], false)).message).toContain('batch dims');
  });

  it('TRANSPOSE_CONV whose filter takes other input channels', () => {
    const bytes = build((m, sg) => {
      m.operator_codes = [opcode(BuiltinOperator.TRANSPOSE_CONV)];
      m.buffers = [
        { offset: 0, size: 0 },
        { data: new Uint8Array(new Int32Array([1, 4, 4, 2]).buffer), offset: 0, size: 0 },
        { data: floats(new Array(2 * 3 * 3 * 5).fill(0)), offset: 0, size: 0 },
      ];
      sg.tensors = [
        { ...tensor('output_shape', [4], 1), type: 2 },
        tensor('w', [2, 3, 3, 5], 2),
        tensor('x', [1, 2, 2, 3]),
        tensor('y', [1, 4, 4, 2]),
      ];
      sg.inputs = [2];
      sg.outputs = [3];
      sg.operators = [operator(0, [0, 1, 2, -1], [3])];
    });
    expect(refusal(bytes)).toMatchObject({
      code: 'tflite/shape-mismatch',
      field: 'subgraphs[0].operators[0].inputs[1]',
      value: 'w',
    });
  });
});

describe('dims beyond int32 on export', () => {
  it('a TFLite model whose input grew to 2^32 + 4 elements is refused, not written as 4', () => {
    const m = readTflite(encodeModel(tinyModel()));
    for (const v of [m.graph.inputs[0]!, m.graph.outputs[0]!]) v.type = tensorType('float32', [1, 2 ** 32 + 4]);
    let caught: unknown;
    try {
      writeTflite(m);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(UnsupportedError);
    expect(caught).toMatchObject({ code: 'tflite/int32-overflow', value: 'x', field: 'shape[1]' });
  });

  it('the encoder refuses an integer field that does not fit its width', () => {
    const m = tinyModel();
    m.subgraphs![0]!.operators![0]!.builtin_options = {
      type: 'ReshapeOptions',
      value: { new_shape: [1, 2 ** 32 + 4] },
    };
    m.operator_codes = [opcode(BuiltinOperator.RESHAPE)];
    expect(() => encodeModel(m)).toThrow(/does not fit the 32-bit integer field/);
  });
});
