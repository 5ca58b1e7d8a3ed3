// Token windows for language-model evaluation and calibration: a .npy of token ids ([rows, L]
// windows, or a [n] stream cut into windows), or text encoded with the model's tokenizer.json.
// Browser-safe: takes bytes and strings; the Node entry reads the files.
import { Tokenizer } from '@huggingface/tokenizers';
import { configError, formatError } from '../data/errors.js';
import { npyToFloat64, parseNpy } from '../data/npy.js';

export interface TokenWindows {
  /** Row-major [rows, length] token ids. */
  ids: Int32Array;
  rows: number;
  length: number;
  description: string;
}

const INTEGER = new Set(['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64']);

/** Non-overlapping windows of `length` tokens over a stream (a short tail is left out). */
export function windowsOf(stream: ArrayLike<number>, length: number, description: string): TokenWindows {
  if (!Number.isInteger(length) || length < 2) {
    throw configError(`window length must be an integer >= 2, got ${length}`, {
      code: 'lm/bad-window',
      field: 'window',
    });
  }
  const rows = Math.floor(stream.length / length);
  if (rows === 0) {
    throw configError(`${description} has ${stream.length} tokens, fewer than one window of ${length}`, {
      code: 'lm/too-short',
      field: 'window',
    });
  }
  const ids = Int32Array.from({ length: rows * length }, (_, i) => stream[i]!);
  return { ids, rows, length, description: `${description}: ${rows} windows of ${length} tokens` };
}

/** Token ids from a .npy: [rows, L] are windows as they are; [n] is cut into windows of `window`. */
export function tokensFromNpy(bytes: Uint8Array, file: string, window?: number): TokenWindows {
  const a = parseNpy(bytes, file, 'tokens');
  if (!INTEGER.has(a.dtype)) {
    throw formatError(`token ids must be integers, ${file} holds ${a.dtype}`, {
      code: 'lm/bad-tokens',
      file,
      field: 'dtype',
    });
  }
  const count = a.shape.reduce((x, y) => x * y, 1);
  const values = npyToFloat64(a, 0, count);
  for (let i = 0; i < count; i++) {
    const v = values[i]!;
    if (v < 0 || v > 2 ** 31 - 1) {
      throw formatError(`token id ${v} at position ${i} is out of range`, {
        code: 'lm/bad-tokens',
        file,
        field: 'data',
      });
    }
  }
  if (a.shape.length === 2 && window === undefined) {
    const [rows, length] = a.shape as [number, number];
    if (length < 2)
      throw formatError('windows need at least 2 tokens', { code: 'lm/bad-tokens', file, field: 'shape' });
    return { ids: Int32Array.from(values), rows, length, description: `${file}: ${rows} windows of ${length} tokens` };
  }
  if (a.shape.length > 2) {
    throw formatError(`token ids must be [n] or [rows, length], got [${a.shape.join(', ')}]`, {
      code: 'lm/bad-tokens',
      file,
      field: 'shape',
    });
  }
  return windowsOf(values, window ?? 128, file);
}

/** Text encoded with a Hugging Face tokenizer.json (and its tokenizer_config.json), cut into windows. */
export function tokensFromText(
  text: string,
  tokenizerJson: unknown,
  tokenizerConfig: unknown,
  window: number,
  description: string,
): TokenWindows {
  const tok = new Tokenizer(tokenizerJson as object, (tokenizerConfig ?? {}) as object);
  const ids = tok.encode(text, { add_special_tokens: false }).ids;
  return windowsOf(ids, window, description);
}
