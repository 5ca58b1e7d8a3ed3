// The command table: `enxuto <name>` dispatches here, and `enxuto --help` lists it. Commands load
// on demand so `enxuto inspect` does not pay for the training and quantization packages.
// Add a command by writing commands/<name>.ts exporting a Command and listing it below.
import type { Command } from './command.js';

export type { Command, CommandIO } from './command.js';

export interface CommandEntry {
  name: string;
  load(): Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'inspect', load: async () => (await import('./inspect.js')).inspectCommand },
  { name: 'convert', load: async () => (await import('./convert.js')).convertCommand },
  { name: 'bench', load: async () => (await import('./bench.js')).benchCommand },
  { name: 'run', load: async () => (await import('./run.js')).runCommand },
  { name: 'eval', load: async () => (await import('./eval.js')).evalCommand },
  { name: 'variants', load: async () => (await import('./variants.js')).variantsCommand },
  { name: 'passes', load: async () => (await import('./passes.js')).passesCommand },
  { name: 'schema', load: async () => (await import('./schema.js')).schemaCommand },
  { name: 'new-pass', load: async () => (await import('./new-pass.js')).newPassCommand },
  { name: 'sweep', load: async () => (await import('./sweep.js')).sweepCommand },
  { name: 'worker', load: async () => (await import('./worker.js')).workerCommand },
  { name: 'serve-edge', load: async () => (await import('./serve-edge.js')).serveEdgeCommand },
];
