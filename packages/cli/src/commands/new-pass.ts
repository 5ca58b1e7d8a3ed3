// `enxuto new-pass <name>`: scaffold a plugin package (package.json, a pass with options, a test).
import { scaffoldPassPackage } from '@enxuto/pipeline/node';
import { parseCommandArgs, positionals, type Command } from './command.js';

export const newPassCommand: Command = {
  name: 'new-pass',
  summary: 'create a plugin package with one pass, its options and a test',
  usage: `enxuto new-pass <namespace/pass-name> [--dir DIR] [--package NAME] [--force]

  <namespace/pass-name>  e.g. acme/prune-sparsegpt (plugin passes are namespaced)
  --dir DIR              folder to create (default: ./<pass-name>)
  --package NAME         npm package name (default: @<namespace>/enxuto-<pass-name>)
  --force                write into a non-empty folder

  Then: cd DIR && npm install && npm run build && npm test. See docs/writing-a-pass.md.`,
  async run(argv, io) {
    const { values, positionals: pos } = parseCommandArgs('new-pass', argv, {
      dir: { type: 'string' },
      package: { type: 'string' },
      force: { type: 'boolean' },
    });
    const [name] = positionals('new-pass', pos, ['name']);
    const r = scaffoldPassPackage(name!, {
      force: values.force ?? false,
      ...(values.dir ? { dir: values.dir } : {}),
      ...(values.package ? { packageName: values.package } : {}),
    });
    io.out(`created ${r.dir}\n${r.files.map((f) => `  ${f}`).join('\n')}\n`);
    return 0;
  },
};
