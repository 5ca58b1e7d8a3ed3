// The trial module of `enxuto sweep` and `enxuto worker`: runs a trial's pipeline with the built-in
// passes. Loaded by the trial worker processes; a job never chooses which module runs it.
import { pipelineTrialRunner } from '@enxuto/sweep';
import { builtinRegistry } from './builtin-passes.js';

export const runTrial = pipelineTrialRunner({
  registry: builtinRegistry,
  prepareTraining: async () => (await import('@enxuto/train/node')).initBackend('wasm'),
});
