// The CLI as a function (argv in, exit code out), so tests can run it in-process too.
import { readFileSync } from 'node:fs';
import { ConfigError, isEnxutoError } from '@enxuto/ir';
import { COMMANDS, type CommandIO } from './commands/index.js';

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function help(): Promise<string> {
  const commands = await Promise.all(COMMANDS.map((c) => c.load()));
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'enxuto: compress neural networks and ship them to the edge',
    '',
    'usage: enxuto <command> [options]      enxuto <command> --help',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'options: --help, --version. Set ENXUTO_DEBUG=1 to see stack traces.',
    '',
  ].join('\n');
}

/** One line for the user: location and message; the stack only when ENXUTO_DEBUG=1. */
export function describeError(e: unknown, debug: boolean): string {
  const line = isEnxutoError(e) ? e.describe() : `internal error: ${e instanceof Error ? e.message : String(e)}`;
  const first = `enxuto: ${line.split('\n')[0]}\n`;
  return debug && e instanceof Error && e.stack ? `${first}${e.stack}\n` : first;
}

export async function runCli(
  argv: string[],
  io: CommandIO,
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
      io.out(await help());
      return first === undefined ? 1 : 0;
    }
    if (first === '--version' || first === '-v') {
      io.out(`${version()}\n`);
      return 0;
    }
    const entry = COMMANDS.find((c) => c.name === first);
    if (!entry) {
      throw new ConfigError(`unknown command '${first}' (commands: ${COMMANDS.map((c) => c.name).join(', ')})`, {
        code: 'cli/unknown-command',
        field: 'command',
      });
    }
    const command = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(`usage: ${command.usage}\n`);
      return 0;
    }
    return await command.run(rest, io);
  } catch (e) {
    io.err(describeError(e, env.ENXUTO_DEBUG === '1'));
    return 1;
  }
}
