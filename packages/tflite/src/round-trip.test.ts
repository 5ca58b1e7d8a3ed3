// What the IR has no field for comes back on write: sparse storage, string buffers, signatures,
// metadata, duplicate names, extra subgraphs, offset/size buffers, state and intermediates.
import { cloneModel } from '@enxuto/ir';
import { TfliteInterpreter } from '@enxuto/tflite-interpreter';
import { readFileSync } from 'node:fs';
import { sharedPath } from '@enxuto/test-support';
import { describe, expect, it } from 'vitest';
import { floats, opcode, operator, tensor, tinyModel } from '../test/tiny-model.js';
import { EXTRA } from './extras.js';
import { readTflite } from './read.js';
import { decodeModel } from './schema/decode.js';
import { encodeModel } from './schema/encode.js';
import { BuiltinOperator, DimensionType, TensorType, type ModelT } from './schema/schema.generated.js';
import { writeTflite } from './write.js';

const roundTrip = (m: ModelT): ModelT => decodeModel(writeTflite(readTflite(encodeModel(m))));

describe('lossless round trip of TFLite-only data', () => {
  it('a sparse constant stays sparse, and reads as its dense values', () => {
    const m = tinyModel();
    const sg = m.subgraphs![0]!;
    for (const t of sg.tensors!) t.shape = [2, 2];
    m.buffers![1]!.data = floats([5, 7]);
    sg.tensors![1]!.sparsity = {
      traversal_order: [0, 1],
      dim_metadata: [
        { format: DimensionType.DENSE, dense_size: 2 },
        {
          format: DimensionType.SPARSE_CSR,
          dense_size: 0,
          array_segments: { type: 'Uint8Vector', value: { values: new Uint8Array([0, 1, 2]) } },
          array_indices: { type: 'Uint8Vector', value: { values: new Uint8Array([1, 0]) } },
        },
      ],
    };
    const model = readTflite(encodeModel(m));
    expect([...model.graph.value('w')!.const!.toFloat32()]).toEqual([0, 5, 7, 0]);
    const back = decodeModel(writeTflite(model));
    const w = back.subgraphs![0]!.tensors![1]!;
    expect(w.sparsity?.dim_metadata?.[1]?.format).toBe(DimensionType.SPARSE_CSR);
    expect([...new Float32Array(back.buffers![w.buffer]!.data!.slice().buffer)]).toEqual([5, 7]);
  });

  it('string constants keep their TFLite buffer layout', () => {
    const m = tinyModel();
    const sg = m.subgraphs![0]!;
    sg.tensors![1] = { ...tensor('labels', [2], 1), type: TensorType.STRING };
    // x and y take the labels' shape, so the ADD's operands broadcast (BAD_INPUTS 38 is checked).
    sg.tensors![0]!.shape = [2];
    sg.tensors![2]!.shape = [2];
    const enc = new TextEncoder();
    const b = new Uint8Array(4 * 4 + 5);
    const v = new DataView(b.buffer);
    v.setInt32(0, 2, true);
    v.setInt32(4, 16, true);
    v.setInt32(8, 19, true);
    v.setInt32(12, 21, true);
    b.set(enc.encode('cat'), 16);
    b.set(enc.encode('ox'), 19);
    m.buffers![1]!.data = b;
    const model = readTflite(encodeModel(m));
    expect(
      model.graph
        .value('labels')!
        .const!.strings()
        .map((s) => new TextDecoder().decode(s)),
    ).toEqual(['cat', 'ox']);
    const back = decodeModel(writeTflite(model));
    expect([...back.buffers![back.subgraphs![0]!.tensors![1]!.buffer]!.data!]).toEqual([...b]);
  });

  it('signatures, metadata, description and the original opcode order', () => {
    const m = tinyModel();
    m.description = 'made by a test';
    m.operator_codes = [opcode(BuiltinOperator.SUB, 2), opcode(BuiltinOperator.ADD, 1)];
    m.subgraphs![0]!.operators![0]!.opcode_index = 1;
    m.buffers!.push({ data: new TextEncoder().encode('1.14.0\0\0'), offset: 0, size: 0 });
    m.metadata = [{ name: 'min_runtime_version', buffer: 2 }];
    m.signature_defs = [
      {
        signature_key: 'serving_default',
        subgraph_index: 0,
        inputs: [{ name: 'in', tensor_index: 0 }],
        outputs: [{ name: 'out', tensor_index: 2 }],
      },
    ];
    const model = readTflite(encodeModel(m));
    expect(model.metadata.get('min_runtime_version')).toBe('1.14.0');
    expect(model.docString).toBe('made by a test');
    const back = decodeModel(writeTflite(model));
    expect(back.description).toBe('made by a test');
    expect(back.operator_codes!.map((o) => o.builtin_code)).toEqual([BuiltinOperator.SUB, BuiltinOperator.ADD]);
    expect(back.signature_defs).toEqual(m.signature_defs);
    const md = back.metadata![0]!;
    expect(md.name).toBe('min_runtime_version');
    expect(new TextDecoder().decode(back.buffers![md.buffer]!.data!)).toBe('1.14.0\0\0');
  });

  it('empty and duplicate tensor names get unique IR names and come back unchanged', () => {
    const m = tinyModel();
    const t = m.subgraphs![0]!.tensors!;
    t[0]!.name = 'same';
    t[1]!.name = 'same';
    t[2]!.name = '';
    const model = readTflite(encodeModel(m));
    const names = [...model.graph.values()].map((v) => v.name);
    expect(new Set(names).size).toBe(3);
    expect(roundTrip(m).subgraphs![0]!.tensors!.map((x) => x.name)).toEqual(['same', 'same', '']);
  });

  it('WHILE bodies stay separate subgraphs in their original order', () => {
    const m = tinyModel();
    m.operator_codes!.push(opcode(BuiltinOperator.WHILE));
    m.subgraphs![0]!.operators = [
      operator(1, [0], [2], {
        builtin_options: { type: 'WhileOptions', value: { cond_subgraph_index: 2, body_subgraph_index: 1 } },
      }),
    ];
    for (const name of ['body', 'cond']) {
      m.subgraphs!.push({
        name,
        tensors: [tensor(`${name}_a`, [1, 4])],
        inputs: [0],
        outputs: [0],
        operators: [],
        debug_metadata_index: -1,
      });
    }
    const back = roundTrip(m);
    expect(back.subgraphs!.map((s) => s.name)).toEqual(['main', 'body', 'cond']);
    expect(back.subgraphs![0]!.operators![0]!.builtin_options).toEqual({
      type: 'WhileOptions',
      value: { cond_subgraph_index: 2, body_subgraph_index: 1 },
    });
  });

  it('buffers stored after the FlatBuffer (offset/size) are read, and written back inline', () => {
    const m = tinyModel();
    // Encode once with a placeholder of the same width to learn where the data will go.
    m.buffers![1] = { offset: 0xffff_ffff, size: 16 };
    const length = encodeModel(m).length;
    const offset = Math.ceil(length / 16) * 16;
    m.buffers![1] = { offset, size: 16 };
    const head = encodeModel(m);
    expect(head.length).toBe(length);
    const file = new Uint8Array(offset + 16);
    file.set(head);
    file.set(floats([10, 20, 30, 40]), offset);
    const model = readTflite(file);
    expect([...model.graph.value('w')!.const!.toFloat32()]).toEqual([10, 20, 30, 40]);
    const written = writeTflite(model);
    const [y] = TfliteInterpreter.load(written).run([{ data: [1, 1, 1, 1] }]);
    expect([...y!.data]).toEqual([11, 21, 31, 41]);
  });

  it('writes buffers after the FlatBuffer on request (the >2 GiB form), 16-byte aligned', () => {
    const model = readTflite(encodeModel(tinyModel()));
    const file = writeTflite(model, { buffers: 'appended' });
    const m = decodeModel(file);
    const b = m.buffers![1]!;
    expect(b.data).toBeUndefined();
    expect(b.offset % 16).toBe(0);
    expect(b.size).toBe(16);
    expect([...new Float32Array(file.slice(b.offset, b.offset + 16).buffer)]).toEqual([1, 2, 3, 4]);
    expect([...readTflite(file).graph.value('w')!.const!.toFloat32()]).toEqual([1, 2, 3, 4]);
  });

  it('variable state and op intermediates stay bufferless, with their quantization', () => {
    const m = tinyModel();
    const sg = m.subgraphs![0]!;
    sg.tensors!.push({
      ...tensor('state', [1, 4]),
      is_variable: true,
      quantization: { scale: [0.5], zero_point: [3], quantized_dimension: 0 },
    });
    sg.tensors!.push(tensor('scratch', [0]));
    sg.operators![0]!.intermediates = [4];
    const model = readTflite(encodeModel(m));
    const state = model.graph.value('state')!;
    expect(state.extras.get(EXTRA.isVariable)).toBe(true);
    expect(state.quant?.zeroPoint[0]).toBe(3);
    // Scratch tensors are op-internal: kept with the node, not as IR values.
    expect(model.graph.value('scratch')).toBeUndefined();
    expect(model.graph.nodes[0]!.extras.get(EXTRA.intermediates)).toMatchObject([
      { index: 4, tensor: { name: 'scratch', shape: [0] } },
    ]);
    const back = decodeModel(writeTflite(model));
    const tensors = back.subgraphs![0]!.tensors!;
    expect(tensors[3]).toMatchObject({
      name: 'state',
      is_variable: true,
      buffer: 0,
      quantization: { scale: [0.5], zero_point: [3] },
    });
    expect(tensors[4]).toMatchObject({ name: 'scratch', shape: [0], buffer: 0 });
    expect(back.subgraphs![0]!.operators![0]!.intermediates).toEqual([4]);
  });

  it('dynamic dims (shape_signature -1) are unknown in the IR and restored on write', () => {
    const m = tinyModel();
    const x = m.subgraphs![0]!.tensors![0]!;
    x.shape_signature = [-1, 4];
    const model = readTflite(encodeModel(m));
    expect(model.graph.inputs[0]!.shape).toEqual([null, 4]);
    const back = roundTrip(m).subgraphs![0]!.tensors![0]!;
    expect(back.shape).toEqual([1, 4]);
    expect(back.shape_signature).toEqual([-1, 4]);
  });

  it('a cloned model (extras copied as they are) writes the same bytes as the original', () => {
    for (const file of ['trained_lstm.tflite', 'trained_lstm_int8.tflite']) {
      const model = readTflite(readFileSync(sharedPath('models', 'tflite-mnist-lstm', file)));
      const direct = writeTflite(model);
      expect(Buffer.from(writeTflite(cloneModel(model))).equals(Buffer.from(direct)), file).toBe(true);
      const back = decodeModel(direct);
      expect(back.signature_defs?.[0]?.inputs).toEqual([{ name: 'fixed_input', tensor_index: 0 }]);
    }
  });

  it('removing values nothing reads keeps the int8 LSTM intermediates', () => {
    const model = readTflite(readFileSync(sharedPath('models', 'tflite-mnist-lstm', 'trained_lstm_int8.tflite')));
    for (const v of model.graph.initializers())
      if (v.uses().length === 0 && !v.isGraphOutput()) model.graph.removeValue(v);
    const op = decodeModel(writeTflite(model)).subgraphs![0]!;
    const lstm = op.operators![0]!;
    expect(lstm.intermediates).toHaveLength(5);
    expect(op.tensors![lstm.intermediates![4]!]!.name).toBe('effective_hidden_scale_intermediate');
  });
});
