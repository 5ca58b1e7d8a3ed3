import { describe, expect, it } from 'vitest';
import { ortSessionOptions } from './ort-session.js';

describe('session options', () => {
  it('map optimization levels and threads to onnxruntime options, logging errors only', () => {
    expect(ortSessionOptions({})).toEqual({ graphOptimizationLevel: 'all', logSeverityLevel: 4 });
    expect(ortSessionOptions({ optimization: 'none', threads: 2 })).toEqual({
      graphOptimizationLevel: 'disabled',
      logSeverityLevel: 4,
      intraOpNumThreads: 2,
    });
    expect(ortSessionOptions({ optimization: 'basic' }).graphOptimizationLevel).toBe('basic');
  });
});
