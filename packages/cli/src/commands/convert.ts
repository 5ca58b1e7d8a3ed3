// `enxuto convert <in> <out>`: read into the IR, write in the format the output asks for.
import { readModel, writeModel } from '@enxuto/formats/node';
import { inWriteTransaction } from '@enxuto/io/node';
import { AbortedError } from '@enxuto/ir';
import { positionals, parseCommandArgs, type Command } from './command.js';

export interface ConvertReport {
  input: string;
  inputFormat: string;
  output: string;
  outputFormat: string;
  files: string[];
  bytes: number;
}

export const convertCommand: Command = {
  name: 'convert',
  summary: 'convert a model between formats (through the IR); never overwrites its input',
  abortable: true,
  usage: `enxuto convert <in> <out> [--format <name>] [--force] [--json]

  --format <name>   output format (default: from the output extension)
  --force           write into a non-empty output folder
  --json            print a JSON report (documented in docs/cli.md)`,
  async run(argv, io) {
    const { values, positionals: pos } = parseCommandArgs('convert', argv, {
      format: { type: 'string' },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const [input, output] = positionals('convert', pos, ['in', 'out']) as [string, string];
    const read = await readModel(input);
    // Renamed into place only if no signal came while the files were written.
    const written = await inWriteTransaction(
      () =>
        writeModel(read.model, output, {
          inputs: [input, ...read.files.map((f) => f.path)],
          force: values.force ?? false,
          ...(values.format !== undefined ? { format: values.format } : {}),
        }),
      async () => {
        await new Promise((r) => setImmediate(r));
        if (io.signal?.aborted) throw new AbortedError('conversion stopped (interrupted)', { code: 'aborted' });
      },
    );
    const report: ConvertReport = {
      input,
      inputFormat: read.format,
      output,
      outputFormat: written.format,
      files: written.files,
      bytes: written.bytes,
    };
    io.out(
      values.json
        ? `${JSON.stringify(report, null, 2)}\n`
        : `wrote ${output} (${written.format}, ${written.bytes} bytes) from ${input} (${read.format})\n`,
    );
    return 0;
  },
};
