// Node entry: the passes with model-file options (teacher, student.path) read from disk.
import { resolve } from 'node:path';
import type { PassDefinition } from '@enxuto/pass';
import { readOnnxFile } from '@enxuto/onnx/node';
import { createDistillPass } from './passes/distill.js';
import { finetune } from './passes/finetune.js';

export * from './index.js';

/** `distill` reading teacher / student files (paths relative to the working directory). */
export const distill = createDistillPass(async (path) => readOnnxFile(resolve(path)));

/** Every pass of this package, for the built-in registry (Node: `distill` reads model files). */
export const passes: readonly PassDefinition[] = [distill, finetune];
