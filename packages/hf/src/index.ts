// @enxuto/hf: Hugging Face model folders and the dtype variants Transformers.js loads.
// Browser-safe; writing folders is in '@enxuto/hf/node'.
export {
  DTYPES,
  DTYPE_NAMES,
  DEFAULT_DTYPES,
  isDtype,
  checkDtypes,
  variantFileName,
  isVariantFile,
  type Dtype,
} from './dtypes.js';
export { makeVariant, DEFAULT_RECIPE, type RecipeOptions } from './recipes.js';
export { withExternalData } from './config-entries.js';
import type { PassDefinition } from '@enxuto/pass';
import { convertDtypePass } from './passes/convert-dtype.js';

export { convertDtypePass, convertDtypeOptionsSchema } from './passes/convert-dtype.js';

/** The passes this package adds to enxuto's built-in registry. */
export const passes: readonly PassDefinition[] = [convertDtypePass];
