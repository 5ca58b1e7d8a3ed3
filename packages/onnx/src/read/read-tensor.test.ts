// Tensors: every dtype in raw_data and typed fields, and the malformed tensors of BAD_INPUTS 9-11.
import {
  DATA_TYPES,
  FormatError,
  UnsupportedError,
  bitsOf,
  byteLengthOf,
  type DataType,
  DenseTensor,
  Graph,
  Model,
  stringTensor,
  tensorFromBytes,
} from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { modelWithInitializer } from '../../test/proto-builders.js';
import { rng } from '../../test/wire-builders.js';
import { dataTypeToOnnx } from '../dtype-map.js';
import type { TensorProto } from '../schema/messages.js';
import { ModelProtoType } from '../schema/root.js';
import { usesTypedFields } from '../tensor-form.js';
import { writeOnnxBytes } from '../write/write-model.js';
import { readOnnx } from './read-model.js';

function readT(t: TensorProto) {
  return readOnnx(modelWithInitializer(t), { file: 't.onnx' }).graph.value('t')!.const!;
}

function errorOf(fn: () => unknown): FormatError | UnsupportedError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FormatError || e instanceof UnsupportedError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

function decodeInitializer(bytes: Uint8Array): TensorProto {
  const m = ModelProtoType.decode(bytes) as unknown as { graph: { initializer: TensorProto[] } };
  return m.graph.initializer[0]!;
}

describe('every dtype round-trips through raw_data', () => {
  const rand = rng(7);
  for (const dtype of DATA_TYPES) {
    it(dtype, () => {
      const shape = [3, 5];
      const g = new Graph('g');
      let tensor;
      if (dtype === 'string') {
        tensor = stringTensor(
          shape,
          Array.from({ length: 15 }, (_, i) => `s${i}-é`),
        );
      } else {
        const bytes = Uint8Array.from({ length: byteLengthOf(dtype, 15) }, () => Math.floor(rand() * 256));
        tensor = tensorFromBytes(dtype, shape, bytes);
      }
      const v = g.addInitializer('t', tensor);
      g.setOutputs([v]);
      const model = new Model(g);
      const file = writeOnnxBytes(model);
      const proto = decodeInitializer(file);
      expect(proto.dataType).toBe(dataTypeToOnnx(dtype));
      if (dtype === 'string') expect(proto.stringData!.length).toBe(15);
      else expect(proto.rawData!.byteLength).toBe(byteLengthOf(dtype, 15));
      const back = readOnnx(file).graph.value('t')!.const!;
      expect(back.dtype).toBe(dtype);
      expect(back.shape).toEqual(shape);
      if (dtype === 'string')
        expect(back.strings().map((s) => new TextDecoder().decode(s))).toEqual(
          tensor.strings().map((s) => new TextDecoder().decode(s)),
        );
      else expect(Array.from(back.bytes())).toEqual(Array.from(tensor.bytes()));
    });
  }
});

