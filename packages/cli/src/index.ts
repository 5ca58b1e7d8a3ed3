// @enxuto/cli as a library: the command table (other packages add commands here) and the runner.
export { runCli, describeError, version } from './cli.js';
export { COMMANDS, type Command, type CommandEntry, type CommandIO } from './commands/index.js';
export { intOption, parseCommandArgs, positionals } from './commands/command.js';
export { inspectReport, type InspectReport, type ValueSummary } from './commands/inspect.js';
export type { ConvertReport } from './commands/convert.js';
export { parseShapes, type BenchReport } from './commands/bench.js';
