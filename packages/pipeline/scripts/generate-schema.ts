// Regenerates schema/pipeline.schema.json from the zod schemas:
//   node --import tsx --conditions=source scripts/generate-schema.ts
// (src/config/json-schema.test.ts fails when the committed file is out of date.)
import { writeFileSync } from 'node:fs';
import { pipelineJsonSchema } from '../src/config/json-schema.js';

const file = new URL('../schema/pipeline.schema.json', import.meta.url);
writeFileSync(file, `${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`);
console.log(`wrote ${file.pathname}`);
