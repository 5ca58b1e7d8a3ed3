// A Hugging Face model folder as Transformers.js reads it: config.json and tokenizer files at the
// top, ONNX models in onnx/ (`model.onnx`, `decoder_model_merged.onnx`, ... plus their external
// data). Only regular files are listed: a symlink could point anywhere.
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@enxuto/ir';
import { isVariantFile } from '../dtypes.js';

export interface HfFolder {
  root: string;
  /** Base names of float models in onnx/ (`model` for onnx/model.onnx), variants left out. */
  models: string[];
  /** Top-level regular files (config.json, tokenizer.json, ...), names only. */
  files: string[];
  /** Parsed config.json. */
  config: Record<string, unknown>;
}

function regularFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => lstatSync(join(dir, f)).isFile())
    .sort();
}

export function readHfFolder(root: string, readJson: (path: string) => unknown): HfFolder {
  let top: string[];
  try {
    top = regularFiles(root);
  } catch (cause) {
    throw new ConfigError('not a readable folder', { code: 'hf/not-folder', file: root, cause });
  }
  if (!top.includes('config.json')) {
    throw new ConfigError('no config.json: not a Hugging Face model folder', {
      code: 'hf/no-config',
      file: root,
      field: 'config.json',
    });
  }
  const onnxDir = join(root, 'onnx');
  let models: string[] = [];
  try {
    models = regularFiles(onnxDir)
      .filter((f) => f.endsWith('.onnx') && !isVariantFile(f))
      .map((f) => f.slice(0, -'.onnx'.length));
  } catch {
    // no onnx/ folder: reported below
  }
  if (models.length === 0) {
    throw new ConfigError('no float ONNX model in onnx/ (expected onnx/model.onnx or similar)', {
      code: 'hf/no-model',
      file: onnxDir,
    });
  }
  const config = readJson(join(root, 'config.json'));
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ConfigError('config.json is not a JSON object', {
      code: 'hf/bad-config',
      file: join(root, 'config.json'),
    });
  }
  return { root, models, files: top, config: config as Record<string, unknown> };
}
