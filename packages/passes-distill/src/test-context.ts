// A PassContext for tests: silent, seeded, with the given datasets.
import { createRng, type Dataset, type DataRole, type PassContext } from '@enxuto/pipeline';

export function testContext(data: Partial<Record<DataRole, Dataset>>, seed = 0): PassContext {
  return {
    passName: 'test',
    step: 0,
    logger: { debug() {}, info() {}, warn() {} },
    progress: { update() {} },
    signal: new AbortController().signal,
    throwIfAborted() {},
    rng: createRng(seed),
    seed,
    data,
    dataset(role) {
      const d = data[role];
      if (!d) throw new Error(`no ${role} data in this test`);
      return d;
    },
    runtime: undefined,
    cacheDir: undefined,
  };
}
