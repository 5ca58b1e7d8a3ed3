// The Node entry for data: validate a spec from a pipeline file and open the dataset it names.
// Relative paths resolve against the pipeline file's folder, and every path must stay inside that
// folder or a root the pipeline declares (`roots:`), after following symlinks.
import type { Limits } from '@enxuto/io';
import type { CheckedFile } from '@enxuto/io/node';
import { idxDataset } from './idx-dataset.js';
import { imageFolderDataset } from './image-folder.js';
import { loadMnistPackage } from './load-mnist-package.js';
import { mnistDataset } from './mnist-dataset.js';
import { npyDataset } from './npy-dataset.js';
import { type ModelInput, randomDataset } from './random-dataset.js';
import type { Dataset } from '@enxuto/pass';
import { DEFAULT_MAX_DATA_BYTES, readDataFile, resolveDataPath } from './read-data-file.js';
import { parseDatasetSpec } from './specs.js';

export interface OpenDatasetOptions {
  /** Folder relative paths resolve against: the pipeline file's folder (default: cwd). */
  baseDir?: string;
  /**
   * Folders data may be read from (relative to baseDir). A path that resolves outside all of them
   * is refused. The runner always sets them (the pipeline's folder and its `roots:`); a caller that
   * builds specs itself may leave them out to read its own paths anywhere.
   */
  roots?: readonly string[];
  /** Where the spec sits in the pipeline file, for error messages (default `data`). */
  field?: string;
  /** The input that `random` data without a shape takes its shape from. */
  modelInput?: ModelInput;
  /** Largest data file accepted, after decompression (default 1 GiB). */
  maxFileBytes?: number;
  /** Growth limits (gzip inflation). */
  limits?: Limits;
  /** Called with every file the dataset reads (the run protects them from its writes). */
  onFile?: (file: CheckedFile) => void;
}

export function openDataset(spec: unknown, options: OpenDatasetOptions = {}): Dataset {
  const baseDir = options.baseDir ?? process.cwd();
  const rules = { baseDir, roots: options.roots ?? ['/'] };
  const field = options.field ?? 'data';
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_DATA_BYTES;
  const s = parseDatasetSpec(spec, field);
  const where = (path: string, at: string) => resolveDataPath(path, rules, `${field}.${at}`);
  const read = (real: string, at: string) =>
    readDataFile(real, `${field}.${at}`, {
      maxBytes,
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.onFile ? { onFile: options.onFile } : {}),
    });
  switch (s.type) {
    case 'mnist':
      return mnistDataset(s, loadMnistPackage(), field);
    case 'mnist-idx': {
      const images = where(s.images, 'images');
      const labels = s.labels === undefined ? undefined : where(s.labels, 'labels');
      return idxDataset(
        s,
        {
          images: read(images, 'images'),
          imagesName: images,
          ...(labels ? { labels: read(labels, 'labels'), labelsName: labels } : {}),
        },
        field,
      );
    }
    case 'npy': {
      const data = where(s.data, 'data');
      const labels = s.labels === undefined ? undefined : where(s.labels, 'labels');
      return npyDataset(
        s,
        {
          data: read(data, 'data'),
          dataName: data,
          ...(labels ? { labels: read(labels, 'labels'), labelsName: labels } : {}),
        },
        field,
      );
    }
    case 'image-folder':
      return imageFolderDataset(s, rules, field, options.onFile);
    case 'random':
      return randomDataset(s, field, options.modelInput);
  }
}
