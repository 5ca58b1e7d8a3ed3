// .npy inputs (+ labels) as a Dataset; the first axis is the sample axis. Browser-safe: takes
// bytes; open-dataset.ts reads the files in Node.
import { configError, formatError } from './errors.js';
import { createDataset, elementCount, type Dataset } from '@enxuto/pass';
import { npyToFloat32, npyToFloat64, parseNpy } from './npy.js';
import { applyTensorPlan, MAX_SAMPLE_ELEMENTS, planTensor } from './preprocess.js';
import { MAX_CLASSES, type NpySpec } from './specs.js';

export interface NpyFiles {
  data: Uint8Array;
  dataName: string;
  labels?: Uint8Array;
  labelsName?: string;
}

export function npyDataset(spec: NpySpec, files: NpyFiles, field = 'data'): Dataset {
  const array = parseNpy(files.data, files.dataName, `${field}.data`);
  if (array.shape.length === 0) {
    throw formatError('a 0-d array has no sample axis', {
      code: 'data/bad-shape',
      file: files.dataName,
      field: `${field}.data.shape`,
    });
  }
  const [count, ...sampleShape] = array.shape as [number, ...number[]];
  const perSample = elementCount(sampleShape);
  if (perSample === 0 || perSample > MAX_SAMPLE_ELEMENTS) {
    throw formatError(
      `samples of shape [${sampleShape.join(', ')}] are empty or larger than ${MAX_SAMPLE_ELEMENTS} values`,
      {
        code: 'data/bad-shape',
        file: files.dataName,
        field: `${field}.data.shape`,
      },
    );
  }
  let labels: Int32Array | undefined;
  let numClasses = spec.numClasses;
  if (files.labels) {
    const labelsName = files.labelsName ?? 'labels';
    labels = readLabels(files.labels, labelsName, `${field}.labels`, count, files.dataName);
    const max = labels.reduce((a, b) => Math.max(a, b), -1);
    if (numClasses !== undefined && max >= numClasses) {
      throw formatError(`label ${max} is not below numClasses ${numClasses}`, {
        code: 'data/bad-label',
        file: labelsName,
        field: `${field}.labels`,
      });
    }
    numClasses ??= max + 1;
  }
  const size = spec.count ?? count;
  if (size > count) {
    throw configError(`count ${size} is more than the ${count} samples in ${files.dataName}`, {
      code: 'data/count-too-large',
      field: `${field}.count`,
    });
  }
  const plan = planTensor(spec.preprocess, sampleShape, `${field}.preprocess`);
  return createDataset({
    description: `npy ${files.dataName} (${size} samples)`,
    size,
    shape: plan.shape,
    hasLabels: labels !== undefined,
    ...(labels && numClasses !== undefined ? { numClasses } : {}),
    sample: (i) => {
      const input = applyTensorPlan(npyToFloat32(array, i * perSample, perSample), plan);
      return labels ? { input, label: labels[i]! } : { input };
    },
  });
}

function readLabels(bytes: Uint8Array, file: string, field: string, count: number, dataName: string): Int32Array {
  const array = parseNpy(bytes, file, field);
  const flat = array.shape.length === 1 || (array.shape.length === 2 && array.shape[1] === 1);
  if (!flat) {
    throw formatError(`labels must have shape (N,) or (N, 1), got (${array.shape.join(', ')})`, {
      code: 'data/bad-shape',
      file,
      field: `${field}.shape`,
    });
  }
  if (array.shape[0] !== count) {
    throw formatError(`${array.shape[0]} labels but ${dataName} has ${count} samples`, {
      code: 'data/count-mismatch',
      file,
      field: `${field}.count`,
    });
  }
  const values = npyToFloat64(array, 0, count);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= MAX_CLASSES) {
      throw formatError(`label ${v} is not a class index (an integer in [0, ${MAX_CLASSES}))`, {
        code: 'data/bad-label',
        file,
        field: `${field}[${i}]`,
      });
    }
    labels[i] = v;
  }
  return labels;
}
