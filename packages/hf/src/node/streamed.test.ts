// A model with external data is made into every dtype streamed (changed in place, new weights
// spilled to a scratch file): tiny-gpt2-hf rewritten with external data must give the same models
// as the in-memory path, with external data and the config entry Transformers.js needs, and load there.
// (The multi-GB case is a benchmark: tools/bench/llm/stream.ts.)
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env, pipeline } from '@huggingface/transformers';
import { LazyTensor, type Tensor } from '@enxuto/ir';
import { writeOnnxBytes } from '@enxuto/onnx';
import { readOnnxFile, writeOnnxFile } from '@enxuto/onnx/node';
import { sharedPath, tempDir } from '@enxuto/test-support';
import { DEFAULT_DTYPES, variantFileName } from '../dtypes.js';
import { makeVariant } from '../recipes.js';
import { writeVariants } from './write-variants.js';

const tmp = tempDir('enxuto-hf-stream-');
afterAll(() => tmp.cleanup());
const gpt2 = sharedPath('models/zoo/tiny-gpt2-hf');
const ext = join(tmp.path, 'src-ext');

beforeAll(async () => {
  mkdirSync(join(ext, 'onnx'), { recursive: true });
  for (const f of readdirSync(gpt2)) if (f.endsWith('.json')) copyFileSync(join(gpt2, f), join(ext, f));
  writeOnnxFile(readOnnxFile(join(gpt2, 'onnx/model.onnx')), join(ext, 'onnx/model.onnx'), {
    externalData: { location: 'model.onnx_data' },
  });
  await writeVariants(ext, join(tmp.path, 'streamed'));
  await writeVariants(gpt2, join(tmp.path, 'memory'));
}, 600_000);

describe('streamed variants (external data)', () => {
  it.each(DEFAULT_DTYPES)(
    '%s of the external-data model is the in-memory variant, its weights in external data',
    (dtype) => {
      const file = variantFileName('model', dtype);
      const streamed = readOnnxFile(join(tmp.path, 'streamed/onnx', file));
      // The same graph and the same bytes of every tensor, once the external data is read back in.
      const memory = readOnnxFile(join(tmp.path, 'memory/onnx', file));
      expect(Buffer.from(writeOnnxBytes(streamed)).equals(Buffer.from(writeOnnxBytes(memory)))).toBe(true);
      const lazy = streamed.graph.initializers().filter((v) => v.const instanceof LazyTensor && v.const.source);
      expect(lazy.length).toBeGreaterThan(10);
    },
  );

  it.each(DEFAULT_DTYPES)(
    '%s streamed changes the model itself and sends its large new weights to the store',
    async (dtype) => {
      const model = readOnnxFile(join(gpt2, 'onnx/model.onnx'));
      const original = new Set(model.graph.initializers().map((w) => w.const!));
      const stored = new Set<Tensor>();
      const store = (t: Tensor) => {
        stored.add(t);
        return t;
      };
      const v = await makeVariant(model, dtype, { streaming: { store } });
      expect(v).toBe(model);
      // Every tensor of 4 KiB or more in the result is the source's own or went through the store.
      const large = v.graph.initializers().filter((w) => w.const!.byteLength >= 4096);
      expect(large.filter((w) => stored.has(w.const!)).length).toBeGreaterThan(10);
      for (const w of large) expect(stored.has(w.const!) || original.has(w.const!), w.name).toBe(true);
    },
  );

  it('writes each variant with its own data file, leaves no scratch file and names them in config.json', () => {
    const files = DEFAULT_DTYPES.map((d) => variantFileName('model', d));
    expect(readdirSync(join(tmp.path, 'streamed/onnx')).sort()).toEqual(
      ['model.onnx', 'model.onnx_data', ...files.flatMap((f) => [f, `${f}_data`])].sort(),
    );
    const config = JSON.parse(readFileSync(join(tmp.path, 'streamed/config.json'), 'utf8'));
    expect(config['transformers.js_config'].use_external_data_format).toEqual(
      Object.fromEntries(files.map((f) => [f, 1])),
    );
  });

  it('loads in Transformers.js and generates the same text as the in-memory q4', async () => {
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = `${tmp.path}/`;
    const texts: string[] = [];
    for (const folder of ['streamed', 'memory']) {
      const gen = await pipeline('text-generation', folder, { dtype: 'q4', device: 'cpu' });
      const res = (await gen('import sys\n', { max_new_tokens: 16, do_sample: false })) as { generated_text: string }[];
      texts.push(res[0]!.generated_text);
      await gen.dispose();
    }
    expect(texts[0]!.length).toBeGreaterThan('import sys\n'.length);
    expect(texts[0]).toBe(texts[1]);
  }, 300_000);
});
