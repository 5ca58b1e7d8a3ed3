import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { openDataset } from './open-dataset.js';
import { datasetSpecSchema, parseDatasetSpec } from './specs.js';
import { describeFailure } from './describe-failure.js';

describe('dataset specs', () => {
  it('accept the pipeline-file form and fill in defaults', () => {
    const data = parseYaml(`
calibration: { type: mnist, split: train, count: 256, preprocess: { scale: 255, shape: [1, 1, 28, 28] } }
smoke: { type: random, shape: [1, 3, 8, 8] }
`) as Record<string, unknown>;
    expect(parseDatasetSpec(data.calibration, 'data.calibration')).toEqual({
      type: 'mnist',
      split: 'train',
      validationFraction: 0.1,
      count: 256,
      seed: 0,
      preprocess: { scale: 255, mean: 0, std: 1, layout: 'NCHW', shape: [1, 1, 28, 28] },
    });
    expect(parseDatasetSpec(data.smoke)).toMatchObject({ count: 16, distribution: 'uniform', min: 0, max: 1, seed: 0 });
    const calibration = openDataset(data.calibration, { field: 'data.calibration' });
    expect([...calibration.batches(256)][0]!.shape).toEqual([256, 1, 28, 28]);
  });

  it('name the exact field of a bad spec in a ConfigError', () => {
    const at = (spec: unknown) => describeFailure(() => openDataset(spec, { field: 'data.evaluation' }));
    expect(at({ type: 'mnist-ubyte' })).toMatch(
      /^ConfigError data\/unknown-type \| field data\.evaluation\.type: unknown dataset type "mnist-ubyte"; known types: mnist, mnist-idx, image-folder, npy, random/,
    );
    expect(at('mnist')).toMatch(
      /^ConfigError data\/invalid-spec \| field data\.evaluation: a dataset spec must be an object/,
    );
    expect(at({ type: 'mnist', count: 'many' })).toMatch(
      /^ConfigError data\/invalid-spec \| field data\.evaluation\.count: .*expected number/,
    );
    expect(at({ type: 'mnist', preprocess: { layout: 'CHW' } })).toMatch(
      /field data\.evaluation\.preprocess\.layout: /,
    );
    expect(at({ type: 'mnist', colour: 'rgb' })).toMatch(/field data\.evaluation: Unrecognized key: "colour"/);
    expect(at({ type: 'mnist-idx' })).toMatch(/field data\.evaluation\.images: /);
    expect(at({ type: 'random', shape: [] })).toMatch(/field data\.evaluation\.shape: /);
    expect(() => openDataset({ type: 'npy' })).toThrow(ConfigError);
  });

  it('describe every field, so the JSON Schema documents the pipeline file', () => {
    const schema = z.toJSONSchema(datasetSpecSchema, { io: 'input' }) as { anyOf?: unknown[]; oneOf?: unknown[] };
    type Node = { description?: string; properties?: Record<string, Node> };
    const kinds = (schema.oneOf ?? schema.anyOf)! as Node[];
    expect(kinds).toHaveLength(5);
    const undocumented: string[] = [];
    let checked = 0;
    const visit = (node: Node, path: string) => {
      for (const [name, prop] of Object.entries(node.properties ?? {})) {
        checked++;
        if (!prop.description) undocumented.push(`${path}.${name}`);
        visit(prop, `${path}.${name}`);
      }
    };
    kinds.forEach((kind, i) => visit(kind, `kind${i}`));
    expect(undocumented).toEqual([]);
    // 5 kinds with their own fields plus 4 nested preprocess blocks of 6 fields each.
    expect(checked).toBeGreaterThan(40);
  });
});
