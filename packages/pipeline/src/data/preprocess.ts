// Turning source pixels/tensors into the exact model input: resize, scale, per-channel
// normalisation, layout and final shape. Shared by every dataset kind.
import { z } from 'zod';
import { configError, formatError } from './errors.js';
import { elementCount } from '@enxuto/pass';
import { hwcToChw, resizeBilinear } from './resize.js';

/** One sample may not hold more values than this (64 MiB of float32). */
export const MAX_SAMPLE_ELEMENTS = 1 << 24;

const dim = z.number().int().positive().max(MAX_SAMPLE_ELEMENTS);

export const layoutSchema = z
  .enum(['NCHW', 'NHWC'])
  .describe('NCHW: channels before height and width (ONNX, PyTorch); NHWC: channels last (TF.js, TFLite)');

const perChannel = (what: string, fallback: number) =>
  z
    .union([z.number().finite(), z.array(z.number().finite()).min(1).max(4096)])
    .default(fallback)
    .describe(`${what}: one number for every channel, or one per channel`);

export const preprocessSchema = z
  .strictObject({
    scale: z
      .number()
      .finite()
      .default(1)
      .describe('multiplies the values first; image pixels start in [0, 1], so 255 gives 0-255 pixels'),
    mean: perChannel('subtracted after scaling', 0),
    std: perChannel('divides after subtracting the mean; must not be 0', 1),
    layout: layoutSchema.default('NCHW'),
    resize: z
      .tuple([dim, dim])
      .optional()
      .describe(
        '[height, width] to resize images to (bilinear); defaults to the size in `shape`, else the source size',
      ),
    shape: z
      .array(z.number().int().min(-1).max(MAX_SAMPLE_ELEMENTS))
      .min(1)
      .max(8)
      .optional()
      .describe(
        'the model input shape; a leading 1 (or -1) is the batch dim and becomes the batch size when batching. ' +
          'Defaults to [C, H, W] (NCHW) or [H, W, C] (NHWC)',
      ),
  })
  .prefault({})
  .describe('how samples become model inputs');

export type Preprocess = z.output<typeof preprocessSchema>;

/** `shape` from a spec without its batch dim. */
export function sampleShapeOf(shape: readonly number[], field: string): number[] {
  const withoutBatch = shape.length >= 2 && (shape[0] === 1 || shape[0] === -1) ? shape.slice(1) : [...shape];
  withoutBatch.forEach((d, i) => {
    if (!Number.isInteger(d) || d < 1) {
      throw configError(
        `dimension ${d} at position ${i + shape.length - withoutBatch.length} must be a positive integer (only a leading batch dim may be -1)`,
        {
          code: 'data/bad-shape',
          field,
        },
      );
    }
  });
  const n = elementCount(withoutBatch);
  if (n > MAX_SAMPLE_ELEMENTS) {
    throw configError(`shape [${shape.join(', ')}] has ${n} values per sample, more than ${MAX_SAMPLE_ELEMENTS}`, {
      code: 'data/shape-too-large',
      field,
    });
  }
  return withoutBatch;
}

function channelValues(value: number | number[], channels: number, field: string): Float32Array {
  const list = typeof value === 'number' ? [value] : value;
  if (list.length !== 1 && list.length !== channels) {
    throw configError(
      `${field.split('.').pop()} has ${list.length} values but the data has ${channels} channel(s); give 1 or ${channels}`,
      { code: 'data/bad-channels', field },
    );
  }
  return Float32Array.from({ length: channels }, (_, c) => list[list.length === 1 ? 0 : c]!);
}

interface Normalisation {
  scale: number;
  mean: Float32Array;
  /** Reciprocal of std, so the hot loop multiplies. */
  invStd: Float32Array;
}

function normalisation(pre: Preprocess, channels: number, field: string): Normalisation {
  const mean = channelValues(pre.mean, channels, `${field}.mean`);
  const std = channelValues(pre.std, channels, `${field}.std`);
  const invStd = new Float32Array(channels);
  std.forEach((s, c) => {
    if (s === 0) throw configError('a std of 0 would divide by zero', { code: 'data/zero-std', field: `${field}.std` });
    invStd[c] = 1 / s;
  });
  // Values that turn every input into one constant, Inf or NaN would make every metric meaningless.
  if (pre.scale === 0 || !Number.isFinite(Math.fround(pre.scale)))
    throw configError(`a scale of ${pre.scale} makes every input the same value or infinite`, {
      code: 'data/bad-preprocess',
      field: `${field}.scale`,
    });
  for (let c = 0; c < channels; c++) {
    const ends = [0, pre.scale].map((x) => Math.fround((Math.fround(x) - mean[c]!) * invStd[c]!));
    if (!ends.every(Number.isFinite))
      throw configError(`mean and std make channel ${c} infinite in float32`, {
        code: 'data/bad-preprocess',
        field: `${field}.std`,
      });
  }
  return { scale: pre.scale, mean, invStd };
}

/** Apply scale, mean and std in place to channel-last (HWC) data. */
function normaliseChannelsLast(data: Float32Array, channels: number, n: Normalisation): void {
  for (let i = 0; i < data.length; i++) {
    const c = i % channels;
    data[i] = (data[i]! * n.scale - n.mean[c]!) * n.invStd[c]!;
  }
}

/** Apply scale, mean and std in place to channel-first (CHW) data. */
function normaliseChannelsFirst(data: Float32Array, channels: number, n: Normalisation): void {
  const plane = data.length / channels;
  for (let i = 0; i < data.length; i++) {
    const c = Math.floor(i / plane);
    data[i] = (data[i]! * n.scale - n.mean[c]!) * n.invStd[c]!;
  }
}

