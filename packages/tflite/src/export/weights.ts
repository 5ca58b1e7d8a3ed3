// Pure numeric kernels for export: permuting constant data between layouts and quantizing weights.
// No graph access here.

/** Transposes row-major data of `shape` by `perm` (output dim i = input dim perm[i]). */
export function permuteData<T extends Float32Array | Float64Array | Int8Array | Int32Array>(
  data: T,
  shape: readonly number[],
  perm: readonly number[],
): T {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]!);
  const inStrides = new Array<number>(rank);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    inStrides[d] = s;
    s *= shape[d]!;
  }
  const strideOfOut = perm.map((p) => inStrides[p]!);
  const out = new (data.constructor as new (n: number) => T)(data.length);
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < data.length; o++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += idx[d]! * strideOfOut[d]!;
    out[o] = data[src]!;
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d]! < outShape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

export interface QuantizedWeights {
  data: Int8Array;
  scale: Float32Array;
}

/**
 * Symmetric int8 quantization with one scale per slice of `axis` (values in [-127, 127], zero
 * point 0, as TFLite's per-channel kernels require). All-zero channels get scale 1.
 */
export function quantizeSymmetricPerAxis(data: Float32Array, shape: readonly number[], axis: number): QuantizedWeights {
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d]!;
  const channels = shape[axis]!;
  const maxAbs = new Float32Array(channels);
  for (let i = 0; i < data.length; i++) {
    const c = Math.floor(i / inner) % channels;
    const a = Math.abs(data[i]!);
    if (Number.isFinite(a) && a > maxAbs[c]!) maxAbs[c] = a;
  }
  const scale = Float32Array.from(maxAbs, (m) => (m > 0 ? m / 127 : 1));
  const out = new Int8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const c = Math.floor(i / inner) % channels;
    const x = data[i]!;
    const q = Number.isNaN(x) ? 0 : Math.round(x / scale[c]!);
    out[i] = Math.max(-127, Math.min(127, q));
  }
  return { data: out, scale };
}

/** int32 bias for int8 kernels: round(b / (inputScale * weightScale[c])). */
export function quantizeBias(
  bias: Float32Array,
  inputScale: number,
  weightScale: Float32Array,
): { data: Int32Array; scale: Float32Array } {
  const scale = Float32Array.from(bias, (_, c) => inputScale * weightScale[weightScale.length === 1 ? 0 : c]!);
  const data = Int32Array.from(bias, (b, c) => Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, Math.round(b / scale[c]!))));
  return { data, scale };
}

/**
 * Row permutation of a flattened NHWC tensor: TFLite element i of [H*W*C] holds ONNX element
 * rowPerm[i] of the NCHW flattening [C*H*W].
 */
export function nhwcFlattenPerm(c: number, h: number, w: number): Int32Array {
  const out = new Int32Array(c * h * w);
  let i = 0;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) out[i++] = (k * h + y) * w + x;
  return out;
}
