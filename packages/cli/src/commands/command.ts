// What a command is to the CLI table, and how it parses its own arguments.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '@enxuto/ir';

export interface CommandIO {
  /** Writes one chunk of text to standard output (callers include the newline). */
  out(text: string): void;
  /** Writes one chunk of text to standard error. */
  err(text: string): void;
  /** True when standard error is a terminal (progress bars); plain lines otherwise. */
  isTTY: boolean;
  /** Fires on Ctrl-C (SIGINT) or SIGTERM, for commands that stop cleanly (`abortable`). */
  signal?: AbortSignal;
}

export interface Command {
  name: string;
  /** One line, shown by `enxuto --help`. */
  summary: string;
  /** Usage and options, shown by `enxuto <name> --help`. */
  usage: string;
  /** Runs the command on the arguments after its name; resolves to the exit code. */
  run(argv: string[], io: CommandIO): Promise<number>;
  /**
   * The command honours `io.signal` (stops, writes nothing, throws an AbortedError). Other
   * commands are ended at once on a signal, after their unfinished temporary files are removed.
   */
  abortable?: boolean;
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** What parseArgs returns for these options (named, so declarations can refer to it). */
export type ParsedArgs<O extends OptionSpec> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>
>;

/** node:util parseArgs, with its TypeErrors turned into ConfigErrors naming the option. */
export function parseCommandArgs<O extends OptionSpec>(command: string, argv: string[], options: O): ParsedArgs<O> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    const msg = (e as Error).message;
    const opt = /'(-{1,2}[\w-]+)/.exec(msg)?.[1];
    throw new ConfigError(`${msg.split('\n')[0]} (see enxuto ${command} --help)`, {
      code: 'cli/bad-argument',
      field: opt ?? 'arguments',
    });
  }
}

/** A whole number option within bounds, or a ConfigError naming it. */
export function intOption(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max = 1_000_000,
): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(`--${name} must be a whole number from ${min} to ${max}, got '${raw}'`, {
      code: 'cli/bad-argument',
      field: `--${name}`,
    });
  }
  return n;
}

/** Exactly `count` positional arguments, or a ConfigError showing the usage line. */
export function positionals(command: string, got: string[], names: string[]): string[] {
  if (got.length !== names.length) {
    throw new ConfigError(
      `expected ${names.map((n) => `<${n}>`).join(' ')}, got ${got.length} argument${got.length === 1 ? '' : 's'} (see enxuto ${command} --help)`,
      { code: 'cli/bad-argument', field: names[Math.min(got.length, names.length - 1)] ?? 'arguments' },
    );
  }
  return got;
}
