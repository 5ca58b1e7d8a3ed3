// Node entry: the passes with model-file options (teacher, student.path) read from disk.
import { resolve } from 'node:path';
import type { PassDefinition } from '@enxuto/pipeline';
import { readOnnxFile } from '@enxuto/onnx/node';
import { createDistillPass } from './distill-pass.js';
import { finetune } from './finetune-pass.js';

export * from './index.js';

/** `distill` reading teacher / student files (paths relative to the working directory). */
export const distill: PassDefinition = createDistillPass(async (path) =>
  readOnnxFile(resolve(path)),
) as unknown as PassDefinition;

/** Every pass of this package, for a registry (Node). */
export const distillPasses: readonly PassDefinition[] = [distill, finetune];
