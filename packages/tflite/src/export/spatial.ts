// Pure geometry of 2-D windows (Conv, pools): ONNX pads / auto_pad against TFLite's two padding
// modes. TFLite SAME is ONNX SAME_UPPER; anything else becomes an explicit PAD before a VALID op.

export interface Window {
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  /** [top, left, bottom, right] as ONNX computes them. */
  pads: [number, number, number, number];
  /** Output spatial size. */
  out: [number, number];
}

/** TFLite SAME padding (before, after) for one dim. */
export function samePads(input: number, k: number, s: number, d: number): [number, number] {
  const out = Math.ceil(input / s);
  const total = Math.max((out - 1) * s + (k - 1) * d + 1 - input, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

export function onnxWindow(
  hw: [number, number],
  kernel: [number, number],
  strides: [number, number],
  dilations: [number, number],
  autoPad: string,
  pads: readonly number[],
  ceilMode: boolean,
): Window {
  let p: [number, number, number, number] = [pads[0] ?? 0, pads[1] ?? 0, pads[2] ?? 0, pads[3] ?? 0];
  if (autoPad === 'VALID') p = [0, 0, 0, 0];
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const [t, b] = samePads(hw[0], kernel[0], strides[0], dilations[0]);
    const [l, r] = samePads(hw[1], kernel[1], strides[1], dilations[1]);
    p = autoPad === 'SAME_UPPER' ? [t, l, b, r] : [b, r, t, l];
  }
  const size = (i: 0 | 1): number => {
    const span = hw[i] + p[i]! + p[i + 2]! - ((kernel[i] - 1) * dilations[i] + 1);
    return (ceilMode ? Math.ceil(span / strides[i]) : Math.floor(span / strides[i])) + 1;
  };
  return { kernel, strides, dilations, pads: p, out: [size(0), size(1)] };
}

/** 'VALID', 'SAME', or explicit pads that must be applied first (then VALID). */
export function tflitePadding(
  hw: [number, number],
  w: Window,
): { padding: 'SAME' | 'VALID'; explicit?: [number, number, number, number] } {
  const [t, l, b, r] = w.pads;
  const validOut = (i: 0 | 1) => Math.floor((hw[i] - ((w.kernel[i] - 1) * w.dilations[i] + 1)) / w.strides[i]) + 1;
  if (t === 0 && l === 0 && b === 0 && r === 0 && w.out[0] === validOut(0) && w.out[1] === validOut(1))
    return { padding: 'VALID' };
  const [st, sb] = samePads(hw[0], w.kernel[0], w.strides[0], w.dilations[0]);
  const [sl, sr] = samePads(hw[1], w.kernel[1], w.strides[1], w.dilations[1]);
  if (
    t === st &&
    b === sb &&
    l === sl &&
    r === sr &&
    w.out[0] === Math.ceil(hw[0] / w.strides[0]) &&
    w.out[1] === Math.ceil(hw[1] / w.strides[1])
  )
    return { padding: 'SAME' };
  return { padding: 'VALID', explicit: [t, l, b, r] };
}
