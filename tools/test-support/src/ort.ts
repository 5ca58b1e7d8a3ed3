// Running an ONNX model's bytes in onnxruntime-node from a test: float32 feeds in, every output's
// dims and values out (as plain arrays, so tests compare them directly).
import * as ort from 'onnxruntime-node';

export interface OrtFeed {
  dims: readonly number[];
  data: Float32Array | BigInt64Array | Int32Array | Uint8Array;
}

export interface OrtOutput {
  dims: readonly number[];
  data: Float32Array;
}

function tensorOf(f: OrtFeed): ort.Tensor {
  const type =
    f.data instanceof Float32Array
      ? 'float32'
      : f.data instanceof BigInt64Array
        ? 'int64'
        : f.data instanceof Int32Array
          ? 'int32'
          : 'uint8';
  return new ort.Tensor(type, f.data, [...f.dims]);
}

/** Runs `bytes` once on `feeds`; outputs by name, in the model's order, values as float32. */
export async function runOrt(
  bytes: Uint8Array,
  feeds: Record<string, OrtFeed>,
  options: ort.InferenceSession.SessionOptions = {},
): Promise<Record<string, OrtOutput>> {
  const s = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3, ...options });
  try {
    const out = await s.run(Object.fromEntries(Object.entries(feeds).map(([k, f]) => [k, tensorOf(f)])));
    const result: Record<string, OrtOutput> = {};
    for (const name of s.outputNames) {
      const t = out[name]!;
      result[name] = { dims: t.dims, data: Float32Array.from(t.data as ArrayLike<number>, Number) };
    }
    return result;
  } finally {
    await s.release();
  }
}

/** Largest |a - b| over all outputs relative to each output's largest |a| (1 when shapes differ). */
export function maxRelativeDifference(a: Record<string, OrtOutput>, b: Record<string, OrtOutput>): number {
  let worst = 0;
  for (const [name, x] of Object.entries(a)) {
    const y = b[name];
    if (!y || y.dims.join() !== x.dims.join()) return 1;
    let scale = 0;
    let diff = 0;
    for (let i = 0; i < x.data.length; i++) {
      scale = Math.max(scale, Math.abs(x.data[i]!));
      const d = Math.abs(x.data[i]! - y.data[i]!);
      diff = Math.max(diff, d !== d ? Infinity : d);
    }
    worst = Math.max(worst, diff / (scale || 1));
  }
  return worst;
}
