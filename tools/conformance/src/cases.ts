// The conformance corpus: every test folder of the ONNX backend suites, with its data sets.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const SUITES = ['node', 'simple', 'pytorch-converted', 'pytorch-operator'] as const;
export type Suite = (typeof SUITES)[number];

export interface ConformanceCase {
  suite: Suite;
  name: string;
  dir: string;
  /** test_data_set_N folders, in order. */
  dataSets: string[];
}

export function listCases(root: string): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const suite of SUITES) {
    const suiteDir = join(root, suite);
    if (!existsSync(suiteDir)) continue;
    for (const name of readdirSync(suiteDir).sort()) {
      const dir = join(suiteDir, name);
      if (!existsSync(join(dir, 'model.onnx'))) continue;
      const dataSets = readdirSync(dir)
        .filter((d) => /^test_data_set_\d+$/.test(d))
        .sort((a, b) => Number(a.slice(14)) - Number(b.slice(14)))
        .map((d) => join(dir, d));
      cases.push({ suite, name, dir, dataSets });
    }
  }
  return cases;
}

/** A deterministic sample spread over all suites: every k-th case, about `count` in all. */
export function sampleCases(cases: readonly ConformanceCase[], count: number): ConformanceCase[] {
  if (cases.length <= count) return [...cases];
  const step = cases.length / count;
  return Array.from({ length: count }, (_, i) => cases[Math.floor(i * step)]!);
}

/** input_N.pb / output_N.pb files of a data set, by index. */
export function dataFiles(dataSet: string, kind: 'input' | 'output'): string[] {
  return readdirSync(dataSet)
    .filter((f) => f.startsWith(`${kind}_`) && f.endsWith('.pb'))
    .sort((a, b) => Number(a.slice(kind.length + 1, -3)) - Number(b.slice(kind.length + 1, -3)))
    .map((f) => join(dataSet, f));
}
