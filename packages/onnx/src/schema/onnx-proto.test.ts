import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { sharedPath } from '@enxuto/test-support';
import { describe, expect, it } from 'vitest';
import { onnxSchema } from './onnx-proto.js';
import { onnxRoot } from './root.js';

// Only this test parses a .proto (with the full protobufjs build): the schema module must match it.
const require = createRequire(import.meta.url);
const protobufFull = require('protobufjs') as typeof import('protobufjs');

function parseProto(file: string) {
  const root = protobufFull.parse(readFileSync(sharedPath('schemas/onnx', file), 'utf8')).root;
  root.resolveAll();
  return root;
}

const MESSAGES = [
  'ModelProto',
  'GraphProto',
  'NodeProto',
  'AttributeProto',
  'TensorProto',
  'TensorProto.Segment',
  'SparseTensorProto',
  'ValueInfoProto',
  'TypeProto',
  'TypeProto.Tensor',
  'TypeProto.Sequence',
  'TypeProto.Map',
  'TypeProto.Optional',
  'TypeProto.SparseTensor',
  'TypeProto.Opaque',
  'TensorShapeProto',
  'TensorShapeProto.Dimension',
  'OperatorSetIdProto',
  'FunctionProto',
  'StringStringEntryProto',
  'TrainingInfoProto',
  'TensorAnnotation',
  'DeviceConfigurationProto',
  'NodeDeviceConfigurationProto',
  'ShardingSpecProto',
  'ShardedDimProto',
  'SimpleShardedDimProto',
  'IntIntListEntryProto',
];

describe('ONNX schema module', () => {
  it('is exactly what protobufjs parses from onnx-ml.proto (v1.22.0)', () => {
    const parsed = parseProto('onnx-ml.proto').toJSON({ keepComments: false });
    expect(JSON.parse(JSON.stringify(onnxSchema))).toEqual(JSON.parse(JSON.stringify(parsed)));
  });

  it('holds every field of onnx.proto with the same number and type', () => {
    const plain = parseProto('onnx.proto');
    for (const name of MESSAGES.filter((m) => m !== 'TypeProto.Opaque')) {
      const want = plain.lookupType(`onnx.${name}`);
      const got = onnxRoot.lookupType(`onnx.${name}`);
      for (const f of want.fieldsArray) {
        expect(got.fields[f.name], `${name}.${f.name}`).toBeDefined();
        expect([got.fields[f.name]!.id, got.fields[f.name]!.type, got.fields[f.name]!.repeated]).toEqual([
          f.id,
          f.type,
          f.repeated,
        ]);
      }
    }
  });

  it('defines every message the brief lists', () => {
    for (const name of MESSAGES) expect(() => onnxRoot.lookupType(`onnx.${name}`), name).not.toThrow();
  });

  it('keeps proto2 packing: dims unpacked, float_data packed', () => {
    const t = onnxRoot.lookupType('onnx.TensorProto');
    expect(t.fields.dims!.packed).toBe(false);
    expect(t.fields.floatData!.packed).toBe(true);
    expect(onnxRoot.lookupType('onnx.AttributeProto').fields.ints!.packed).toBe(false);
  });
});
