// RGBA pixels (already resized to the model's height x width) -> a normalized float32 tensor. Pure.
import type { Layout } from './model-kind.js';

export interface Normalization {
  /** Pixel range the model expects before mean/std: 1 means 0..1, 255 means 0..255. */
  range: 1 | 255;
  /** Per-channel mean and std, applied after scaling to `range` (one value = all channels). */
  mean: number[];
  std: number[];
}

export const DEFAULT_NORMALIZATION: Normalization = { range: 1, mean: [0], std: [1] };

/** Parses "0.485, 0.456, 0.406" into numbers; null when any entry is not a finite number. */
export function parseNumberList(text: string): number[] | null {
  const parts = text.split(/[\s,]+/).filter((p) => p !== '');
  if (parts.length === 0 || parts.length > 4) return null;
  const nums = parts.map(Number);
  return nums.every(Number.isFinite) ? nums : null;
}

export function imageToTensor(
  rgba: ArrayLike<number>,
  width: number,
  height: number,
  opts: { layout: Layout; channels: 1 | 3; norm: Normalization },
): Float32Array {
  const { layout, channels, norm } = opts;
  const plane = width * height;
  const out = new Float32Array(plane * channels);
  const at = (list: number[], c: number) => list[Math.min(c, list.length - 1)]!;
  for (let p = 0; p < plane; p++) {
    const r = rgba[p * 4]!, g = rgba[p * 4 + 1]!, b = rgba[p * 4 + 2]!;
    const px = channels === 1 ? [0.299 * r + 0.587 * g + 0.114 * b] : [r, g, b];
    for (let c = 0; c < channels; c++) {
      const scaled = (px[c]! / 255) * norm.range;
      const std = at(norm.std, c);
      const v = (scaled - at(norm.mean, c)) / (std === 0 ? 1 : std);
      out[layout === 'NCHW' ? c * plane + p : p * channels + c] = v;
    }
  }
  return out;
}
