// Sniffing: which format a file is. Signatures first, the extension second; when nothing fits, one
// error says what each format saw.
import { FormatError } from '@enxuto/ir';
import type { FormatMatch, FormatSniffer } from './format.js';
import { onnxSniffer } from './sniff-onnx.js';
import { tfjsSniffer, tfliteSniffer } from './sniff-others.js';

/**
 * The built-in formats, in detection order: the one table of their names, extensions, signatures
 * and write options. Their readers and writers (Node) join it by name in registry.ts.
 */
export const BUILTIN_FORMATS: readonly FormatSniffer[] = [tfliteSniffer, onnxSniffer, tfjsSniffer];

export interface Detection {
  format: string;
  match: FormatMatch;
}

/** The format of a file from its first bytes and its path; throws FormatError listing every verdict. */
export function detectFormat(
  head: Uint8Array,
  path: string,
  sniffers: readonly FormatSniffer[] = BUILTIN_FORMATS,
): Detection {
  const verdicts = sniffers.map((s) => ({ format: s.name, match: s.match(head, path) }));
  const magic = verdicts.find((v) => v.match.match === 'magic');
  if (magic) return magic;
  const ext = verdicts.find((v) => v.match.match === 'extension');
  if (ext) return ext;
  const list = verdicts.map((v) => `${v.format}: ${v.match.reason}`).join('; ');
  throw new FormatError(`unknown model format (${list})`, { code: 'format/unknown', file: path, field: 'format' });
}
