// Node: token windows from files. `tokens` is a .npy of ids, or a text file encoded with the
// tokenizer.json found beside the model (its folder, or the folder above an `onnx/` folder, as
// Hugging Face lays models out) unless one is named.
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readDataFile } from '../data/read-data-file.js';
import { configError } from '../data/errors.js';
import { tokensFromNpy, tokensFromText, type TokenWindows } from './tokens.js';

export interface ReadTokensOptions {
  /** Tokens per window for a stream (a 1-D .npy or text). Default 128. */
  window?: number;
  /** tokenizer.json for text; default: found beside `modelPath`. */
  tokenizer?: string;
  modelPath?: string;
}

const MAX_TOKENIZER_BYTES = 64 << 20;

/** The tokenizer.json of a model file: beside it, or in the folder above `onnx/`. */
export function findTokenizer(modelPath: string): string | undefined {
  const dir = dirname(modelPath);
  const candidates = [join(dir, 'tokenizer.json')];
  if (basename(dir) === 'onnx') candidates.push(join(dirname(dir), 'tokenizer.json'));
  return candidates.find((p) => existsSync(p));
}

function readJson(path: string, field: string): unknown {
  const text = new TextDecoder().decode(readDataFile(path, field, { maxBytes: MAX_TOKENIZER_BYTES, gunzip: false }));
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw configError(`not valid JSON: ${(cause as Error).message}`, {
      code: 'lm/bad-tokenizer',
      file: path,
      field,
      cause,
    });
  }
}

export function readTokenWindows(path: string, opts: ReadTokensOptions = {}): TokenWindows {
  const bytes = readDataFile(path, 'tokens');
  if (bytes[0] === 0x93 && bytes[1] === 0x4e) return tokensFromNpy(bytes, path, opts.window);
  const tokenizer = opts.tokenizer ?? (opts.modelPath ? findTokenizer(opts.modelPath) : undefined);
  if (!tokenizer) {
    throw configError('a text file needs a tokenizer: pass --tokenizer <tokenizer.json> (none beside the model)', {
      code: 'lm/no-tokenizer',
      file: path,
      field: 'tokenizer',
    });
  }
  const configPath = join(dirname(tokenizer), 'tokenizer_config.json');
  const config = existsSync(configPath) ? readJson(configPath, 'tokenizer_config') : {};
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  return tokensFromText(text, readJson(tokenizer, 'tokenizer'), config, opts.window ?? 128, path);
}
