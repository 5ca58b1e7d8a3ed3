// Pure pixel kernels: no I/O, no config.

/**
 * Bilinear resize of an HWC float image with half-pixel centres (the convention of PIL,
 * OpenCV INTER_LINEAR and tf.image.resize without antialiasing).
 */
export function resizeBilinear(
  src: Float32Array,
  srcHeight: number,
  srcWidth: number,
  channels: number,
  dstHeight: number,
  dstWidth: number,
): Float32Array {
  const dst = new Float32Array(dstHeight * dstWidth * channels);
  if (srcHeight === dstHeight && srcWidth === dstWidth) {
    dst.set(src.subarray(0, dst.length));
    return dst;
  }
  const sy = srcHeight / dstHeight;
  const sx = srcWidth / dstWidth;
  for (let y = 0; y < dstHeight; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), srcHeight - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, srcHeight - 1);
    const wy = fy - y0;
    for (let x = 0; x < dstWidth; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), srcWidth - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, srcWidth - 1);
      const wx = fx - x0;
      const o = (y * dstWidth + x) * channels;
      const a = (y0 * srcWidth + x0) * channels;
      const b = (y0 * srcWidth + x1) * channels;
      const c = (y1 * srcWidth + x0) * channels;
      const d = (y1 * srcWidth + x1) * channels;
      for (let k = 0; k < channels; k++) {
        const top = src[a + k]! + (src[b + k]! - src[a + k]!) * wx;
        const bottom = src[c + k]! + (src[d + k]! - src[c + k]!) * wx;
        dst[o + k] = top + (bottom - top) * wy;
      }
    }
  }
  return dst;
}

/** HWC -> CHW copy. */
export function hwcToChw(src: Float32Array, height: number, width: number, channels: number): Float32Array {
  if (channels === 1) return src;
  const dst = new Float32Array(src.length);
  const plane = height * width;
  for (let p = 0; p < plane; p++) {
    for (let k = 0; k < channels; k++) dst[k * plane + p] = src[p * channels + k]!;
  }
  return dst;
}

/** ITU-R BT.601 luma weights, the usual RGB -> grayscale conversion (PIL's "L" mode). */
const LUMA = [0.299, 0.587, 0.114] as const;

/**
 * Decoded RGBA bytes -> HWC floats in [0, 1] with 3 (rgb) or 1 (grayscale) channels.
 * Alpha is dropped: model inputs have no alpha channel.
 */
export function rgbaToFloat(rgba: Uint8Array, width: number, height: number, color: 'rgb' | 'grayscale'): Float32Array {
  const pixels = width * height;
  if (color === 'grayscale') {
    const out = new Float32Array(pixels);
    for (let p = 0; p < pixels; p++) {
      const i = p * 4;
      out[p] = (LUMA[0] * rgba[i]! + LUMA[1] * rgba[i + 1]! + LUMA[2] * rgba[i + 2]!) / 255;
    }
    return out;
  }
  const out = new Float32Array(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    out[p * 3] = rgba[p * 4]! / 255;
    out[p * 3 + 1] = rgba[p * 4 + 1]! / 255;
    out[p * 3 + 2] = rgba[p * 4 + 2]! / 255;
  }
  return out;
}
