// Pure comparisons of output sets. Float targets: the largest |a - b| of each output over that
// output's largest |reference|. Quantized targets against the int8 ONNX model: cosine similarity
// and the top-1 index of each output.
import type { Outputs } from './runtimes.js';

export function relativeError(ref: Outputs, got: Outputs): number {
  if (ref.length !== got.length) return Infinity;
  let worst = 0;
  ref.forEach((r, k) => {
    const g = got[k]!;
    if (g.length !== r.length) worst = Infinity;
    let scale = 0;
    let diff = 0;
    for (let i = 0; i < r.length; i++) {
      scale = Math.max(scale, Math.abs(r[i]!));
      diff = Math.max(diff, Math.abs(r[i]! - g[i]!));
    }
    const e = scale === 0 ? diff : diff / scale;
    worst = Math.max(worst, Number.isNaN(e) ? Infinity : e);
  });
  return worst;
}

function cosine(a: Float64Array, b: Float64Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  if (aa === 0 && bb === 0) return 1;
  return ab / Math.sqrt(aa * bb);
}

function argmax(a: Float64Array): number {
  let k = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! > a[k]!) k = i;
  return k;
}

/** Lowest cosine over the outputs, and whether every output's top-1 agrees. */
export function agreement(ref: Outputs, got: Outputs): { cosine: number; top1: boolean } {
  if (ref.length !== got.length || ref.some((r, k) => r.length !== got[k]!.length)) return { cosine: -1, top1: false };
  return {
    cosine: Math.min(...ref.map((r, k) => cosine(r, got[k]!))),
    top1: ref.every((r, k) => argmax(r) === argmax(got[k]!)),
  };
}
