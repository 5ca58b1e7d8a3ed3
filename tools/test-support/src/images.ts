// Real images for tests: the shared calibration photos (JPEG) decoded and resized to a square, as
// RGB bytes in HWC order. Nearest-neighbour resizing: the point is real pixel statistics, not beauty.
import { readFileSync } from 'node:fs';
import { decode } from 'jpeg-js';
import { sharedPath } from './index.js';

/** `size` x `size` x 3 RGB bytes of data/images/<file>. */
export function imageRgb(file: string, size: number): Uint8Array {
  const img = decode(readFileSync(sharedPath('data', 'images', file)), { useTArray: true, formatAsRGBA: true });
  const out = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    const sy = Math.floor(((y + 0.5) * img.height) / size);
    for (let x = 0; x < size; x++) {
      const sx = Math.floor(((x + 0.5) * img.width) / size);
      for (let c = 0; c < 3; c++) out[(y * size + x) * 3 + c] = img.data[(sy * img.width + sx) * 4 + c]!;
    }
  }
  return out;
}

/** The same pixels channel-first (CHW), for NCHW models. */
export function hwcToChw(hwc: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(hwc.length);
  const plane = size * size;
  for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) out[c * plane + i] = hwc[3 * i + c]!;
  return out;
}
