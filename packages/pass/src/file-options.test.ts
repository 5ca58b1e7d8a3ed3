import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fileOption, optionFiles } from './file-options.js';
import { sensitivityOption } from './sensitivity-file.js';

describe('fileOption / optionFiles', () => {
  const schema = z.strictObject({
    sensitivity: sensitivityOption,
    teacher: fileOption('a teacher').optional(),
    student: z.union([z.literal('self'), z.strictObject({ path: fileOption('a student') })]).default('self'),
    extra: z.array(z.strictObject({ file: fileOption('an extra file'), note: z.string() })).default([]),
    name: z.string().default('plain'),
  });

  it('finds every path-valued file field, nested, in unions and arrays, and nothing else', () => {
    const options = schema.parse({
      sensitivity: 's.json',
      student: { path: 'student.onnx' },
      extra: [{ file: 'a.bin', note: 'not a path' }],
      name: 'also not a path',
    });
    expect(optionFiles(schema, options)).toEqual([
      { field: 'sensitivity', path: 's.json' },
      { field: 'student.path', path: 'student.onnx' },
      { field: 'extra.0.file', path: 'a.bin' },
    ]);
  });

  it('a union member given as contents, or an absent option, names no file', () => {
    const contents = {
      schemaVersion: 1,
      method: 'prune',
      metric: 'accuracy',
      model: { path: 'model-inside-the-contents.onnx', sha256: '0' },
      baseline: 1,
      options: {},
      layers: [],
    };
    expect(optionFiles(schema, schema.parse({ sensitivity: contents }))).toEqual([]);
    expect(optionFiles(schema, schema.parse({ teacher: 't.onnx' }))).toEqual([{ field: 'teacher', path: 't.onnx' }]);
  });

  it('says in its description what a relative path is relative to', () => {
    expect(fileOption('a teacher').description).toContain("relative to the pipeline file's folder");
  });
});
