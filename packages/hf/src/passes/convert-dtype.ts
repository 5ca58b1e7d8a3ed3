// The recipe of a Transformers.js dtype as one pipeline pass (GPTQ / AWQ 4-bit weights are the
// quantize-gptq / quantize-awq passes, which take calibration data).
import { definePass } from '@enxuto/pass';
import { z } from 'zod';
import { DTYPE_NAMES, DTYPES } from '../dtypes.js';
import { DEFAULT_RECIPE, makeVariant } from '../recipes.js';

export const convertDtypeOptionsSchema = z.strictObject({
  dtype: z
    .enum(DTYPE_NAMES as [keyof typeof DTYPES, ...(keyof typeof DTYPES)[]])
    .default('q4')
    .describe(
      `Transformers.js dtype: ${Object.entries(DTYPES)
        .map(([k, v]) => `${k} (${v.summary})`)
        .join('; ')}`,
    ),
  blockSize: z
    .number()
    .int()
    .min(16)
    .max(4096)
    .default(DEFAULT_RECIPE.blockSize)
    .describe('4-bit weights per scale (a power of two >= 16)'),
  symmetric: z.boolean().default(DEFAULT_RECIPE.symmetric).describe('4-bit blocks without zero points'),
  accuracyLevel: z
    .number()
    .int()
    .min(0)
    .max(4)
    .default(DEFAULT_RECIPE.accuracyLevel)
    .describe('MatMulNBits accuracy_level'),
});

export const convertDtypePass = definePass({
  name: 'convert-dtype',
  summary:
    'the weights and compute of a Transformers.js dtype (fp16, q8, int8, uint8, q4, q4f16, bnb4), as enxuto variants writes them',
  options: convertDtypeOptionsSchema,
  inPlace: false,
  async run(model, options) {
    const { dtype, ...recipe } = options;
    const m = await makeVariant(model, dtype, { ...recipe, method: 'rtn' });
    return { model: m, changed: true, stats: { dtype } };
  },
});