describe('typed data fields are decoded and written back in the same field', () => {
  const MAX = (1n << 63n) - 1n;
  const cases: { dtype: DataType; proto: TensorProto; dims: number[]; values: unknown[]; field: keyof TensorProto }[] =
    [
      {
        dtype: 'float32',
        dims: [3],
        proto: { floatData: [1.5, -2, 3.25] },
        values: [1.5, -2, 3.25],
        field: 'floatData',
      },
      { dtype: 'float64', dims: [2], proto: { doubleData: [1e300, -0.5] }, values: [1e300, -0.5], field: 'doubleData' },
      { dtype: 'complex64', dims: [1], proto: { floatData: [1, -1] }, values: [1, -1], field: 'floatData' },
      { dtype: 'complex128', dims: [1], proto: { doubleData: [2, 3] }, values: [2, 3], field: 'doubleData' },
      {
        dtype: 'int64',
        dims: [3],
        proto: { int64Data: [{ low: -1, high: 0x7fffffff }, { low: 0, high: -0x80000000 }, 5] },
        values: [MAX, -(1n << 63n), 5n],
        field: 'int64Data',
      },
      {
        dtype: 'uint64',
        dims: [1],
        proto: { uint64Data: [{ low: -1, high: -1, unsigned: true }] },
        values: [(1n << 64n) - 1n],
        field: 'uint64Data',
      },
      {
        dtype: 'uint32',
        dims: [2],
        proto: { uint64Data: [4294967295, 7] },
        values: [4294967295, 7],
        field: 'uint64Data',
      },
      {
        dtype: 'int32',
        dims: [2],
        proto: { int32Data: [-2147483648, 2147483647] },
        values: [-2147483648, 2147483647],
        field: 'int32Data',
      },
      { dtype: 'int16', dims: [2], proto: { int32Data: [-32768, 32767] }, values: [-32768, 32767], field: 'int32Data' },
      { dtype: 'uint16', dims: [1], proto: { int32Data: [65535] }, values: [65535], field: 'int32Data' },
      { dtype: 'int8', dims: [3], proto: { int32Data: [-128, 0, 127] }, values: [-128, 0, 127], field: 'int32Data' },
      { dtype: 'uint8', dims: [2], proto: { int32Data: [0, 255] }, values: [0, 255], field: 'int32Data' },
      { dtype: 'bool', dims: [2], proto: { int32Data: [1, 0] }, values: [1, 0], field: 'int32Data' },
      { dtype: 'float16', dims: [2], proto: { int32Data: [0x3c00, 0xc000] }, values: [1, -2], field: 'int32Data' },
      { dtype: 'bfloat16', dims: [1], proto: { int32Data: [0x3fc0] }, values: [1.5], field: 'int32Data' },
      // 4-bit: one int32 entry per packed byte (two elements, low nibble first)
      { dtype: 'int4', dims: [3], proto: { int32Data: [0x8f, 0x07] }, values: [-1, -8, 7], field: 'int32Data' },
      { dtype: 'uint4', dims: [2], proto: { int32Data: [0xf1] }, values: [1, 15], field: 'int32Data' },
      {
        dtype: 'uint2',
        dims: [5],
        proto: { int32Data: [0b11100100, 0b10] },
        values: [0, 1, 2, 3, 2],
        field: 'int32Data',
      },
      {
        dtype: 'float8e4m3fn',
        dims: [2],
        proto: { int32Data: [0x38, 0xb8] },
        values: [0x38, 0xb8],
        field: 'int32Data',
      },
    ];
  for (const c of cases) {
    it(`${c.dtype} in ${c.field}`, () => {
      const file = modelWithInitializer({ dims: c.dims, dataType: dataTypeToOnnx(c.dtype), ...c.proto });
      const t = readOnnx(file).graph.value('t')!.const!;
      expect(t.dtype).toBe(c.dtype);
      expect(usesTypedFields(t)).toBe(true);
      const vals = Array.from(t.values() as ArrayLike<unknown>);
      expect(vals).toEqual(c.values);
      const rewritten = decodeInitializer(writeOnnxBytes(readOnnx(file)));
      expect(rewritten[c.field]).toBeDefined();
      expect(Object.hasOwn(rewritten, 'rawData')).toBe(false);
      expect(
        Array.from(
          readOnnx(writeOnnxBytes(readOnnx(file)))
            .graph.value('t')!
            .const!.bytes(),
        ),
      ).toEqual(Array.from(t.bytes()));
    });
  }
});

