// `enxuto schema`: the JSON Schema of pipeline files, with every built-in pass's options.
import { pipelineJsonSchema } from '@enxuto/pipeline';
import { parseCommandArgs, positionals, type Command } from './command.js';
import { builtinRegistry } from '../builtin-passes.js';

export const schemaCommand: Command = {
  name: 'schema',
  summary: 'print the JSON Schema of pipeline files (for editors)',
  usage: `enxuto schema

  Prints the JSON Schema of pipeline files. Point an editor at it, or add
  "$schema" to a JSON pipeline file, to complete and check pass names and options.`,
  async run(argv, io) {
    const { positionals: pos } = parseCommandArgs('schema', argv, {});
    positionals('schema', pos, []);
    io.out(`${JSON.stringify(pipelineJsonSchema(builtinRegistry()), null, 2)}\n`);
    return 0;
  },
};
