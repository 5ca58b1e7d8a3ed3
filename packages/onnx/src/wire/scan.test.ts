import { readFileSync } from 'node:fs';
import { FormatError } from '@enxuto/ir';
import { sharedPath } from '@enxuto/test-support';
import { describe, expect, it } from 'vitest';
import { bytes, ld, nested, nestedGroups, rng, str, tag, varint } from '../../test/wire-builders.js';
import { int64ToBigInt } from '../schema/int64.js';
import { readOnnx } from '../read/read-model.js';
import { decodeModelProto } from './decode.js';
import { DEFAULT_WIRE_LIMITS } from './scan.js';

const mnist = readFileSync(sharedPath('models/onnx-mnist-8/mnist.onnx'));

/** Runs `fn`, expecting a FormatError; returns it. */
function formatError(fn: () => unknown): FormatError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FormatError);
    return e as FormatError;
  }
  throw new Error('expected a FormatError');
}

// ModelProto.graph = 7, GraphProto.node = 1, NodeProto.attribute = 5, AttributeProto.g = 6,
// GraphProto.input = 11, ValueInfoProto.type = 2, TypeProto.sequence_type = 4, Sequence.elem_type = 1
const GRAPH_LEVEL = [1, 5, 6];

describe('decodeModelProto on a real model', () => {
  it('decodes mnist.onnx with its known facts', () => {
    const { model, scan } = decodeModelProto(mnist);
    expect(int64ToBigInt(model.irVersion)).toBe(3n);
    expect(model.opsetImport!.map((o) => int64ToBigInt(o.version))).toEqual([8n]);
    expect(model.graph!.node!.length).toBe(12);
    expect(model.graph!.initializer!.map((t) => t.name)).toContain('Parameter193');
    expect(scan.unknownFieldCount).toBe(0);
  });
});