/** A decoded image: HWC floats in [0, 1]. */
export interface RawImage {
  width: number;
  height: number;
  channels: number;
  data: Float32Array;
}

export interface ImagePlan {
  height: number;
  width: number;
  channels: number;
  layout: 'NCHW' | 'NHWC';
  norm: Normalisation;
  /** Per-sample output shape (no batch dim). */
  shape: number[];
}

/**
 * Fix the output of an image dataset. `native` is the source image size when all images share
 * one (MNIST) or the first image's size (folders); it is used only when neither `resize` nor a
 * rank-3 `shape` says otherwise.
 */
export function planImage(
  pre: Preprocess,
  native: { height: number; width: number; channels: number },
  field = 'preprocess',
): ImagePlan {
  const channels = native.channels;
  let size: [number, number] = pre.resize ?? [native.height, native.width];
  let shape: number[] | undefined;
  if (pre.shape) {
    shape = sampleShapeOf(pre.shape, `${field}.shape`);
    if (shape.length === 3) {
      const [c, h, w] = pre.layout === 'NCHW' ? shape : [shape[2]!, shape[0]!, shape[1]!];
      if (c !== channels) {
        throw configError(
          `shape [${pre.shape.join(', ')}] has ${c} channel(s) (${pre.layout}) but the images have ${channels}`,
          {
            code: 'data/bad-channels',
            field: `${field}.shape`,
          },
        );
      }
      if (pre.resize && (pre.resize[0] !== h || pre.resize[1] !== w)) {
        throw configError(`resize [${pre.resize.join(', ')}] disagrees with shape [${pre.shape.join(', ')}]`, {
          code: 'data/bad-shape',
          field: `${field}.resize`,
        });
      }
      size = [h!, w!];
    }
  }
  const values = size[0] * size[1] * channels;
  if (values > MAX_SAMPLE_ELEMENTS) {
    throw configError(`${size[0]}x${size[1]}x${channels} images have more than ${MAX_SAMPLE_ELEMENTS} values`, {
      code: 'data/shape-too-large',
      field: `${field}.resize`,
    });
  }
  const natural = pre.layout === 'NCHW' ? [channels, size[0], size[1]] : [size[0], size[1], channels];
  if (shape && elementCount(shape) !== values) {
    throw configError(
      `shape [${pre.shape!.join(', ')}] holds ${elementCount(shape)} values per sample but ${natural.join('x')} images give ${values}`,
      {
        code: 'data/shape-mismatch',
        field: `${field}.shape`,
      },
    );
  }
  return {
    height: size[0],
    width: size[1],
    channels,
    layout: pre.layout,
    norm: normalisation(pre, channels, field),
    shape: shape ?? natural,
  };
}

/** Image -> model input for one sample. `file` names the source in errors. */
export function applyImagePlan(image: RawImage, plan: ImagePlan, file?: string): Float32Array {
  if (image.channels !== plan.channels) {
    throw formatError(`image has ${image.channels} channel(s), expected ${plan.channels}`, {
      code: 'data/bad-channels',
      ...(file ? { file } : {}),
    });
  }
  let data =
    image.height === plan.height && image.width === plan.width
      ? Float32Array.from(image.data)
      : resizeBilinear(image.data, image.height, image.width, plan.channels, plan.height, plan.width);
  normaliseChannelsLast(data, plan.channels, plan.norm);
  if (plan.layout === 'NCHW') data = hwcToChw(data, plan.height, plan.width, plan.channels);
  return data;
}

export interface TensorPlan {
  norm: Normalisation;
  channels: number;
  channelsFirst: boolean;
  shape: number[];
}

/**
 * Fix the output of a tensor dataset (npy, random): values are taken as stored, then scaled and
 * normalised; per-channel mean/std use axis 0 (NCHW) or the last axis (NHWC) of a sample.
 */
export function planTensor(pre: Preprocess, nativeShape: readonly number[], field = 'preprocess'): TensorPlan {
  if (pre.resize) {
    throw configError('resize applies to image datasets only', {
      code: 'data/bad-preprocess',
      field: `${field}.resize`,
    });
  }
  const channelsFirst = pre.layout === 'NCHW';
  const channels =
    nativeShape.length === 0 ? 1 : channelsFirst ? nativeShape[0]! : nativeShape[nativeShape.length - 1]!;
  const perChannelGiven = (v: number | number[]) => typeof v !== 'number' && v.length > 1;
  const norm =
    perChannelGiven(pre.mean) || perChannelGiven(pre.std)
      ? normalisation(pre, channels, field)
      : normalisation(pre, 1, field);
  let shape = [...nativeShape];
  if (pre.shape) {
    shape = sampleShapeOf(pre.shape, `${field}.shape`);
    if (elementCount(shape) !== elementCount(nativeShape)) {
      throw configError(
        `shape [${pre.shape.join(', ')}] holds ${elementCount(shape)} values per sample but the data has [${nativeShape.join(', ')}]`,
        {
          code: 'data/shape-mismatch',
          field: `${field}.shape`,
        },
      );
    }
  }
  return { norm, channels: norm.mean.length, channelsFirst, shape };
}

/** Scale and normalise one tensor sample in place; returns it. */
export function applyTensorPlan(data: Float32Array, plan: TensorPlan): Float32Array {
  if (plan.channels === 1 || !plan.channelsFirst) normaliseChannelsLast(data, plan.channels, plan.norm);
  else normaliseChannelsFirst(data, plan.channels, plan.norm);
  return data;
}
