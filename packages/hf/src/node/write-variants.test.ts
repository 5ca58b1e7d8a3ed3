import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, opHistogram } from '@enxuto/ir';
import { readOnnxFile } from '@enxuto/onnx/node';
import { testPassContext } from '@enxuto/pass/testing';
import { sharedPath, tempDir } from '@enxuto/test-support';
import { convertDtypePass } from '../passes/convert-dtype.js';
import { withExternalData } from '../config-entries.js';
import { writeVariants } from './write-variants.js';
import type { Dtype } from '../dtypes.js';
import { makeVariant } from '../recipes.js';

const tmp = tempDir('enxuto-variants-');
afterAll(() => tmp.cleanup());
const bert = sharedPath('models/zoo/tiny-bert-hf');

describe('writeVariants', () => {
  it('copies the folder unchanged and adds the requested variants only', async () => {
    const out = join(tmp.path, 'bert');
    const r = await writeVariants(bert, out, { dtypes: ['q4', 'fp16'] });
    expect(r.map((v) => v.file)).toEqual(['model_q4.onnx', 'model_fp16.onnx']);
    expect(readdirSync(join(out, 'onnx')).sort()).toEqual(['model.onnx', 'model_fp16.onnx', 'model_q4.onnx']);
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json']) {
      expect(readFileSync(join(out, f)).equals(readFileSync(join(bert, f))), f).toBe(true);
      expect(statSync(join(out, f)).mode & 0o200, `${f} writable`).toBeTruthy();
    }
    const q4 = readOnnxFile(join(out, 'onnx/model_q4.onnx'));
    expect(opHistogram(q4)['com.microsoft.MatMulNBits']).toBeGreaterThan(0);
    expect(opHistogram(q4)['com.microsoft.GatherBlockQuantized']).toBe(3); // word, position, token type
  }, 120_000);
  it('refuses a non-empty output folder and leaves it alone', async () => {
    const out = join(tmp.path, 'full');
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'x');
    await expect(writeVariants(bert, out, { dtypes: ['q8'] })).rejects.toThrow(/not empty/);
    expect(readdirSync(out)).toEqual(['keep.txt']);
  });
  it('refuses a folder without config.json or without an ONNX model, naming it', async () => {
    const empty = join(tmp.path, 'empty');
    mkdirSync(empty);
    await expect(writeVariants(empty, join(tmp.path, 'o1'))).rejects.toThrow(ConfigError);
    writeFileSync(join(empty, 'config.json'), '{}');
    await expect(writeVariants(empty, join(tmp.path, 'o2'))).rejects.toThrow(/onnx\/model.onnx/);
    expect(existsSync(join(tmp.path, 'o2'))).toBe(false);
  });
  it('refuses an unknown dtype with a typed error naming it and the known ones, writing nothing', async () => {
    const out = join(tmp.path, 'q5');
    const err = await writeVariants(bert, out, { dtypes: ['q4', 'q5' as Dtype] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ code: 'hf/unknown-dtype', value: 'q5', field: 'dtypes' });
    expect((err as Error).message).toMatch(/'q5'.*fp16, q8, int8, uint8, q4, q4f16, bnb4/);
    expect(existsSync(out)).toBe(false);
    const model = readOnnxFile(join(bert, 'onnx/model.onnx'));
    await expect(makeVariant(model, 'int3' as Dtype)).rejects.toMatchObject({
      code: 'hf/unknown-dtype',
      value: 'int3',
    });
  });
});

describe('config entries', () => {
  it('marks files with external data, keeping other entries', () => {
    const c = withExternalData({ model_type: 'gpt2', 'transformers.js_config': { dtype: 'q4' } }, ['model_q4.onnx']);
    expect(c['transformers.js_config']).toEqual({ dtype: 'q4', use_external_data_format: { 'model_q4.onnx': 1 } });
    expect(withExternalData({ a: 1 }, [])).toEqual({ a: 1 });
  });
});

describe('convert-dtype pass', () => {
  it('q8: MatMulInteger for the weights, 8-bit GatherBlockQuantized for the embeddings', async () => {
    const model = readOnnxFile(join(bert, 'onnx/model.onnx'));
    const r = await convertDtypePass.run(model, convertDtypePass.options.parse({ dtype: 'q8' }), testPassContext());
    const ops = opHistogram(r.model);
    expect(ops.MatMulInteger).toBe(12);
    expect(ops['com.microsoft.GatherBlockQuantized']).toBe(3);
  });
});
