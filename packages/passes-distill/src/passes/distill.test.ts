import { writeOnnxBytes } from '@enxuto/onnx';
import { optionFiles } from '@enxuto/pass';
import { initBackend } from '@enxuto/train/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { distill } from './distill.js';
import { finetune } from './finetune.js';
import { mlpModel } from '../graph/mlp.js';
import { argmaxDataset } from '../test-models.js';
import { passes } from '../node.js';
import { testPassContext } from '@enxuto/pass/testing';

beforeAll(async () => {
  await initBackend('cpu');
});

const data = argmaxDataset();

describe('distill pass', () => {
  it('has defaults: a half-width student, T 4, alpha 0.9, zeros kept, epochs chosen on held-out data', () => {
    const o = distill.options.parse({});
    expect(o).toMatchObject({
      student: { widthMultiplier: 0.5 },
      temperature: 4,
      alpha: 0.9,
      keepZeros: true,
      epochs: 30,
      patience: 3,
      validation: 0.1,
      schedule: 'cosine',
      lr: 2e-3,
      features: [],
    });
    expect(distill.needs).toEqual(['data', 'training']);
    expect(finetune.options.parse({})).toMatchObject({ epochs: 10, lr: 1e-4, optimizer: 'adam', patience: 3 });
    expect(passes.map((p) => p.name)).toEqual(['distill', 'finetune']);
  });

  it('rejects bad options', () => {
    expect(() => distill.options.parse({ student: { widthMultiplier: 2 } })).toThrow();
    expect(() => distill.options.parse({ alpha: 1.5 })).toThrow();
    expect(() => distill.options.parse({ temperature: 0 })).toThrow();
    expect(() => distill.options.parse({ studnet: 'self' })).toThrow();
  });

  it('reads only the teacher and student files its options declare, through the context', async () => {
    const teacher = mlpModel({ inputs: 4, hidden: [8], classes: 4, seed: 1 });
    const student = mlpModel({ inputs: 4, hidden: [3], classes: 4, seed: 2 });
    const current = mlpModel({ inputs: 4, hidden: [5], classes: 4, seed: 3 });
    const options = distill.options.parse({
      teacher: 'models/teacher.onnx',
      student: { path: 'models/student.onnx' },
      epochs: 1,
      batchSize: 16,
    });
    expect(optionFiles(distill.options, options)).toEqual([
      { field: 'teacher', path: 'models/teacher.onnx' },
      { field: 'student.path', path: 'models/student.onnx' },
    ]);
    const files = { 'models/teacher.onnx': writeOnnxBytes(teacher), 'models/student.onnx': writeOnnxBytes(student) };
    await expect(
      distill.run(
        current,
        options,
        testPassContext({ data: { training: data }, files: { 'models/teacher.onnx': files['models/teacher.onnx'] } }),
      ),
    ).rejects.toMatchObject({ code: 'pass/undeclared-file', field: 'student.path' });
    const r = await distill.run(current, options, testPassContext({ data: { training: data }, files }));
    expect(r.stats.teacherParameters).toBe(4 * 8 + 8 + 8 * 4 + 4);
    expect(r.stats.studentParameters).toBe(4 * 3 + 3 + 3 * 4 + 4);
    expect(r.model.graph.value('fc0.weight')!.const!.shape).toEqual([4, 3]);
    const before = student.graph.value('fc0.weight')!.const!.values() as Float32Array;
    expect(Array.from(r.model.graph.value('fc0.weight')!.const!.values() as Float32Array)).not.toEqual(
      Array.from(before),
    );
  });
});
