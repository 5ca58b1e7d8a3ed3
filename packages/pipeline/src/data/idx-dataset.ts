// idx images (+ labels) as a Dataset. Browser-safe: takes the (already decompressed) bytes;
// open-dataset.ts reads and gunzips the files in Node.
import { configError, formatError } from './errors.js';
import { createDataset, type Dataset } from '@enxuto/pass';
import { parseIdx } from './idx.js';
import { applyImagePlan, planImage } from './preprocess.js';
import type { MnistIdxSpec } from './specs.js';

export interface IdxFiles {
  images: Uint8Array;
  /** Name of the images file, for errors. */
  imagesName: string;
  labels?: Uint8Array;
  labelsName?: string;
}

export function idxDataset(spec: MnistIdxSpec, files: IdxFiles, field = 'data'): Dataset {
  const images = parseIdx(files.images, files.imagesName, `${field}.images`);
  if (images.dims.length !== 3 && images.dims.length !== 4) {
    throw formatError(
      `images must have rank 3 [count, height, width] or 4 [count, height, width, channels], got rank ${images.dims.length}`,
      {
        code: 'data/bad-shape',
        file: files.imagesName,
        field: `${field}.images.rank`,
      },
    );
  }
  const [count, height, width, channels = 1] = images.dims as [number, number, number, number?];
  if (height === 0 || width === 0 || channels === 0) {
    throw formatError(`images have an empty dimension [${images.dims.join(', ')}]`, {
      code: 'data/bad-shape',
      file: files.imagesName,
      field: `${field}.images.dims`,
    });
  }
  let labels: Uint8Array | undefined;
  if (files.labels) {
    const labelsName = files.labelsName ?? 'labels';
    const parsed = parseIdx(files.labels, labelsName, `${field}.labels`, 1);
    if (parsed.dims[0] !== count) {
      throw formatError(`${parsed.dims[0]} labels but ${files.imagesName} has ${count} images`, {
        code: 'data/count-mismatch',
        file: labelsName,
        field: `${field}.labels.count`,
      });
    }
    const bad = parsed.data.findIndex((l) => l >= spec.numClasses);
    if (bad >= 0) {
      throw formatError(`label ${parsed.data[bad]} is not below numClasses ${spec.numClasses}`, {
        code: 'data/bad-label',
        file: labelsName,
        field: `${field}.labels[${bad}]`,
      });
    }
    labels = parsed.data;
  }
  const size = spec.count ?? count;
  if (size > count) {
    throw configError(`count ${size} is more than the ${count} images in ${files.imagesName}`, {
      code: 'data/count-too-large',
      field: `${field}.count`,
    });
  }
  const plan = planImage(spec.preprocess, { height, width, channels }, `${field}.preprocess`);
  const pixels = height * width * channels;
  return createDataset({
    description: `idx ${files.imagesName} (${size} samples)`,
    size,
    shape: plan.shape,
    hasLabels: labels !== undefined,
    ...(labels ? { numClasses: spec.numClasses } : {}),
    sample: (i) => {
      const data = new Float32Array(pixels);
      const bytes = images.data.subarray(i * pixels, (i + 1) * pixels);
      for (let p = 0; p < pixels; p++) data[p] = bytes[p]! / 255;
      const input = applyImagePlan({ width, height, channels, data }, plan, files.imagesName);
      return labels ? { input, label: labels[i]! } : { input };
    },
  });
}
