// @enxuto/ir: the model IR. No I/O, no runtime dependencies.
export * from './errors.js';
export { printable } from './printable.js';
export * from './dtype.js';
export * from './float16.js';
export { concatBytes } from './bytes.js';
export * from './tensor.js';
export { decodeBytes, encodeValues, packSubByte, unpackSubByte } from './tensor-bytes.js';
export * from './quant.js';
export * from './types.js';
export * from './attr.js';
export { Value, type Use } from './value.js';
export { Node } from './node.js';
export { Graph, type NodeSpec, type RemoveOptions } from './graph.js';
export { Model, LocalFunction, functionKey, walkGraphs } from './model.js';
export { cloneGraph, cloneModel } from './clone.js';
export { extractModel, nodeDependencies } from './extract.js';
export { checkModel, findProblems } from './check.js';
export { countParameters, opHistogram, bytesPerDtype } from './stats.js';
export { mulberry32 } from './random.js';
export { createRng, deriveSeed, mix32, permutation, shuffleInPlace, toSeed32, type Rng } from './rng.js';
export { constOf, consumers, onlyUsedBy, soleConsumer } from './lookup.js';
export {
  dropUnusedInitializers,
  eliminateDeadCode,
  type EliminateDeadCodeOptions,
  type EliminateDeadCodeStats,
} from './dead-code.js';
export { reshapeTarget, reversedAxes, transposeValues } from './layout.js';
