// @enxuto/hf/node: reading Hugging Face model folders and writing their variants.
export * from './index.js';
export { readHfFolder, type HfFolder } from './node/hf-folder.js';
export { writeVariants, type VariantsOptions, type VariantReport } from './node/write-variants.js';
