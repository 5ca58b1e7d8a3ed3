// Pure geometry of Resize: which TFLite RESIZE_* flags (align_corners, half_pixel_centers) sample
// exactly the source positions an ONNX Resize samples, found by comparing both formulas at every
// output index. No match means no exact TFLite form.

export interface OnnxResize {
  mode: string;
  coordinates: string;
  nearestMode: string;
  /** The scale ONNX uses (output / input): the given scale, or the size ratio. */
  scale: number;
}

export interface TfliteResizeFlags {
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

function onnxCoordinate(r: OnnxResize, x: number, inSize: number, outSize: number): number {
  switch (r.coordinates) {
    case 'half_pixel':
      return (x + 0.5) / r.scale - 0.5;
    case 'pytorch_half_pixel':
      return outSize > 1 ? (x + 0.5) / r.scale - 0.5 : 0;
    case 'align_corners':
      return outSize === 1 ? 0 : (x * (inSize - 1)) / (outSize - 1);
    case 'asymmetric':
      return x / r.scale;
    case 'tf_half_pixel_for_nn':
      return (x + 0.5) / r.scale;
    default:
      return Number.NaN;
  }
}

function onnxNearest(mode: string, c: number): number {
  const frac = c - Math.floor(c);
  switch (mode) {
    case 'floor':
      return Math.floor(c);
    case 'ceil':
      return Math.ceil(c);
    case 'round_prefer_ceil':
      return frac === 0.5 ? Math.ceil(c) : Math.round(c);
    default: // round_prefer_floor
      return frac === 0.5 ? Math.floor(c) : Math.round(c);
  }
}

/** TFLite's source index (nearest) or coordinate (bilinear) for output index x. */
function tfliteSample(f: TfliteResizeFlags, nearest: boolean, x: number, inSize: number, outSize: number): number {
  const scale = f.alignCorners && outSize > 1 ? (inSize - 1) / (outSize - 1) : inSize / outSize;
  if (nearest) {
    const offset = f.halfPixelCenters ? 0.5 : 0;
    const v = f.alignCorners ? Math.round((x + offset) * scale) : Math.floor((x + offset) * scale);
    return Math.max(f.halfPixelCenters ? 0 : -Infinity, Math.min(v, inSize - 1));
  }
  return f.halfPixelCenters ? (x + 0.5) * scale - 0.5 : x * scale;
}

function onnxSample(r: OnnxResize, x: number, inSize: number, outSize: number): number {
  const c = onnxCoordinate(r, x, inSize, outSize);
  if (r.mode === 'nearest') return Math.max(0, Math.min(onnxNearest(r.nearestMode, c), inSize - 1));
  return c;
}

const CANDIDATES: TfliteResizeFlags[] = [
  { alignCorners: false, halfPixelCenters: false },
  { alignCorners: false, halfPixelCenters: true },
  { alignCorners: true, halfPixelCenters: false },
];

/** The TFLite flags sampling like the ONNX Resize along one axis, or undefined. */
export function tfliteResizeFlags(r: OnnxResize, inSize: number, outSize: number): TfliteResizeFlags | undefined {
  const nearest = r.mode === 'nearest';
  // Bilinear clamps coordinates below 0 to 0 on both sides; compare the clamped values.
  const clamp = (v: number) => (nearest ? v : Math.max(0, Math.min(v, inSize - 1)));
  return CANDIDATES.find((f) => {
    for (let x = 0; x < outSize; x++) {
      const a = clamp(tfliteSample(f, nearest, x, inSize, outSize));
      const b = clamp(onnxSample(r, x, inSize, outSize));
      if (!(Math.abs(a - b) <= 1e-5 * Math.max(1, inSize))) return false;
    }
    return true;
  });
}
