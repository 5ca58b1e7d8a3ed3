// A PassContext for unit tests: silent, seeded, no data, no runtime.
import { createRng, type PassContext } from '@enxuto/pipeline';

export function fakeContext(): PassContext {
  return {
    passName: 'test',
    step: 0,
    logger: { debug() {}, info() {}, warn() {} },
    progress: { update() {} },
    signal: new AbortController().signal,
    throwIfAborted() {},
    rng: createRng(0),
    seed: 0,
    data: {},
    dataset: () => {
      throw new Error('no data in tests');
    },
    runtime: undefined,
    cacheDir: undefined,
  };
}
