// The seeded subset of the reader fuzz campaigns that runs in npm test (a few hundred inputs each);
// longer campaigns: npm run fuzz -w @enxuto/formats.
import { FormatError } from '@enxuto/ir';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CAMPAIGNS, typedOrModel } from './campaigns.js';

describe('reader fuzz campaigns (subset)', () => {
  for (const c of CAMPAIGNS) {
    it(`${c.name}: every mutated input gives a checked model or a typed error`, () => {
      fc.assert(c.property() as fc.IPropertyWithHooks<[unknown]>, { numRuns: 150, seed: 1 });
    }, 60_000);
  }

  it('the property fails on an untyped error and holds for a typed one', () => {
    expect(() =>
      typedOrModel(() => {
        throw new TypeError('x is undefined');
      }),
    ).toThrow(TypeError);
    expect(() =>
      typedOrModel(() => {
        throw new FormatError('bad bytes', { code: 'onnx/unknown-field' });
      }),
    ).not.toThrow();
  });
});
