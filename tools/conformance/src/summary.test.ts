import { describe, expect, it } from 'vitest';
import type { CaseResult } from './check-case.js';
import { BEGIN, compareWithWeb, END, problemKind, replaceSection, summarize, violationsOf } from './summary.js';

const ok = (
  name: string,
  original: CaseResult['original']['status'],
  copy: CaseResult['original']['status'],
): CaseResult => ({
  suite: 'node',
  name,
  read: 'ok',
  write: 'ok',
  stable: true,
  original: { status: original, detail: '' },
  copy: { status: copy, detail: 'x' },
  detail: '',
});

describe('conformance summary', () => {
  it('flags a copy that fails where the original passes, unstable writes and untyped failures', () => {
    expect(violationsOf(ok('a', 'pass', 'pass'))).toEqual([]);
    expect(violationsOf(ok('b', 'fail', 'fail'))).toEqual([]);
    expect(violationsOf(ok('c', 'pass', 'mismatch'))[0]).toMatch(/not the written copy: mismatch/);
    expect(violationsOf({ ...ok('d', 'pass', 'pass'), stable: false })[0]).toMatch(/not stable/);
    expect(violationsOf({ ...ok('e', 'pass', 'pass'), read: 'unsupported', write: 'not-run', copy: null })).toEqual([]);
    expect(
      violationsOf({
        ...ok('f', 'pass', 'pass'),
        read: 'crash',
        write: 'not-run',
        copy: null,
        detail: 'RangeError',
      })[0],
    ).toMatch(/read failed \(crash\): RangeError/);
  });

  it('counts statuses and passing copies', () => {
    const s = summarize([ok('a', 'pass', 'pass'), ok('b', 'pass', 'mismatch'), ok('c', 'fail', 'pass')]);
    expect(s.copyOfPassing).toEqual({ passing: 2, copyPasses: 1 });
    expect(s.copyOnlyPasses).toBe(1);
    expect(s.original).toEqual({ pass: 2, fail: 1 });
    expect(s.violations.map((v) => v.name)).toEqual(['node/b']);
    expect(s.sameOutcome).toEqual({ same: 1, written: 3 });
    expect(s.ortProblems).toEqual({ 'fail: other': 1 });
  });

  it('classifies why onnxruntime fails an original', () => {
    expect(problemKind('fail', 'Error: Unsupported data type: 25')).toBe(
      'fail: data type unsupported by onnxruntime-node',
    );
    expect(problemKind('fail', "Error: Could not find an implementation for Add(6) node with name ''")).toBe(
      'fail: no CPU kernel for this op/type/opset',
    );
    expect(problemKind('skip_nontensor', '')).toMatch(/^skip_nontensor: sequence/);
    expect(problemKind('mismatch', 'y: value[1] 2 vs 3')).toMatch(/^mismatch: /);
  });

  it('compares with the ort-web results by test name', () => {
    const web = [
      { test: 'a', status: 'pass' },
      { test: 'b', status: 'fail' },
      { test: 'c', status: 'pass' },
    ];
    expect(compareWithWeb([ok('a', 'pass', 'pass'), ok('b', 'pass', 'pass'), ok('c', 'fail', 'fail')], web)).toEqual({
      both: 1,
      webOnly: 1,
      nodeOnly: 1,
      compared: 3,
    });
  });

  it('replaces only its own section of the markdown', () => {
    const first = replaceSection('# Conformance\n\nintro\n', 'one');
    expect(first).toBe(`# Conformance\n\nintro\n\n${BEGIN}\none\n${END}\n`);
    const withOther = `${first}\n## Other\nkept\n`;
    const second = replaceSection(withOther, 'two');
    expect(second).toContain(`${BEGIN}\ntwo\n${END}`);
    expect(second).not.toContain('one');
    expect(second).toContain('## Other\nkept');
  });
});
