// The Node entry for data: validate a spec from a pipeline file and open the dataset it names,
// resolving relative paths against the pipeline file's folder.
import { idxDataset } from './idx-dataset.js';
import { imageFolderDataset } from './image-folder.js';
import { loadMnistPackage } from './load-mnist-package.js';
import { mnistDataset } from './mnist-dataset.js';
import { npyDataset } from './npy-dataset.js';
import { randomDataset } from './random-dataset.js';
import type { Dataset } from '@enxuto/pass';
import { DEFAULT_MAX_DATA_BYTES, readDataFile, resolveDataPath } from './read-data-file.js';
import { parseDatasetSpec } from './specs.js';

export interface OpenDatasetOptions {
  /** Folder relative paths resolve against: the pipeline file's folder (default: cwd). */
  baseDir?: string;
  /** Where the spec sits in the pipeline file, for error messages (default `data`). */
  field?: string;
  /** Largest data file accepted, after decompression (default 1 GiB). */
  maxFileBytes?: number;
}

export function openDataset(spec: unknown, options: OpenDatasetOptions = {}): Dataset {
  const baseDir = options.baseDir ?? process.cwd();
  const field = options.field ?? 'data';
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_DATA_BYTES;
  const s = parseDatasetSpec(spec, field);
  const read = (path: string, at: string) =>
    readDataFile(resolveDataPath(path, baseDir), `${field}.${at}`, { maxBytes });
  switch (s.type) {
    case 'mnist':
      return mnistDataset(s, loadMnistPackage(), field);
    case 'mnist-idx':
      return idxDataset(
        s,
        {
          images: read(s.images, 'images'),
          imagesName: resolveDataPath(s.images, baseDir),
          ...(s.labels ? { labels: read(s.labels, 'labels'), labelsName: resolveDataPath(s.labels, baseDir) } : {}),
        },
        field,
      );
    case 'npy':
      return npyDataset(
        s,
        {
          data: read(s.data, 'data'),
          dataName: resolveDataPath(s.data, baseDir),
          ...(s.labels ? { labels: read(s.labels, 'labels'), labelsName: resolveDataPath(s.labels, baseDir) } : {}),
        },
        field,
      );
    case 'image-folder':
      return imageFolderDataset(s, baseDir, field);
    case 'random':
      return randomDataset(s, field);
  }
}
