// MNIST-style preprocessing of a hand-drawn digit, as LeCun et al. did for the original set: crop
// to the ink, scale the longer side to 20 px (keeping the aspect ratio), then place the 20x20 box
// in a 28x28 frame so that its centre of mass sits at the centre. Pure: no DOM.

export const MNIST_SIZE = 28;
const BOX = 20;
/** Ink below this is background (anti-aliasing fringe). */
const INK_THRESHOLD = 0.05;

/** Bounding box of the ink in a w x h image (values 0 = background .. 1 = ink), or null if blank. */
export function inkBounds(
  ink: ArrayLike<number>,
  w: number,
  h: number,
): { x0: number; y0: number; x1: number; y1: number } | null {
  let x0 = w,
    y0 = h,
    x1 = -1,
    y1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (ink[y * w + x]! > INK_THRESHOLD) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/** Area-averaged resample of a source rectangle into tw x th by n x n supersampling. */
function resample(
  ink: ArrayLike<number>,
  w: number,
  rect: { x0: number; y0: number; x1: number; y1: number },
  tw: number,
  th: number,
): Float32Array {
  const out = new Float32Array(tw * th);
  const sx = (rect.x1 - rect.x0) / tw;
  const sy = (rect.y1 - rect.y0) / th;
  const n = Math.min(32, Math.max(2, Math.ceil(Math.max(sx, sy))));
  for (let ty = 0; ty < th; ty++) {
    for (let tx = 0; tx < tw; tx++) {
      let sum = 0;
      for (let j = 0; j < n; j++) {
        const y = Math.floor(rect.y0 + (ty + (j + 0.5) / n) * sy);
        for (let i = 0; i < n; i++) {
          const x = Math.floor(rect.x0 + (tx + (i + 0.5) / n) * sx);
          sum += ink[y * w + x]!;
        }
      }
      out[ty * tw + tx] = sum / (n * n);
    }
  }
  return out;
}

/**
 * A 28x28 digit (row-major, 0..1, ink = 1) from a w x h ink image, or null when nothing is drawn.
 */
export function mnistFromInk(ink: ArrayLike<number>, w: number, h: number): Float32Array | null {
  const box = inkBounds(ink, w, h);
  if (!box) return null;
  const bw = box.x1 - box.x0;
  const bh = box.y1 - box.y0;
  const scale = BOX / Math.max(bw, bh);
  const tw = Math.max(1, Math.round(bw * scale));
  const th = Math.max(1, Math.round(bh * scale));
  const small = resample(ink, w, box, tw, th);
  let mass = 0,
    cx = 0,
    cy = 0;
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const v = small[y * tw + x]!;
      mass += v;
      cx += v * (x + 0.5);
      cy += v * (y + 0.5);
    }
  }
  // Shift so the centre of mass lands on (14, 14), clipping whatever would fall outside.
  const ox = Math.round(MNIST_SIZE / 2 - cx / mass);
  const oy = Math.round(MNIST_SIZE / 2 - cy / mass);
  const out = new Float32Array(MNIST_SIZE * MNIST_SIZE);
  for (let y = 0; y < th; y++) {
    const ty = y + oy;
    if (ty < 0 || ty >= MNIST_SIZE) continue;
    for (let x = 0; x < tw; x++) {
      const tx = x + ox;
      if (tx < 0 || tx >= MNIST_SIZE) continue;
      out[ty * MNIST_SIZE + tx] = Math.min(1, small[y * tw + x]!);
    }
  }
  return out;
}
