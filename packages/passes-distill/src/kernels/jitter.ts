// Input jitter (Hinton et al. trained on digits shifted by up to 2 pixels): a pure kernel that
// shifts each image of a batch by a seeded random whole-pixel offset, filling with zeros.

export interface ImageLayout {
  channels: number;
  height: number;
  width: number;
}

/**
 * The image layout of a per-sample shape: [C, H, W], [H, W], or a flat [H*W] square (MNIST's 784).
 * Undefined when the sample is not an image.
 */
export function imageLayoutOf(sampleShape: readonly number[]): ImageLayout | undefined {
  if (sampleShape.length === 3) return { channels: sampleShape[0]!, height: sampleShape[1]!, width: sampleShape[2]! };
  if (sampleShape.length === 2) return { channels: 1, height: sampleShape[0]!, width: sampleShape[1]! };
  if (sampleShape.length === 1) {
    const side = Math.round(Math.sqrt(sampleShape[0]!));
    if (side > 1 && side * side === sampleShape[0]) return { channels: 1, height: side, width: side };
  }
  return undefined;
}

/** Shift of one image by (dy, dx) pixels into `out` (zeros where nothing shifts in). */
export function shiftImage(src: Float32Array, out: Float32Array, layout: ImageLayout, dy: number, dx: number): void {
  const { channels, height, width } = layout;
  out.fill(0);
  for (let c = 0; c < channels; c++) {
    const base = c * height * width;
    for (let y = 0; y < height; y++) {
      const sy = y - dy;
      if (sy < 0 || sy >= height) continue;
      for (let x = 0; x < width; x++) {
        const sx = x - dx;
        if (sx < 0 || sx >= width) continue;
        out[base + y * width + x] = src[base + sy * width + sx]!;
      }
    }
  }
}

/** A copy of `batch` (n images of `layout`) with each image shifted by up to ±maxShift pixels. */
export function jitterBatch(
  batch: Float32Array,
  n: number,
  layout: ImageLayout,
  maxShift: number,
  random: () => number,
): Float32Array {
  const per = layout.channels * layout.height * layout.width;
  const out = new Float32Array(batch.length);
  const span = 2 * maxShift + 1;
  for (let i = 0; i < n; i++) {
    const dy = Math.floor(random() * span) - maxShift;
    const dx = Math.floor(random() * span) - maxShift;
    shiftImage(batch.subarray(i * per, (i + 1) * per), out.subarray(i * per, (i + 1) * per), layout, dy, dx);
  }
  return out;
}
