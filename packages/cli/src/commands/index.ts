// The command table: `enxuto <name>` dispatches here, and `enxuto --help` lists it.
// Add a command by writing commands/<name>.ts exporting a Command and listing it below.
import { benchCommand } from './bench.js';
import type { Command } from './command.js';
import { convertCommand } from './convert.js';
import { evalCommand } from './eval.js';
import { inspectCommand } from './inspect.js';
import { newPassCommand } from './new-pass.js';
import { passesCommand } from './passes.js';
import { runCommand } from './run.js';
import { schemaCommand } from './schema.js';

export type { Command, CommandIO } from './command.js';

export const COMMANDS: readonly Command[] = [
  inspectCommand,
  convertCommand,
  benchCommand,
  runCommand,
  evalCommand,
  passesCommand,
  schemaCommand,
  newPassCommand,
];