describe('wire scan rejects malformed bytes with a byte offset', () => {
  const cases: { name: string; input: Uint8Array; code: string; offset: number }[] = [
    { name: 'empty file', input: new Uint8Array(0), code: 'onnx/empty', offset: 0 },
    // graph field declares 100 bytes, 2 remain
    {
      name: 'length prefix past the end',
      input: bytes(tag(7, 2), varint(100), [0, 0]),
      code: 'onnx/truncated',
      offset: 1,
    },
    // graph of 4 bytes holding a node whose length (10) runs past the graph's end
    {
      name: 'length past the enclosing message',
      input: bytes(ld(7, [...tag(1, 2), 10, 0, 0]), str(2, 'x')),
      code: 'onnx/bad-length',
      offset: 3,
    },
    { name: 'truncated varint', input: bytes(tag(1, 0), [0x80, 0x80]), code: 'onnx/truncated', offset: 1 },
    {
      name: 'varint of 11 bytes',
      input: bytes(tag(1, 0), Array(10).fill(0xff), [1]),
      code: 'onnx/bad-varint',
      offset: 1,
    },
    { name: 'field number 0', input: bytes([0x02, 0x00]), code: 'onnx/bad-wire', offset: 0 },
    { name: 'wire type 7', input: bytes([0x0f]), code: 'onnx/bad-wire', offset: 0 },
    { name: 'graph sent as a varint', input: bytes(tag(7, 0), [5]), code: 'onnx/bad-wire', offset: 0 },
    { name: 'end-group without start', input: bytes(tag(50, 4)), code: 'onnx/bad-wire', offset: 0 },
    { name: 'group never closed', input: bytes(tag(50, 3), tag(1, 0), [1]), code: 'onnx/truncated', offset: 4 },
    // TensorProto.dims packed with a dangling continuation byte
    {
      name: 'packed varints cut short',
      input: bytes(ld(7, ld(5, [...tag(1, 2), 2, 0x01, 0x80])), str(2, 'x')),
      code: 'onnx/bad-length',
      offset: 7,
    },
    {
      name: 'packed floats not a multiple of 4',
      input: bytes(ld(7, ld(5, [...tag(4, 2), 3, 0, 0, 0]))),
      code: 'onnx/bad-length',
      offset: 6,
    },
    {
      name: 'tag wider than 32 bits',
      input: bytes([0xff, 0xff, 0xff, 0xff, 0x7f]),
      code: 'onnx/bad-varint',
      offset: 0,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const e = formatError(() => decodeModelProto(c.input, { file: 'bad.onnx' }));
      expect(e.code).toBe(c.code);
      expect(e.offset).toBe(c.offset);
      expect(e.file).toBe('bad.onnx');
    });
  }

  it('truncating mnist inside a field fails at that field length prefix', () => {
    // mnist.onnx: graph tag at byte 26, its 3-byte length at 27, graph ends at 26448 where the
    // opset_import field (tag 26448, length 26449) begins.
    expect(mnist[26]).toBe(0x3a);
    for (const cut of [26447, 10_000, 36]) {
      const e = formatError(() => decodeModelProto(mnist.subarray(0, cut)));
      expect(e.code).toBe('onnx/truncated');
      expect(e.offset).toBe(27);
    }
    const e = formatError(() => decodeModelProto(mnist.subarray(0, mnist.length - 1)));
    expect([e.code, e.offset]).toEqual(['onnx/truncated', 26449]);
  });

  it('random bytes give a FormatError with an offset inside the input, or decode cleanly', () => {
    const rand = rng(12345);
    let errors = 0;
    for (let i = 0; i < 300; i++) {
      const input = Uint8Array.from({ length: 1 + Math.floor(rand() * 200) }, () => Math.floor(rand() * 256));
      try {
        decodeModelProto(input);
      } catch (e) {
        expect(e).toBeInstanceOf(FormatError);
        const off = (e as FormatError).offset!;
        expect(off).toBeGreaterThanOrEqual(0);
        expect(off).toBeLessThanOrEqual(input.length);
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(250);
  });
});

describe('nesting depth is bounded without recursion', () => {
  it('10,000 nested If/Loop subgraphs: depth error naming the graph path', () => {
    const deep = nested([], [7, ...Array(10_000).fill(GRAPH_LEVEL).flat()], 1);
    const e = formatError(() => decodeModelProto(deep, { file: 'deep.onnx' }));
    expect(e.code).toBe('onnx/too-deep');
    expect(e.message).toMatch(/graphs nested more than 30 deep/);
    expect(e.field).toMatch(/^ModelProto\.graph\.node\.attribute\.g\.node/);
    expect(e.offset).toBeGreaterThan(0);
  });

  it('10,000 nested unknown groups: depth error', () => {
    const e = formatError(() => decodeModelProto(nestedGroups([], 99, 10_000)));
    expect(e.code).toBe('onnx/too-deep');
    expect(e.message).toMatch(/messages nested more than 96 deep/);
  });

  it('10,000 nested sequence types: depth error', () => {
    const deep = nested([], [7, 11, 2, ...Array(10_000).fill([4, 1]).flat()], 1);
    const e = formatError(() => decodeModelProto(deep));
    expect(e.code).toBe('onnx/too-deep');
  });

  it('the graph limit is exact: 30 levels decode, 31 do not', () => {
    const levels = (n: number) =>
      nested(
        [],
        [
          7,
          ...Array(n - 1)
            .fill(GRAPH_LEVEL)
            .flat(),
        ],
        1,
      );
    const { model } = decodeModelProto(levels(DEFAULT_WIRE_LIMITS.maxGraphDepth));
    let g = model.graph!;
    let depth = 1;
    while (g.node?.[0]?.attribute?.[0]?.g) {
      g = g.node[0].attribute[0].g;
      depth++;
    }
    expect(depth).toBe(30);
    expect(formatError(() => decodeModelProto(levels(31))).code).toBe('onnx/too-deep');
  });

  it('limits can be tightened per call', () => {
    const e = formatError(() => decodeModelProto(mnist, { limits: { maxMessageDepth: 3 } }));
    expect(e.code).toBe('onnx/too-deep');
  });
});

describe('decoding details', () => {
  it('skips and reports unknown fields, including groups', () => {
    const input = bytes(str(2, 'me'), ld(99, [1, 2, 3]), tag(98, 3), tag(1, 0), [1], tag(98, 4), ld(7, str(2, 'g')));
    const { model, scan } = decodeModelProto(input);
    expect(model.producerName).toBe('me');
    expect(model.graph!.name).toBe('g');
    expect(scan.unknownFieldCount).toBe(3);
    expect(scan.unknownFields.map((u) => [u.path, u.field, u.wireType])).toEqual([
      ['ModelProto', 99, 2],
      ['ModelProto', 98, 3],
      ['ModelProto.group98', 1, 0],
    ]);
  });

  it('keeps int64 exact: INT64_MAX / INT64_MIN attributes and UINT64_MAX data', () => {
    const max = (1n << 63n) - 1n;
    const attr = [...str(1, 'ends'), ...tag(3, 0), ...varint(max), ...tag(20, 0), 2];
    const attrMin = [...str(1, 'starts'), ...tag(3, 0), ...varint(1n << 63n), ...tag(20, 0), 2];
    const tensor = [...tag(2, 0), 13, ...tag(11, 2), ...varint(10), ...varint((1n << 64n) - 1n)];
    const input = bytes(ld(7, [...ld(1, [...ld(5, attr), ...ld(5, attrMin)]), ...ld(5, tensor)]));
    const { model } = decodeModelProto(input);
    const [a, b] = model.graph!.node![0]!.attribute!;
    expect(int64ToBigInt(a!.i)).toBe(max);
    expect(int64ToBigInt(b!.i)).toBe(-(1n << 63n));
    expect(int64ToBigInt(model.graph!.initializer![0]!.uint64Data![0], true)).toBe((1n << 64n) - 1n);
  });

  it('raw_data is a view into the file buffer, not a copy', () => {
    const raw = Array.from({ length: 64 }, (_, i) => i);
    const tensor = [...tag(1, 0), 16, ...tag(2, 0), 2, ...str(8, 'w'), ...ld(9, raw)];
    const file = bytes(ld(7, ld(5, tensor)));
    const { model } = decodeModelProto(file);
    const data = model.graph!.initializer![0]!.rawData!;
    expect(data.buffer).toBe(file.buffer);
    expect(data.byteOffset).toBe(file.length - 64);
    file[file.length - 1] = 200; // the view sees writes to the file buffer
    expect(data[63]).toBe(200);
  });

  it('a Node Buffer input is viewed too (shares its ArrayBuffer)', () => {
    const raw = Array.from({ length: 16 }, (_, i) => i + 1);
    const file = Buffer.from(bytes(ld(7, ld(5, [...tag(2, 0), 2, ...ld(9, raw)]))));
    const { model } = decodeModelProto(file);
    const data = model.graph!.initializer![0]!.rawData!;
    expect(data.buffer).toBe(file.buffer);
    expect(Array.from(data)).toEqual(raw);
  });
});

// Issue 13: a name that is not valid UTF-8 would decode to replacement characters (two names could
// merge), and an empty graph input name means "absent" to every node that reads it.
describe('names are valid UTF-8 and graph inputs are named', () => {
  it('refuses invalid UTF-8 in a name, at the byte of its field; free text may hold any bytes', () => {
    // ModelProto.graph (7) > GraphProto.input (11) > ValueInfoProto.name (1) = ff fe
    const e = formatError(() => decodeModelProto(bytes(ld(7, ld(11, ld(1, [0xff, 0xfe])))), { file: 'bad.onnx' }));
    expect([e.code, e.offset, e.file]).toEqual(['onnx/bad-utf8', 4, 'bad.onnx']);
    // GraphProto.doc_string (10) is free text: read as it is.
    expect(decodeModelProto(bytes(ld(7, ld(10, [0xff])))).model.graph!.docString).toBeTypeOf('string');
  });

  it('refuses a graph input with an empty name', () => {
    // ir_version (1) = 8, opset_import (8) { version (2) = 13 }, graph (7) { input (11) { name (1) = '' } }
    const model = bytes(tag(1, 0), varint(8), ld(8, [...tag(2, 0), 13]), ld(7, ld(11, str(1, ''))));
    const e = formatError(() => readOnnx(model, { file: 'bad.onnx' }));
    expect([e.code, e.field]).toEqual(['onnx/empty-name', 'graph.input[0]']);
  });
});