describe('NaN, Inf, -0 and subnormal weights survive bit for bit (BAD_INPUTS 17 starts here)', () => {
  const bits = Uint32Array.from([
    0x7fc00000, 0x7f800001, 0xffc00123, 0x7f800000, 0xff800000, 0x80000000, 0x00000001, 0x007fffff,
  ]);
  const raw = new Uint8Array(bits.buffer);
  it('in raw_data', () => {
    const t = readT({ dims: [8], dataType: 1, rawData: raw });
    const again = readOnnx(
      writeOnnxBytes(readOnnx(modelWithInitializer({ dims: [8], dataType: 1, rawData: raw }))),
    ).graph.value('t')!.const!;
    expect(Array.from(new Uint32Array(t.bytes().slice().buffer))).toEqual(Array.from(bits));
    expect(Array.from(new Uint32Array(again.bytes().slice().buffer))).toEqual(Array.from(bits));
  });
  it('in float_data', () => {
    const floats = Array.from(new Float32Array(bits.buffer));
    const file = modelWithInitializer({ dims: [8], dataType: 1, floatData: floats });
    const t = readOnnx(file).graph.value('t')!.const!;
    const v = t.values() as Float32Array;
    expect([Number.isNaN(v[0]), v[3], v[4], Object.is(v[5], -0), v[6]]).toEqual([
      true,
      Infinity,
      -Infinity,
      true,
      2 ** -149,
    ]);
    const again = readOnnx(writeOnnxBytes(readOnnx(file))).graph.value('t')!.const!;
    expect(Buffer.from(again.bytes()).equals(Buffer.from(t.bytes()))).toBe(true);
  });
});

describe('raw_data is a view into the file buffer', () => {
  it('shares the ArrayBuffer at the right offset', () => {
    const raw = Uint8Array.from({ length: 4096 }, (_, i) => i & 0xff);
    const file = modelWithInitializer({ dims: [1024], dataType: 1, rawData: raw });
    const t = readOnnx(file).graph.value('t')!.const!;
    const bytes = t.bytes();
    expect(t).toBeInstanceOf(DenseTensor);
    expect(bytes.buffer).toBe(file.buffer);
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0, 1, 2, 3]);
    const at = bytes.byteOffset;
    file[at] = 99;
    expect(t.bytes()[0]).toBe(99);
  });
});

