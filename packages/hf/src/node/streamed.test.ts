// A model with external data is quantized streamed (changed in place, new weights spilled to a
// scratch file): tiny-gpt2-hf rewritten with external data must give the same q4 weights as the
// in-memory path, with external data and the config entry Transformers.js needs, and load there.
// (The multi-GB case is a benchmark: tools/bench/llm/stream.ts.)
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env, pipeline } from '@huggingface/transformers';
import { LazyTensor } from '@enxuto/ir';
import { readOnnxFile, writeOnnxFile } from '@enxuto/onnx/node';
import { sharedPath, tempDir } from '@enxuto/test-support';
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
  await writeVariants(ext, join(tmp.path, 'streamed'), { dtypes: ['q4'] });
  await writeVariants(gpt2, join(tmp.path, 'memory'), { dtypes: ['q4'] });
}, 300_000);

describe('streamed variants (external data)', () => {
  it('q4 of the external-data model has the same weights as the in-memory q4, in external data', () => {
    const streamed = readOnnxFile(join(tmp.path, 'streamed/onnx/model_q4.onnx'));
    const memory = readOnnxFile(join(tmp.path, 'memory/onnx/model_q4.onnx'));
    const weights = (m: typeof memory) =>
      new Map(m.graph.initializers().map((v) => [v.name, Buffer.from(v.const!.bytes()).toString('base64')]));
    const a = weights(streamed);
    expect(a).toEqual(weights(memory));
    // The quantized weights live in model_q4.onnx_data, and nothing else is left in onnx/.
    const lazy = streamed.graph.initializers().filter((v) => v.const instanceof LazyTensor && v.const.source);
    expect(lazy.length).toBeGreaterThan(10);
    expect(readdirSync(join(tmp.path, 'streamed/onnx')).sort()).toEqual([
      'model.onnx',
      'model.onnx_data',
      'model_q4.onnx',
      'model_q4.onnx_data',
    ]);
    const config = JSON.parse(readFileSync(join(tmp.path, 'streamed/config.json'), 'utf8'));
    expect(config['transformers.js_config'].use_external_data_format).toEqual({ 'model_q4.onnx': 1 });
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
