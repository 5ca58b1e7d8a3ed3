// Runs an IR model in onnxruntime-node through @enxuto/onnx's writer. Used by tests only.
import type { Model } from '@enxuto/ir';
import { writeOnnxBytes } from '@enxuto/onnx';
import * as ort from 'onnxruntime-node';

export async function ortSession(model: Model): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(writeOnnxBytes(model));
}

export async function runOrt(
  s: ort.InferenceSession,
  inputName: string,
  x: Float32Array,
  shape: number[],
  output?: string,
): Promise<Float32Array> {
  const r = await s.run({ [inputName]: new ort.Tensor('float32', x, shape) });
  return r[output ?? s.outputNames[0]!]!.data as Float32Array;
}

/** Largest |a-b| / max(1, |a|): absolute near zero, relative for large logits. */
export function maxScaledDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(a[i]!)));
  return m;
}

/** Seeded uniform values in [0, scale). */
export function seededInput(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * scale;
  });
}

/**
 * Largest |a-b| over the largest |a| (at least `minScale`): the error relative to the output's
 * scale. minScale 0 is the float32 criterion (1e-4 of each output's largest magnitude).
 */
export function maxRelativeToRange(a: ArrayLike<number>, b: ArrayLike<number>, minScale = 1): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  let top = minScale;
  for (let i = 0; i < a.length; i++) {
    m = Math.max(m, Math.abs(a[i]! - b[i]!));
    top = Math.max(top, Math.abs(a[i]!));
  }
  return top === 0 ? m : m / top;
}
