// RGBA pixels (already resized to the model's height x width) -> the model's input, through the
// pipeline's own image preprocessing (planImage/applyImagePlan), so a photo in the app is scaled
// and normalized exactly as `enxuto eval` does with the same `preprocess` settings.
import { applyImagePlan, planImage, preprocessSchema, rgbaToFloat } from '@enxuto/pipeline';
import type { ModelKind } from './model-kind.js';

export interface Normalization {
  /** Pixel range before mean/std: 1 means 0..1, 255 means 0..255 (the pipeline's `scale`). */
  range: 1 | 255;
  /** One value for all channels, or one per channel. */
  mean: number[];
  std: number[];
}

/** Parses "0.485, 0.456 0.406" into numbers; null when any entry is not a finite number. */
export function parseNumberList(text: string): number[] | null {
  const parts = text.split(/[\s,]+/).filter((p) => p !== '');
  if (parts.length === 0 || parts.length > 4) return null;
  const nums = parts.map(Number);
  return nums.every(Number.isFinite) ? nums : null;
}

/** Throws the pipeline's ConfigError (naming mean/std) when the values do not fit the channels. */
export function imageToTensor(
  rgba: Uint8ClampedArray | Uint8Array,
  kind: Extract<ModelKind, { kind: 'image' }>,
  norm: Normalization,
): Float32Array {
  const { width, height, channels, layout } = kind;
  const pre = preprocessSchema.parse({ scale: norm.range, mean: norm.mean, std: norm.std, layout });
  const plan = planImage(pre, { height, width, channels });
  const pixels = rgbaToFloat(
    new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.byteLength),
    width,
    height,
    channels === 1 ? 'grayscale' : 'rgb',
  );
  return applyImagePlan({ width, height, channels, data: pixels }, plan);
}
