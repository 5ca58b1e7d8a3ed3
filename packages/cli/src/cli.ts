// The CLI as a function (argv in, exit code out), so tests can run it in-process too.
import { readFileSync } from 'node:fs';
import { removePendingTemps } from '@enxuto/io/node';
import { AbortedError, ConfigError, isEnxutoError, printable } from '@enxuto/ir';
import { COMMANDS, type Command, type CommandIO } from './commands/index.js';

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
  const line = isEnxutoError(e)
    ? e.describe()
    : printable(`internal error: ${e instanceof Error ? e.message : String(e)}`);
  const first = `enxuto: ${line.split('\n')[0]}\n`;
  return debug && e instanceof Error && e.stack ? `${first}${e.stack}\n` : first;
}

/** Exit codes of the signals the CLI stops on (128 + the signal number, as shells report them). */
export const SIGNAL_EXIT: Readonly<Record<'SIGINT' | 'SIGTERM', number>> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Runs a command with SIGINT/SIGTERM handlers installed: an abortable command gets the signal
 * through `io.signal` and stops cleanly (its AbortedError becomes exit 130/143); any other command,
 * or a second signal, ends the process at once after removing unfinished temporary files.
 */
async function runWithSignals(command: Command, argv: string[], io: CommandIO): Promise<number> {
  const controller = new AbortController();
  let received: keyof typeof SIGNAL_EXIT | undefined;
  const handler = (name: keyof typeof SIGNAL_EXIT) => () => {
    if (!command.abortable || received !== undefined) {
      removePendingTemps();
      io.err('enxuto: interrupted; nothing written\n');
      process.exit(SIGNAL_EXIT[name]);
    }
    received = name;
    controller.abort();
  };
  const onInt = handler('SIGINT');
  const onTerm = handler('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    return await command.run(argv, { ...io, signal: controller.signal });
  } catch (e) {
    if (received !== undefined || e instanceof AbortedError) {
      io.err('enxuto: interrupted; no output or report written\n');
      return SIGNAL_EXIT[received ?? 'SIGINT'];
    }
    throw e;
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
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
    return await runWithSignals(command, rest, io);
  } catch (e) {
    io.err(describeError(e, env.ENXUTO_DEBUG === '1'));
    return 1;
  }
}
