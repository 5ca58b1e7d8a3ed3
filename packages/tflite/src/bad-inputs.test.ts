// BAD_INPUTS.md cases 18-27: each test builds the bad file on the fly and expects a FormatError
// that names the file, the field (and op / tensor where there is one) with a stable code.
import { type EnxutoError, FormatError, Model, tensorType, UnsupportedError } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { floats, opcode, operator, tensor, tinyModel } from '../test/tiny-model.js';
import { exportToTflite } from './export/export-tflite.js';
import { readTflite } from './read.js';
import { decodeModel } from './schema/decode.js';
import { encodeModel } from './schema/encode.js';
import { BuiltinOperator, DimensionType, TensorType, type ModelT, type SubGraphT } from './schema/schema.generated.js';

const FILE = 'bad.tflite';

function rejects(
  bytes: Uint8Array,
  code: string,
  fields: Partial<Pick<EnxutoError, 'field' | 'node' | 'value'>> = {},
): FormatError {
  let caught: unknown;
  try {
    readTflite(bytes, { file: FILE });
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected ${code}`).toBeInstanceOf(FormatError);
  const e = caught as FormatError;
  expect(e.code).toBe(`tflite/${code}`);
  expect(e.file).toBe(FILE);
  expect(e.field).toBeTypeOf('string');
  expect(e).toMatchObject(fields);
  return e;
}

function build(edit: (m: ModelT, sg: SubGraphT) => void): Uint8Array {
  const m = tinyModel();
  edit(m, m.subgraphs![0]!);
  return encodeModel(m);
}

/** Absolute position of a root-table field's stored value (its uoffset for vectors). */
function rootField(bytes: Uint8Array, slot: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const root = view.getUint32(0, true);
  const vt = root - view.getInt32(root, true);
  const fo = view.getUint16(vt + 4 + 2 * slot, true);
  if (fo === 0) throw new Error(`root field ${slot} absent`);
  return root + fo;
}

describe('the tiny fixture', () => {
  it('is itself valid', () => {
    const model = readTflite(encodeModel(tinyModel()), { file: FILE });
    expect(model.graph.nodes.map((n) => n.opType)).toEqual(['ADD']);
    expect([...model.graph.initializers()[0]!.const!.toFloat32()]).toEqual([1, 2, 3, 4]);
  });
});

describe('18: size, identifier, version', () => {
  it('fewer than 8 bytes', () => {
    rejects(new Uint8Array(7), 'truncated', { field: '(root)' });
    rejects(new Uint8Array(0), 'truncated');
  });
  it('a bare header pointing past the end', () => {
    rejects(new Uint8Array([0x18, 0, 0, 0, 0x54, 0x46, 0x4c, 0x33]), 'bad-offset');
  });
  it('wrong file identifier', () => {
    const bytes = encodeModel(tinyModel());
    bytes.set([0x54, 0x46, 0x4c, 0x32], 4); // TFL2
    const e = rejects(bytes, 'bad-identifier');
    expect(e.message).toContain('TFL2');
  });
  it('schema version other than 3', () => {
    rejects(
      build((m) => (m.version = 2)),
      'schema-version',
      { field: 'version' },
    );
  });
});

describe('19: operator tensor indices', () => {
  it('input index past the tensor count', () => {
    rejects(
      build((_, sg) => (sg.operators![0]!.inputs = [0, 99])),
      'bad-tensor-index',
      { field: 'subgraphs[0].operators[0].inputs[1]', node: 'ADD#0' },
    );
  });
  it('-1 as an output', () => {
    rejects(
      build((_, sg) => (sg.operators![0]!.outputs = [-1])),
      'bad-tensor-index',
      { field: 'subgraphs[0].operators[0].outputs[0]' },
    );
  });
  it('-1 as a required input', () => {
    rejects(
      build((_, sg) => (sg.operators![0]!.inputs = [0, -1])),
      'missing-input',
      { field: 'subgraphs[0].operators[0].inputs[1]', node: 'ADD#0' },
    );
  });
  it('-1 where the input is optional (FULLY_CONNECTED bias) is accepted', () => {
    const bytes = build((m, sg) => {
      m.operator_codes = [opcode(BuiltinOperator.FULLY_CONNECTED)];
      sg.tensors![1]!.shape = [4, 4];
      m.buffers![1]!.data = floats(new Array(16).fill(0.5));
      sg.operators![0] = operator(0, [0, 1, -1], [2]);
    });
    const model = readTflite(bytes, { file: FILE });
    expect(model.graph.nodes[0]!.inputs[2]).toBeNull();
  });
  it('subgraph input index out of range', () => {
    rejects(
      build((_, sg) => (sg.inputs = [7])),
      'bad-tensor-index',
      { field: 'subgraphs[0].inputs[0]' },
    );
  });
});

describe('20: tensor buffer index', () => {
  it('buffer index past the buffer count', () => {
    rejects(
      build((_, sg) => (sg.tensors![1]!.buffer = 7)),
      'bad-buffer-index',
      { field: 'subgraphs[0].tensors[1].buffer', value: 'w' },
    );
  });
});

describe('21: offset/size buffers', () => {
  it('region outside the file', () => {
    rejects(
      build((m) => (m.buffers![1] = { offset: 100_000, size: 16 })),
      'buffer-outside-file',
      { field: 'buffers[1].offset' },
    );
  });
  it('offset + size wrapping past 2^53', () => {
    rejects(
      build((m) => (m.buffers![1] = { offset: Number.MAX_SAFE_INTEGER - 4, size: 16 })),
      'buffer-outside-file',
    );
  });
  it('64-bit offset near 2^64', () => {
    const marker = 0x7ead_beef_0000;
    const bytes = build((m) => (m.buffers![1] = { offset: marker, size: 16 }));
    const pattern = new Uint8Array(new BigUint64Array([BigInt(marker)]).buffer);
    const at = Buffer.from(bytes).indexOf(Buffer.from(pattern));
    expect(at).toBeGreaterThan(0);
    bytes.fill(0xff, at, at + 8);
    rejects(bytes, 'int64-range', { field: 'buffers[1].offset' });
  });
  it('a size without an offset', () => {
    rejects(
      build((m) => (m.buffers![1] = { offset: 0, size: 16 })),
      'buffer-outside-file',
      { field: 'buffers[1].size' },
    );
  });
});

describe('22: shapes and buffer sizes', () => {
  it('negative dim', () => {
    rejects(
      build((_, sg) => (sg.tensors![0]!.shape = [1, -4])),
      'bad-dim',
      { field: 'subgraphs[0].tensors[0].shape[1]', value: 'x' },
    );
  });
  it('zero dim on a constant or graph input', () => {
    rejects(
      build((_, sg) => (sg.tensors![1]!.shape = [0, 4])),
      'bad-dim',
      { value: 'w' },
    );
    rejects(
      build((_, sg) => (sg.tensors![0]!.shape = [1, 0])),
      'bad-dim',
      { value: 'x' },
    );
  });
  it('shape x dtype above 2^32 bytes', () => {
    rejects(
      build((_, sg) => (sg.tensors![2]!.shape = [65536, 65536, 2])),
      'tensor-too-large',
      { value: 'y' },
    );
    rejects(
      build((_, sg) => (sg.tensors![2]!.shape = [2 ** 31 - 1, 2 ** 31 - 1, 2 ** 31 - 1, 2 ** 31 - 1])),
      'tensor-too-large',
    );
  });
  it('buffer bytes other than the shape needs (too few and too many)', () => {
    rejects(
      build((m) => (m.buffers![1]!.data = floats([1, 2, 3]))),
      'buffer-size',
      { field: 'subgraphs[0].tensors[1].buffer', value: 'w' },
    );
    rejects(
      build((m) => (m.buffers![1]!.data = floats([1, 2, 3, 4, 5]))),
      'buffer-size',
    );
  });
  it('unknown tensor type', () => {
    rejects(
      build((_, sg) => (sg.tensors![0]!.type = 99)),
      'bad-tensor-type',
      { field: 'subgraphs[0].tensors[0].type' },
    );
  });
});

describe('23: data flow', () => {
  it('a tensor both input and output of an op', () => {
    rejects(
      build((_, sg) => (sg.operators![0]!.inputs = [0, 2])),
      'input-is-output',
      { node: 'ADD#0', value: 'y' },
    );
  });
  it('an op writing into a constant', () => {
    rejects(
      build((_, sg) => {
        sg.operators![0] = operator(0, [0, 0], [1]);
        sg.outputs = [1];
      }),
      'output-is-constant',
      { node: 'ADD#0', value: 'w' },
    );
  });
  it('a tensor produced twice', () => {
    rejects(
      build((_, sg) => sg.operators!.push(operator(0, [0, 1], [2]))),
      'multiple-producers',
      { value: 'y' },
    );
  });
  it('a producer cycle (op 0 reads what op 1 writes, op 1 reads op 0)', () => {
    rejects(
      build((_, sg) => {
        sg.tensors!.push(tensor('z', [1, 4]));
        sg.operators = [operator(0, [0, 3], [2]), operator(0, [2, 1], [3])];
      }),
      'producer-cycle',
      { node: 'ADD#0', value: 'z', field: 'subgraphs[0].operators[0].inputs[1]' },
    );
  });
});

describe('24: operator codes', () => {
  it('opcode index out of range', () => {
    rejects(
      build((_, sg) => (sg.operators![0]!.opcode_index = 5)),
      'bad-opcode-index',
      { field: 'subgraphs[0].operators[0].opcode_index' },
    );
  });
  it('builtin code out of range', () => {
    rejects(
      build((m) => (m.operator_codes = [opcode(9999)])),
      'bad-builtin-code',
      { field: 'operator_codes[0].builtin_code' },
    );
    rejects(
      build((m) => (m.operator_codes = [opcode(BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES)])),
      'bad-builtin-code',
    );
  });
  it('custom op with an empty name', () => {
    rejects(
      build((m) => (m.operator_codes = [opcode(BuiltinOperator.CUSTOM, 1, '')])),
      'empty-custom-code',
      { field: 'operator_codes[0].custom_code' },
    );
    rejects(
      build((m) => (m.operator_codes = [opcode(BuiltinOperator.CUSTOM)])),
      'empty-custom-code',
    );
  });
});

describe('25: subgraph references', () => {
  function withWhile(cond: number, body: number, extra?: (m: ModelT) => void): Uint8Array {
    return build((m, sg) => {
      m.operator_codes!.push(opcode(BuiltinOperator.WHILE));
      sg.operators = [
        operator(1, [0], [2], {
          builtin_options: { type: 'WhileOptions', value: { cond_subgraph_index: cond, body_subgraph_index: body } },
        }),
      ];
      const sub = (): SubGraphT => ({
        tensors: [tensor('a', [1, 4])],
        inputs: [0],
        outputs: [0],
        operators: [],
        debug_metadata_index: -1,
      });
      m.subgraphs!.push(sub(), sub());
      extra?.(m);
    });
  }
  it('a well-formed WHILE reads, its bodies become tflite.subgraph functions', () => {
    const model = readTflite(withWhile(1, 2), { file: FILE });
    expect(model.functions.map((f) => f.domain)).toEqual(['tflite.subgraph', 'tflite.subgraph']);
    expect(model.graph.nodes[0]!.getInt('body_subgraph_index')).toBe(2);
  });
  it('WHILE whose condition is its body', () => {
    rejects(withWhile(1, 1), 'while-cond-is-body', {
      field: 'subgraphs[0].operators[0].builtin_options.body_subgraph_index',
    });
  });
  it('subgraph index out of range', () => {
    rejects(withWhile(1, 9), 'bad-subgraph-index', {
      field: 'subgraphs[0].operators[0].builtin_options.body_subgraph_index',
    });
  });
  it('subgraph index loops (a body that calls itself, and one calling the main graph)', () => {
    const selfLoop = (m: ModelT) => {
      const body = m.subgraphs![2]!;
      body.tensors!.push(tensor('b', [1, 4]));
      body.operators = [
        operator(1, [0], [1], {
          builtin_options: { type: 'WhileOptions', value: { cond_subgraph_index: 1, body_subgraph_index: 2 } },
        }),
      ];
      body.outputs = [1];
    };
    rejects(withWhile(1, 2, selfLoop), 'subgraph-loop');
    rejects(withWhile(0, 2), 'subgraph-loop');
  });
});

describe('26: quantization parameters', () => {
  const quantized = (q: { scale: number[]; zero_point: number[]; quantized_dimension: number }) =>
    build((_, sg) => (sg.tensors![1]!.quantization = q));
  it('scale count != zero point count', () => {
    rejects(quantized({ scale: [0.1, 0.2], zero_point: [0], quantized_dimension: 1 }), 'bad-quantization', {
      field: 'subgraphs[0].tensors[1].quantization.zero_point',
      value: 'w',
    });
  });
  it('quantized_dimension >= rank', () => {
    rejects(quantized({ scale: [0.1, 0.2], zero_point: [0, 0], quantized_dimension: 2 }), 'bad-quantization', {
      field: 'subgraphs[0].tensors[1].quantization.quantized_dimension',
    });
  });
  it('scale count != size of the quantized dimension', () => {
    rejects(quantized({ scale: [0.1, 0.2, 0.3], zero_point: [0, 0, 0], quantized_dimension: 1 }), 'bad-quantization', {
      field: 'subgraphs[0].tensors[1].quantization.scale',
    });
  });
  // Issue 13: values that would silently compute garbage (case 17 for TFLite).
  const int8Weight = (scale: number[], zero_point: number[], type: number = TensorType.INT8) =>
    build((m, sg) => {
      m.buffers![1]!.data = new Uint8Array([1, 2, 3, 4]);
      sg.tensors![1]!.type = type;
      sg.tensors![1]!.quantization = { scale, zero_point, quantized_dimension: 0 };
    });
  for (const [what, scale] of [
    ['NaN', Number.NaN],
    ['zero', 0],
    ['infinite', Number.POSITIVE_INFINITY],
    ['negative', -0.5],
  ] as const) {
    it(`a ${what} scale`, () => {
      rejects(int8Weight([scale], [0]), 'bad-quantization', {
        field: 'subgraphs[0].tensors[1].quantization.scale[0]',
        value: 'w',
      });
    });
  }
  it('a zero point outside the range of the tensor type', () => {
    rejects(int8Weight([0.1], [200]), 'bad-quantization', {
      field: 'subgraphs[0].tensors[1].quantization.zero_point[0]',
    });
    rejects(int8Weight([0.1], [-1], TensorType.UINT8), 'bad-quantization', {
      field: 'subgraphs[0].tensors[1].quantization.zero_point[0]',
    });
    expect(readTflite(int8Weight([0.1], [-128])).graph.value('w')!.quant!.zeroPoint[0]).toBe(-128);
  });
  it('consistent per-axis parameters are read as first-class QuantParams', () => {
    const model = readTflite(
      quantized({ scale: [0.5, 0.25, 0.125, 1], zero_point: [0, 1, 2, 3], quantized_dimension: 1 }),
    );
    const q = model.graph.value('w')!.quant!;
    expect(q.axis).toBe(1);
    expect([...q.scale]).toEqual([0.5, 0.25, 0.125, 1]);
    expect([...q.zeroPoint]).toEqual([0, 1, 2, 3]);
  });
});

describe('38: weights that do not fit their input (issue 13: were converted)', () => {
  const weighted = (op: number, x: number[], w: number[], y: number[]) =>
    build((m, sg) => {
      m.operator_codes = [opcode(op)];
      m.buffers![1]!.data = new Uint8Array(4 * w.reduce((a, b) => a * b, 1));
      sg.tensors = [tensor('x', x), tensor('w', w, 1), tensor('y', y)];
      sg.operators = [operator(0, [0, 1, -1], [2])];
    });
  it('FULLY_CONNECTED weights whose rows do not match the input', () => {
    rejects(weighted(BuiltinOperator.FULLY_CONNECTED, [1, 784], [10, 783], [1, 10]), 'shape-mismatch', {
      field: 'subgraphs[0].operators[0].inputs[1]',
      node: 'FULLY_CONNECTED#0',
      value: 'w',
    });
  });
  it('CONV_2D with a filter of the wrong rank or channel count', () => {
    rejects(weighted(BuiltinOperator.CONV_2D, [1, 5, 5, 3], [4, 3, 3, 2], [1, 3, 3, 4]), 'shape-mismatch', {
      field: 'subgraphs[0].operators[0].inputs[1]',
    });
    rejects(weighted(BuiltinOperator.CONV_2D, [1, 5, 5, 3], [4, 9], [1, 3, 3, 4]), 'shape-mismatch');
  });
});

describe('27: sparsity, alignment, nesting, shared sub-tables', () => {
  /** w as a 2x2 CSR matrix holding 2 non-zeros. */
  function sparse(edit: (s: NonNullable<ModelT['subgraphs']>[number]['tensors']) => void = () => {}): Uint8Array {
    return build((m, sg) => {
      sg.tensors![1]!.shape = [2, 2];
      sg.tensors![0]!.shape = [2, 2];
      sg.tensors![2]!.shape = [2, 2];
      m.buffers![1]!.data = floats([5, 7]);
      sg.tensors![1]!.sparsity = {
        traversal_order: [0, 1],
        dim_metadata: [
          { format: DimensionType.DENSE, dense_size: 2 },
          {
            format: DimensionType.SPARSE_CSR,
            dense_size: 0,
            array_segments: { type: 'Int32Vector', value: { values: [0, 1, 2] } },
            array_indices: { type: 'Int32Vector', value: { values: [1, 0] } },
          },
        ],
      };
      edit(sg.tensors);
    });
  }
  it('consistent sparsity densifies to the dense tensor', () => {
    const w = readTflite(sparse()).graph.value('w')!.const!;
    expect([...w.toFloat32()]).toEqual([0, 5, 7, 0]);
  });
  it('dim_metadata count != traversal_order count', () => {
    rejects(
      sparse((t) => t![1]!.sparsity!.dim_metadata!.pop()),
      'bad-sparsity',
      { field: 'subgraphs[0].tensors[1].sparsity', value: 'w' },
    );
  });
  it('segments that do not end at the index count', () => {
    rejects(
      sparse(
        (t) =>
          (t![1]!.sparsity!.dim_metadata![1]!.array_segments = { type: 'Int32Vector', value: { values: [0, 1, 3] } }),
      ),
      'bad-sparsity',
    );
  });
  it('an index outside its dimension', () => {
    rejects(
      sparse(
        (t) =>
          (t![1]!.sparsity!.dim_metadata![1]!.array_indices = {
            type: 'Uint8Vector',
            value: { values: new Uint8Array([1, 9]) },
          }),
      ),
      'bad-sparsity',
    );
  });
  it('a traversal order that is not a permutation', () => {
    rejects(
      sparse((t) => (t![1]!.sparsity!.traversal_order = [0, 0])),
      'bad-sparsity',
    );
  });
  it('a misaligned vector', () => {
    const bytes = encodeModel(tinyModel());
    const at = rootField(bytes, 4); // Model.buffers
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    view.setUint32(at, view.getUint32(at, true) + 2, true);
    rejects(bytes, 'misaligned', { field: 'buffers' });
  });
  it('table nesting deeper than the limit', () => {
    expect(() => decodeModel(encodeModel(tinyModel()), { file: FILE, maxDepth: 3 })).toThrow(
      expect.objectContaining({ code: 'tflite/too-deep', file: FILE }),
    );
  });
  it('many references to one large sub-table exhaust the decode budget instead of the machine', () => {
    const m = tinyModel();
    const big = m.subgraphs![0]!;
    big.tensors = Array.from({ length: 3000 }, (_, i) => tensor(`t${i}`, [1]));
    big.operators = [];
    big.inputs = [0];
    big.outputs = [0];
    const small = (): SubGraphT => ({ tensors: [], inputs: [], outputs: [], operators: [], debug_metadata_index: -1 });
    m.subgraphs = [big, ...Array.from({ length: 400 }, small)];
    const bytes = encodeModel(m);
    // Point every entry of Model.subgraphs at subgraph 0.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const field = rootField(bytes, 2);
    const vec = field + view.getUint32(field, true);
    const n = view.getUint32(vec, true);
    const target = vec + 4 + view.getUint32(vec + 4, true);
    for (let i = 1; i < n; i++) view.setUint32(vec + 4 + 4 * i, target - (vec + 4 + 4 * i), true);
    rejects(bytes, 'too-much-work');
  });
  it('a vector length far past the end of the file', () => {
    const bytes = encodeModel(tinyModel());
    const at = rootField(bytes, 4);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    view.setUint32(at + view.getUint32(at, true), 0x7fff_ffff, true);
    rejects(bytes, 'bad-vector', { field: 'buffers' });
  });
});

describe('every failure is typed', () => {
  it('a string tensor with a lying offset table', () => {
    const bytes = build((m, sg) => {
      sg.tensors![1]!.type = TensorType.STRING;
      sg.tensors![1]!.shape = [1];
      const b = new Uint8Array(16);
      new DataView(b.buffer).setInt32(0, 1, true);
      new DataView(b.buffer).setInt32(4, 12, true);
      new DataView(b.buffer).setInt32(8, 400, true);
      m.buffers![1]!.data = b;
    });
    rejects(bytes, 'bad-string-buffer', { value: 'w' });
  });
});

describe('export: dims beyond int32 (issue 13: 2^32+4 was written as 4)', () => {
  const exportError = (inputShape: number[]) => {
    const m = new Model();
    m.opsetImports.set('', 13);
    let y = m.graph.addInput('x', tensorType('float32', inputShape));
    y = m.graph.addNode({ opType: 'Relu', inputs: [y], outputs: ['y'] }).output();
    m.graph.setOutputs([y]);
    try {
      exportToTflite(m);
    } catch (e) {
      expect(e).toBeInstanceOf(UnsupportedError);
      return e as UnsupportedError;
    }
    throw new Error('exported');
  };
  it('an input dim of 2^32 + 4', () => {
    const e = exportError([1, 2 ** 32 + 4]);
    expect([e.code, e.value, e.field]).toEqual(['tflite/int32-overflow', 'x', 'shape[1]']);
  });
});
