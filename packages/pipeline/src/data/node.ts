// Node-only data API: opening datasets from files and folders.
export { openDataset } from './open-dataset.js';
export type { OpenDatasetOptions } from './open-dataset.js';
export { DEFAULT_MAX_DATA_BYTES, readDataFile, resolveDataPath } from './read-data-file.js';
export type { DataPathRules, ReadDataFileOptions } from './read-data-file.js';
export { imageFolderDataset, MAX_IMAGE_FILES } from './image-folder.js';
export { decodeImage, imageKind } from './decode-image.js';
export type { DecodedImage } from './decode-image.js';
export { loadMnistPackage } from './load-mnist-package.js';
