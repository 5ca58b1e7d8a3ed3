// What a format is to the registry. Sniffing and the write options' schema are browser-safe (bytes
// in, verdict out); reading and writing files is Node-only and lives in FormatHandler (see node.ts).
import type { WriteOptionsSchema } from './write-options.js';

/** A format's verdict on some bytes: 'magic' (its signature is there), 'extension' (only the name fits), or 'no'. */
export interface FormatMatch {
  match: 'magic' | 'extension' | 'no';
  /** Why, in a few words: shown when no format accepts a file. */
  reason: string;
}

export interface FormatSniffer {
  /** Registry key and `--format` value: 'onnx', 'tfjs', 'tflite'. */
  name: string;
  /** File extensions with the dot, lower case ('.onnx'). A folder format lists '' (no extension). */
  extensions: readonly string[];
  /** Looks at the first bytes of a file (at least HEAD_BYTES when the file is that long) and its path. */
  match(head: Uint8Array, path: string): FormatMatch;
  /** The options its writer takes (`outputs[i].options` of a pipeline), as a strict zod object. */
  writeOptions: WriteOptionsSchema;
}

/** How many leading bytes detectFormat callers should pass. */
export const HEAD_BYTES = 4096;

export function extensionOf(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}

/**
 * The format an output path asks for by its name: the first whose extensions hold the path's
 * (a folder, or a path without extension, asks for a folder format: extension '').
 */
export function formatOfOutputName<F extends Pick<FormatSniffer, 'extensions'>>(
  path: string,
  formats: readonly F[],
  isFolder = false,
): F | undefined {
  const ext = isFolder ? '' : extensionOf(path);
  return formats.find((f) => f.extensions.includes(ext));
}

/** The verdict of a format whose signature is absent: 'extension' when the name still fits. */
export function byExtension(sniffer: Pick<FormatSniffer, 'extensions'>, path: string, why: string): FormatMatch {
  const ext = extensionOf(path);
  if (ext !== '' && sniffer.extensions.includes(ext))
    return { match: 'extension', reason: `${why}, but the extension ${ext} fits` };
  return { match: 'no', reason: why };
}
