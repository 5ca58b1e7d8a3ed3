// BAD_INPUTS case 35 and the pipeline schema: every error names the field and helps fix it.
import { ConfigError } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { createRegistry } from '../registry.js';
import { scaleWeights } from '../test-passes.js';
import { applyOverrides } from './overrides.js';
import { parsePipelineConfig, resolvePasses } from './validate.js';

const registry = createRegistry([scaleWeights]);
const base = { input: 'm.onnx', outputs: ['out.onnx'] };

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('parsePipelineConfig', () => {
  it('fills in defaults', () => {
    const c = parsePipelineConfig({ ...base, passes: ['scale-weights'] });
    expect(c.seed).toBe(0);
    expect(c.gates).toEqual([]);
    expect(c.plugins).toEqual([]);
    expect(c.evaluation).toEqual({ batchSize: 64, latencyRuns: 20, perStep: true });
  });

  it('names an unknown top-level key and its closest match', () => {
    const e = configError(() => parsePipelineConfig({ ...base, ouptuts: [] }, 'p.yaml'));
    expect(e.field).toBe('ouptuts');
    expect(e.message).toMatch(/did you mean outputs/);
    expect(e.file).toBe('p.yaml');
  });

  it('names the field of a wrong type', () => {
    const e = configError(() => parsePipelineConfig({ ...base, seed: 'seven' }));
    expect(e.field).toBe('seed');
    expect(e.message).toMatch(/wrong type/);
  });

  it('checks dataset specs with their own messages', () => {
    const e = configError(() => parsePipelineConfig({ ...base, data: { evaluation: { type: 'mnist-idx' } } }));
    expect(e.field).toMatch(/^data\.evaluation/);
    const e2 = configError(() => parsePipelineConfig({ ...base, data: { evaluation: { type: 'imagenet' } } }));
    expect(e2.message).toMatch(/known types: mnist, mnist-idx/);
  });

  it('rejects a gate without a bound', () => {
    const e = configError(() => parsePipelineConfig({ ...base, gates: [{ metric: 'accuracy' }] }));
    expect(e.field).toBe('gates.0');
  });
});

describe('resolvePasses (case 35)', () => {
  it('lists the known passes for an unknown pass name', () => {
    const c = parsePipelineConfig({ ...base, passes: ['scale-wieghts'] });
    const e = configError(() => resolvePasses(c, registry, 'p.yaml'));
    expect(e.code).toBe('config/unknown-pass');
    expect(e.field).toBe('passes.0');
    expect(e.message).toMatch(/did you mean scale-weights\?/);
    expect(e.message).toMatch(/known passes: scale-weights/);
  });

  it('names the closest option for an unknown option', () => {
    const c = parsePipelineConfig({ ...base, passes: [{ type: 'scale-weights', options: { factr: 2 } }] });
    const e = configError(() => resolvePasses(c, registry));
    expect(e.code).toBe('config/unknown-option');
    expect(e.field).toBe('passes.0.options.factr');
    expect(e.message).toMatch(/did you mean factor\?/);
  });

  it('says which option has the wrong type or is out of range', () => {
    const wrongType = parsePipelineConfig({ ...base, passes: [{ type: 'scale-weights', options: { factor: 'big' } }] });
    const e1 = configError(() => resolvePasses(wrongType, registry));
    expect(e1.field).toBe('passes.0.options.factor');
    expect(e1.message).toMatch(/wrong type/);
    const outOfRange = parsePipelineConfig({ ...base, passes: [{ type: 'scale-weights', options: { factor: 11 } }] });
    const e2 = configError(() => resolvePasses(outOfRange, registry));
    expect(e2.field).toBe('passes.0.options.factor');
    expect(e2.message).toMatch(/out of range/);
    const badEnum = parsePipelineConfig({ ...base, passes: [{ type: 'scale-weights', options: { mode: 'some' } }] });
    expect(configError(() => resolvePasses(badEnum, registry)).field).toBe('passes.0.options.mode');
  });

  it('returns options with defaults applied', () => {
    const c = parsePipelineConfig({
      ...base,
      passes: ['scale-weights', { type: 'scale-weights', options: { factor: 2 } }],
    });
    const r = resolvePasses(c, registry);
    expect(r.map((p) => p.options)).toEqual([
      { factor: 1, mode: 'all' },
      { factor: 2, mode: 'all' },
    ]);
    expect(r[0]!.source).toBe('builtin');
  });
});

describe('--set overrides', () => {
  it('sets a pass option by dotted path, expanding a bare pass name', () => {
    const raw = { ...base, passes: ['scale-weights', { type: 'scale-weights', options: { factor: 2 } }] };
    const out = applyOverrides(raw, [
      'passes.1.options.factor=0.8',
      'passes.0.options.mode=none',
      'seed=7',
    ]) as typeof raw;
    expect(out.passes).toEqual([
      { type: 'scale-weights', options: { mode: 'none' } },
      { type: 'scale-weights', options: { factor: 0.8 } },
    ]);
    expect((out as unknown as { seed: number }).seed).toBe(7);
    expect(raw.passes[0]).toBe('scale-weights'); // the input is not modified
  });

  it('refuses prototype paths and malformed arguments', () => {
    expect(() => applyOverrides(base, ['__proto__.polluted=1'])).toThrow(ConfigError);
    expect(() => applyOverrides(base, ['passes.0.constructor.x=1'])).toThrow(ConfigError);
    expect(() => applyOverrides(base, ['noequals'])).toThrow(/path=value/);
    expect(() => applyOverrides(base, ['outputs.5=x'])).toThrow(/outside the list/);
  });
});
