// Sweep test fixtures: a base pipeline over the shared MNIST model in a temporary folder.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedPath, tempDir } from '@enxuto/test-support';
import { stringify } from 'yaml';

export const WAIT_TRIAL = fileURLToPath(new URL('./wait-trial.mjs', import.meta.url));

/** A folder with base.pipeline.yaml (the given fields over a minimal pipeline) and sweep.yaml. */
export function sweepFolder(pipeline: Record<string, unknown> = {}, sweep: Record<string, unknown> = {}) {
  const dir = tempDir('enxuto-sweep-');
  writeFileSync(
    join(dir.path, 'base.pipeline.yaml'),
    stringify({ input: sharedPath('models', 'onnx-mnist-8', 'mnist.onnx'), outputs: ['out/model.onnx'], ...pipeline }),
  );
  writeFileSync(
    join(dir.path, 'sweep.yaml'),
    stringify({ pipeline: 'base.pipeline.yaml', search: { seed: [0, 1, 2, 3, 4, 5] }, ...sweep }),
  );
  return { ...dir, sweepFile: join(dir.path, 'sweep.yaml') };
}
