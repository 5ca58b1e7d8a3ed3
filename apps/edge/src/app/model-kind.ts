// Which input panel suits a model, from its input signature alone. Pure.
import type { TensorInfo } from '@enxuto/runtime';

export type Layout = 'NCHW' | 'NHWC';

/** Digit models take 1x28x28 pixels as an image (either layout) or flattened to 784 values. */
export type DigitLayout = Layout | 'flat';

export type ModelKind =
  | { kind: 'mnist'; input: string; layout: DigitLayout }
  | { kind: 'image'; input: string; layout: Layout; channels: 1 | 3; height: number; width: number }
  | { kind: 'generic' };

const isDim = (d: unknown, n?: number) => typeof d === 'number' && (n === undefined || d === n);
const isBatch = (d: unknown) => typeof d !== 'number' || d === 1;

/** A single float32 input of 1x28x28 pixels (or 784 values) is a digit model; 1 or 3 channel pictures are image models. */
export function modelKind(inputs: readonly TensorInfo[]): ModelKind {
  if (inputs.length !== 1) return { kind: 'generic' };
  const info = inputs[0]!;
  const s = info.shape;
  if (info.dtype === 'float32' && s.length === 2 && isBatch(s[0]) && s[1] === 784)
    return { kind: 'mnist', input: info.name, layout: 'flat' };
  if (info.dtype !== 'float32' || s.length !== 4 || !isBatch(s[0])) return { kind: 'generic' };
  const nchw = (s[1] === 1 || s[1] === 3) && isDim(s[2]) && isDim(s[3]);
  const nhwc = (s[3] === 1 || s[3] === 3) && isDim(s[1]) && isDim(s[2]);
  if (nchw && s[1] === 1 && s[2] === 28 && s[3] === 28) return { kind: 'mnist', input: info.name, layout: 'NCHW' };
  if (nhwc && s[3] === 1 && s[1] === 28 && s[2] === 28) return { kind: 'mnist', input: info.name, layout: 'NHWC' };
  const fits = (h: number, w: number) => h >= 8 && w >= 8 && h <= 4096 && w <= 4096;
  if (nchw && fits(s[2] as number, s[3] as number)) {
    return {
      kind: 'image',
      input: info.name,
      layout: 'NCHW',
      channels: s[1] as 1 | 3,
      height: s[2] as number,
      width: s[3] as number,
    };
  }
  if (nhwc && fits(s[1] as number, s[2] as number)) {
    return {
      kind: 'image',
      input: info.name,
      layout: 'NHWC',
      channels: s[3] as 1 | 3,
      height: s[1] as number,
      width: s[2] as number,
    };
  }
  return { kind: 'generic' };
}
