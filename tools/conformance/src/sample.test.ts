// A fast deterministic sample of ~100 conformance models, checked in-process (the full run is
// `npm run conformance`). The rules are the issue's: every model reads and writes or fails with a
// typed 'unsupported', writing is stable, and the written copy passes wherever the original does.
import { sharedPath } from '@enxuto/test-support';
import { describe, expect, it } from 'vitest';
import { listCases, sampleCases } from './cases.js';
import { checkCase, type CaseResult } from './check-case.js';
import { summarize, violationsOf } from './summary.js';

const cases = sampleCases(listCases(sharedPath('conformance', 'onnx-backend')), 100);

describe('ONNX conformance sample', () => {
  it('covers all four suites', () => {
    expect(cases.length).toBe(100);
    expect(new Set(cases.map((c) => c.suite))).toEqual(
      new Set(['node', 'simple', 'pytorch-converted', 'pytorch-operator']),
    );
  });

  it('reads, writes stably, and keeps every passing model passing', { timeout: 240_000 }, async () => {
    const results: CaseResult[] = [];
    for (const c of cases) results.push(await checkCase(c));
    const violations = results.flatMap((r) => violationsOf(r).map((v) => `${r.suite}/${r.name}: ${v}`));
    expect(violations).toEqual([]);
    const s = summarize(results);
    // onnxruntime-node passes most of the sample on the original files; the copies match that.
    expect(s.copyOfPassing.passing).toBeGreaterThan(60);
    expect(s.copyOfPassing.copyPasses).toBe(s.copyOfPassing.passing);
    expect(s.read.crash ?? 0).toBe(0);
  });
});
