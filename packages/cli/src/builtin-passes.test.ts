// Every built-in pass states whether it changes its input (PassDefinition.inPlace); the ones that
// say they do not must leave the input model byte for byte as it was.
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { readOnnxFile } from '@enxuto/onnx/node';
import { writeOnnxBytes } from '@enxuto/onnx';
import { testPassContext } from '@enxuto/pass/testing';
import { repoRoot, sharedPath } from '@enxuto/test-support';
import { describe, expect, it } from 'vitest';
import { BUILTIN_PASSES, builtinRegistry } from './builtin-passes.js';

describe('built-in passes', () => {
  it('that are not in place leave their input untouched (mnist-8, default options)', async () => {
    const functional = BUILTIN_PASSES.filter((p) => !p.inPlace && p.needs.length === 0);
    expect(functional.map((p) => p.name)).toEqual([
      'quantize-dynamic',
      'quantize-weights',
      'convert-float16',
      'equalize-cross-layer',
      'convert-dtype',
    ]);
    for (const pass of functional) {
      const model = await readOnnxFile(sharedPath('models', 'onnx-mnist-8', 'mnist.onnx'));
      const before = writeOnnxBytes(model);
      const r = await pass.run(model, pass.options.parse({}), testPassContext());
      expect(r.model, pass.name).not.toBe(model);
      expect(Buffer.compare(writeOnnxBytes(model), before), pass.name).toBe(0);
    }
  });

  it('declare their flag explicitly: the passes that edit the model say so', () => {
    const inPlace = BUILTIN_PASSES.filter((p) => p.inPlace).map((p) => p.name);
    expect(inPlace).toEqual([
      'fold-batchnorm',
      'fold-constants',
      'eliminate-dead-code',
      'eliminate-identity',
      'prune-magnitude',
      'prune-nm',
      'prune-obd',
      'prune-channels',
      'store-sparse',
      'distill',
      'finetune',
    ]);
  });

  it('know the package each comes from: its files key the pass cache', () => {
    const registry = builtinRegistry();
    for (const entry of registry.list()) {
      const pkg = JSON.parse(readFileSync(join(entry.packageDir!, 'package.json'), 'utf8')) as { name: string };
      expect(pkg.name, entry.definition.name).toMatch(/^@enxuto\/(passes-[a-z]+|hf)$/);
    }
    expect(registry.entry('fold-batchnorm')!.packageDir).toBe(realpathSync(join(repoRoot, 'packages', 'passes-graph')));
  });
});
