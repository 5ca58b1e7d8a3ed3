import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';
import { objectiveOf, parseSweepConfig } from './sweep-file.js';

const parse = (extra: Record<string, unknown>) =>
  parseSweepConfig({ pipeline: 'p.yaml', search: { a: [1] }, ...extra }, 'sweep.yaml');

describe('sweep files', () => {
  it('reads objectives, including a reversed metric', () => {
    expect(objectiveOf(parse({}))).toEqual({ metric: 'sizeBytes', direction: 'min' });
    expect(objectiveOf(parse({ objective: { minimize: '-accuracy' } }))).toEqual({
      metric: 'accuracy',
      direction: 'max',
    });
    expect(objectiveOf(parse({ objective: { maximize: 'agreement' } }))).toEqual({
      metric: 'agreement',
      direction: 'max',
    });
    expect(objectiveOf(parse({ objective: { minimize: 'latencyP50Ms' } }))).toEqual({
      metric: 'latencyP50Ms',
      direction: 'min',
    });
  });

  it('names the field of a mistake', () => {
    expect(() => parse({ objective: { minimize: 'speed' } })).toThrowError(
      expect.objectContaining({ code: 'config/invalid', field: 'objective.minimize', file: 'sweep.yaml' }),
    );
    expect(() => parse({ budget: { time: 'soon' } })).toThrowError(expect.objectContaining({ field: 'budget.time' }));
    expect(() => parse({ serach: {} })).toThrow(/unknown key "serach"/);
    expect(() => parse({ search: { 'passes.__proto__.x': [1] } })).toThrowError(
      expect.objectContaining({ code: 'sweep/bad-path', field: 'search.passes.__proto__.x' }),
    );
    expect(() => parseSweepConfig({ pipeline: 'p.yaml' })).toThrow(/either search .* or sensitivity/);
  });

  it('reads durations in seconds, minutes, hours', () => {
    expect(parse({ budget: { time: '10m' }, trialTimeout: 90 }).budget.time).toBe(600);
    expect(parseDuration('2h')).toBe(7200);
    expect(parseDuration('1.5s')).toBe(1.5);
    expect(parseDuration('0s')).toBeUndefined();
    expect(parseDuration('-3')).toBeUndefined();
    expect(formatDuration(3725)).toBe('1h 02m');
    expect(formatDuration(200)).toBe('3m 20s');
  });
});