describe('malformed tensors (BAD_INPUTS 9-11) are refused before allocating', () => {
  const cases: { name: string; t: TensorProto; code: string; field: string }[] = [
    {
      name: 'raw_data too small',
      t: { dims: [4], dataType: 1, rawData: new Uint8Array(12) },
      code: 'onnx/size-mismatch',
      field: 'initializer.raw_data',
    },
    {
      name: 'raw_data too large',
      t: { dims: [4], dataType: 1, rawData: new Uint8Array(20) },
      code: 'onnx/size-mismatch',
      field: 'initializer.raw_data',
    },
    {
      name: 'int4 raw_data not packed',
      t: { dims: [4], dataType: 22, rawData: new Uint8Array(4) },
      code: 'onnx/size-mismatch',
      field: 'initializer.raw_data',
    },
    {
      name: 'negative dim',
      t: { dims: [2, -3], dataType: 1, rawData: new Uint8Array(24) },
      code: 'onnx/bad-dim',
      field: 'initializer.dims',
    },
    {
      name: 'dims [2^62, 2^62]',
      t: {
        dims: [
          { low: 0, high: 1 << 30 },
          { low: 0, high: 1 << 30 },
        ],
        dataType: 1,
        rawData: new Uint8Array(4),
      },
      code: 'onnx/bad-dim',
      field: 'initializer.dims',
    },
    {
      name: 'dims whose product passes 2^53',
      t: { dims: [2 ** 30, 2 ** 30], dataType: 1 },
      code: 'onnx/bad-dim',
      field: 'initializer.dims',
    },
    {
      name: 'huge dims with no data',
      t: { dims: [1 << 30, 64], dataType: 1 },
      code: 'onnx/missing-data',
      field: 'initializer.raw_data',
    },
    {
      name: 'huge dims, few float_data',
      t: { dims: [1 << 30, 64], dataType: 1, floatData: [1, 2] },
      code: 'onnx/size-mismatch',
      field: 'initializer.float_data',
    },
    {
      name: 'data_type missing',
      t: { dims: [1], rawData: new Uint8Array(4) },
      code: 'onnx/bad-dtype',
      field: 'initializer.data_type',
    },
    {
      name: 'data_type UNDEFINED',
      t: { dims: [1], dataType: 0, rawData: new Uint8Array(4) },
      code: 'onnx/bad-dtype',
      field: 'initializer.data_type',
    },
    {
      name: 'data_type unknown (99)',
      t: { dims: [1], dataType: 99, rawData: new Uint8Array(4) },
      code: 'onnx/bad-dtype',
      field: 'initializer.data_type',
    },
    {
      name: 'raw_data and float_data',
      t: { dims: [1], dataType: 1, rawData: new Uint8Array(4), floatData: [1] },
      code: 'onnx/several-data-fields',
      field: 'initializer.float_data',
    },
    {
      name: 'EXTERNAL plus raw_data',
      t: {
        dims: [1],
        dataType: 1,
        rawData: new Uint8Array(4),
        dataLocation: 1,
        externalData: [{ key: 'location', value: 'w.bin' }],
      },
      code: 'onnx/several-data-fields',
      field: 'initializer.raw_data',
    },
    {
      name: 'external_data without EXTERNAL',
      t: { dims: [1], dataType: 1, externalData: [{ key: 'location', value: 'w.bin' }] },
      code: 'onnx/several-data-fields',
      field: 'initializer.external_data',
    },
    {
      name: 'data_location 7',
      t: { dims: [1], dataType: 1, rawData: new Uint8Array(4), dataLocation: 7 },
      code: 'onnx/bad-data-location',
      field: 'initializer.data_location',
    },
    {
      name: 'float tensor in int64_data',
      t: { dims: [1], dataType: 1, int64Data: [1] },
      code: 'onnx/wrong-data-field',
      field: 'initializer.int64_data',
    },
    {
      name: 'string tensor in raw_data',
      t: { dims: [1], dataType: 8, rawData: new Uint8Array(3) },
      code: 'onnx/wrong-data-field',
      field: 'initializer.raw_data',
    },
    {
      name: 'string_data count',
      t: { dims: [3], dataType: 8, stringData: [new Uint8Array(1)] },
      code: 'onnx/size-mismatch',
      field: 'initializer.string_data',
    },
    {
      name: 'complex64 float_data count',
      t: { dims: [2], dataType: 14, floatData: [1, 2, 3] },
      code: 'onnx/size-mismatch',
      field: 'initializer.float_data',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const e = errorOf(() => readT(c.t));
      expect(e).toBeInstanceOf(FormatError);
      expect(e.code).toBe(c.code);
      expect(e.field).toBe(c.field);
      expect(e.value).toBe('t');
      expect(e.file).toBe('t.onnx');
    });
  }

  it('TensorProto.segment is reported as unsupported', () => {
    const e = errorOf(() =>
      readT({ dims: [1], dataType: 1, rawData: new Uint8Array(4), segment: { begin: 0, end: 1 } }),
    );
    expect(e).toBeInstanceOf(UnsupportedError);
    expect(e.message).toMatch(/^unsupported: TensorProto.segment/);
  });

  it('an EXTERNAL tensor without a resolver is unsupported, naming the location', () => {
    const e = errorOf(() =>
      readT({ dims: [1], dataType: 1, dataLocation: 1, externalData: [{ key: 'location', value: 'w.bin' }] }),
    );
    expect(e).toBeInstanceOf(UnsupportedError);
    expect(e.message).toMatch(/external file w\.bin/);
  });

  it('an empty tensor needs no data', () => {
    const t = readT({ dims: [0, 5], dataType: 1 });
    expect([t.size, t.byteLength, bitsOf(t.dtype)]).toEqual([0, 0, 32]);
  });
});
