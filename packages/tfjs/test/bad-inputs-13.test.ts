// Issue 13, TF.js side: a name that is empty, not UTF-8, or not valid Unicode (a lone surrogate
// escape) is a typed error naming the field, never a value "absent" (an empty ONNX name) or a
// U+FFFD name. (Dims beyond int32 on export: findInt32Overflow in write.ts, tested elsewhere.)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError } from '@enxuto/ir';
import { sharedPath, tempDir } from '@enxuto/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTfjsModel } from '../src/node.js';

const GRAPH = sharedPath('models', 'tfjs-mnist-graph');
const LAYERS = sharedPath('models', 'tfjs-mnist-layers');

let tmp: { path: string; cleanup: () => void };
beforeEach(() => {
  tmp = tempDir('enxuto-tfjs-names-');
});
afterEach(() => tmp.cleanup());

/** The shared model's folder copied with its model.json text edited. */
function model(folder: string, edit: (json: any) => void): string {
  const json = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8'));
  edit(json);
  writeFileSync(join(tmp.path, 'group1-shard1of1'), readFileSync(join(folder, 'group1-shard1of1')));
  const file = join(tmp.path, 'model.json');
  writeFileSync(file, JSON.stringify(json));
  return file;
}

function refusal(file: string): FormatError {
  try {
    readTfjsModel(file);
  } catch (e) {
    expect(e).toBeInstanceOf(FormatError);
    return e as FormatError;
  }
  throw new Error('the model was read');
}

const layersOf = (json: any) => json.modelTopology.model_config.config.layers;

describe('TF.js names', () => {
  it('model.json bytes that are not UTF-8', () => {
    const file = model(GRAPH, (j) => {
      j.modelTopology.node[0].name = 'MyInpu~';
    });
    const bytes = readFileSync(file);
    bytes[bytes.indexOf('MyInpu~')! + 6] = 0xff;
    writeFileSync(file, bytes);
    expect(refusal(file)).toMatchObject({ code: 'tfjs/bad-utf8', file: 'model.json' });
  });

  it('a graph node named with a lone surrogate', () => {
    const e = refusal(model(GRAPH, (j) => (j.modelTopology.node[0].name = 'x\ud800')));
    expect(e).toMatchObject({ code: 'tfjs/bad-name', field: 'modelTopology.node[0].name' });
  });

  it('an empty layer name (the input would have been named "")', () => {
    const e = refusal(
      model(LAYERS, (j) => {
        layersOf(j)[0].name = '';
        layersOf(j)[0].config.name = '';
      }),
    );
    expect(e).toMatchObject({ code: 'tfjs/bad-name', field: 'layers[0].name' });
  });

  it('a layer named with a lone surrogate', () => {
    const e = refusal(model(LAYERS, (j) => (layersOf(j)[1].name = '\udc00dense')));
    expect(e).toMatchObject({ code: 'tfjs/bad-name', field: 'layers[1].name' });
  });

  it('a weight named with a lone surrogate', () => {
    const e = refusal(model(GRAPH, (j) => (j.weightsManifest[0].weights[0].name = 'Variable\ud83d')));
    expect(e.code).toBe('tfjs/bad-name');
    expect(e.field).toMatch(/weights\[0\]\.name$/);
  });

  it('a surrogate pair (an emoji) is a valid name and is kept', () => {
    const file = model(LAYERS, () => {});
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll('reshape_input', 'in😀'));
    expect(readTfjsModel(file).graph.inputs.map((v) => v.name)).toEqual(['in😀']);
  });
});
