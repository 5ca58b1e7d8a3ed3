// A trial's key is its work: it changes with the content of what the trial reads (a dataset file,
// a sensitivity file, even at the same size and mtime) and with the pass code, and not with where
// the trial writes.
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { definePass, sensitivityOption } from '@enxuto/pass';
import { createRegistry, parsePipelineConfig, resolvePasses } from '@enxuto/pipeline/node';
import { tempDir } from '@enxuto/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TrialKeys } from './trial-key.js';

const bySensitivity = definePass({
  name: 'by-sensitivity',
  summary: 'a pass with a sensitivity file option',
  options: z.strictObject({ sensitivity: sensitivityOption }),
  async run(model) {
    return { model, changed: false, stats: {} };
  },
});
const registry = createRegistry([bySensitivity]);

let dir: { path: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir('enxuto-trial-key-');
});
afterEach(() => dir.cleanup());

const FIXED_TIME = 1_700_000_000;
function writeFixed(name: string, text: string): void {
  writeFileSync(join(dir.path, name), text);
  utimesSync(join(dir.path, name), FIXED_TIME, FIXED_TIME);
}

function key(outputs = ['out/model.onnx']): string {
  const config = parsePipelineConfig({
    input: 'model.onnx',
    data: { calibration: { type: 'npy', data: 'cal.npy' } },
    passes: [{ type: 'by-sensitivity', options: { sensitivity: 'sens.json' } }],
    outputs,
  });
  // A fresh TrialKeys each time: a coordinator started again hashes the files anew.
  return new TrialKeys(dir.path).of(config, resolvePasses(config, registry));
}

describe('trial keys', () => {
  it('change with the content of the data and option files, not with the outputs', () => {
    writeFixed('model.onnx', 'model-1');
    writeFixed('cal.npy', 'data-1');
    writeFixed('sens.json', 'sens-1');
    const k = key();
    expect(key(['elsewhere/model.onnx'])).toBe(k);
    writeFixed('sens.json', 'sens-2'); // same size, same mtime
    const afterSens = key();
    expect(afterSens).not.toBe(k);
    writeFixed('cal.npy', 'data-2');
    expect(key()).not.toBe(afterSens);
    writeFixed('cal.npy', 'data-1');
    writeFixed('sens.json', 'sens-1');
    expect(key()).toBe(k);
    writeFixed('model.onnx', 'model-2');
    expect(key()).not.toBe(k);
  });
});
