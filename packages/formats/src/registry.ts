// The format table (DESIGN.md "Extension points are tables"): the built-in formats of detect.ts
// (names, extensions, signatures, write options) with their Node readers and writers, plus any
// format added with registerFormat.
import { ConfigError } from '@enxuto/ir';
import { BUILTIN_FORMATS } from './detect.js';
import type { FormatSniffer } from './format.js';
import type { FormatHandler } from './handler.js';
import { onnxFormat } from './onnx-handler.js';
import { tfjsFormat } from './tfjs-handler.js';
import { tfliteFormat } from './tflite-handler.js';

// Each built-in format is a FormatHandler over its package's /node reader and writer (reusing the
// entries of BUILTIN_FORMATS). A built-in format without a handler would be 'recognized but not
// registered' (a test checks every one has its handler).
const BUILTIN_HANDLERS: readonly FormatHandler[] = [onnxFormat, tfjsFormat, tfliteFormat];

const handlers = new Map<string, FormatHandler>(BUILTIN_HANDLERS.map((h) => [h.name, h]));

/** Adds (or replaces) the handler of a format. */
export function registerFormat(handler: FormatHandler): void {
  if (!/^[a-z][a-z0-9-]*$/.test(handler.name)) {
    throw new ConfigError(`invalid format name '${handler.name}'`, { code: 'format/bad-name', field: 'name' });
  }
  handlers.set(handler.name, handler);
}

/** Formats that can be read and written now. */
export function listFormats(): FormatHandler[] {
  return [...handlers.values()];
}

/** Sniffers for detection: registered handlers, plus built-in sniffers of formats not registered yet. */
export function allSniffers(): FormatSniffer[] {
  const out: FormatSniffer[] = [...handlers.values()];
  for (const s of BUILTIN_FORMATS) if (!handlers.has(s.name)) out.push(s);
  return out;
}

/** The handler of a format; a ConfigError listing the available ones when it is unknown or not registered. */
export function getFormat(name: string, file?: string): FormatHandler {
  const h = handlers.get(name);
  if (h) return h;
  const known = BUILTIN_FORMATS.some((s) => s.name === name);
  const why = known
    ? `format '${name}' is recognized but its reader/writer is not registered`
    : `unknown format '${name}'`;
  throw new ConfigError(`${why} (available: ${[...handlers.keys()].join(', ')})`, {
    code: known ? 'format/not-registered' : 'format/unknown',
    ...(file !== undefined ? { file } : {}),
    field: 'format',
  });
}
