// Files named in pass options (fileOption() fields: a sensitivity.json, a teacher model). The
// runner knows them from the options schemas before any pass runs; a host (Node: the pipeline's
// folder and roots; a page: the bytes it was given) hashes each into its step's key and serves
// `ctx.readFile`, which refuses any file the options do not declare.
import { ConfigError } from '@enxuto/ir';
import { type DeclaredFile, declaredFiles } from '../config/paths.js';
import type { ResolvedPass } from '../config/validate.js';

export type { DeclaredFile };

/** Where the files come from: checked and hashed by the host, read on demand. */
export interface OptionFileHost {
  /** sha256 of the file's content (the same bytes `read` returns). */
  hash(f: DeclaredFile): string | Promise<string>;
  read(f: DeclaredFile): Promise<Uint8Array>;
}

/** Content hashes of a pass's files by pipeline field: part of its step key. */
export async function fileHashes(p: ResolvedPass, host: OptionFileHost | undefined): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of declaredFiles(p)) {
    if (!host) throw noHost(f, undefined);
    out[f.field] = await host.hash(f);
  }
  return out;
}

/** `ctx.readFile` of a pass: only the files its options declare. */
export function fileReader(
  p: ResolvedPass,
  host: OptionFileHost | undefined,
  file: string | undefined,
): (path: string, option: string) => Promise<Uint8Array> {
  const declared = declaredFiles(p);
  return async (path, option) => {
    const f = declared.find((d) => d.option === option && d.path === path);
    if (!f) {
      throw new ConfigError(
        `pass ${p.name} read ${path} (${option}), which its options do not declare as a file (fileOption)`,
        { code: 'pass/undeclared-file', field: `passes.${p.index}.options.${option}`, ...(file ? { file } : {}) },
      );
    }
    if (!host) throw noHost(f, file);
    return host.read(f);
  };
}

function noHost(f: DeclaredFile, file: string | undefined): ConfigError {
  return new ConfigError(`${f.path}: this runner reads no files named in pass options`, {
    code: 'pass/no-file-access',
    field: f.field,
    ...(file ? { file } : {}),
  });
}
