// Optimizer updates as one pass over each weight. Written with TF.js ops, an SGD-momentum step is
// four kernels per weight (each a full memory pass: mul, add, mul, sub) and Adam about ten; on the
// wasm backend that was a fifth of the 784-800-800-10 MLP's training step. These loops read the
// weight, its slots and the gradient once: the scalar reference here, the SIMD version in
// backend/simd-updates.ts. `installFusedUpdates` registers them as wasm kernels writing new
// tensors (never in place: XNNPACK keeps packed copies of weights keyed by tensor).
import * as tf from '@tensorflow/tfjs';
import { simdUpdates } from '../backend/simd-updates.js';

export const SGD_UPDATE = 'EnxutoSgdUpdate';
export const ADAM_UPDATE = 'EnxutoAdamUpdate';

export interface SgdAttrs {
  lr: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
}

/** w -= lr * u, u = g' (+ mu * v' when nesterov) with v' = mu * v + g', g' = g + wd * w. */
export function sgdUpdate(
  w: Float32Array,
  g: Float32Array,
  v: Float32Array | undefined,
  outW: Float32Array,
  outV: Float32Array | undefined,
  o: SgdAttrs,
): void {
  const { lr, momentum: mu, nesterov, weightDecay: wd } = o;
  for (let i = 0; i < w.length; i++) {
    const wi = w[i]!;
    const gi = g[i]! + wd * wi;
    if (v === undefined || outV === undefined) {
      outW[i] = wi - lr * gi;
      continue;
    }
    const vi = mu * v[i]! + gi;
    outV[i] = vi;
    outW[i] = wi - lr * (nesterov ? gi + mu * vi : vi);
  }
}

export interface AdamAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
  /** Bias corrections 1 - beta^t of this step. */
  c1: number;
  c2: number;
}

/** Adam (Kingma & Ba) with L2 weight decay folded into the gradient, as the composite path does. */
export function adamUpdate(
  w: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  outW: Float32Array,
  outM: Float32Array,
  outV: Float32Array,
  o: AdamAttrs,
): void {
  const { lr, beta1: b1, beta2: b2, epsilon: eps, weightDecay: wd, c1, c2 } = o;
  for (let i = 0; i < w.length; i++) {
    const wi = w[i]!;
    const gi = g[i]! + wd * wi;
    const mi = b1 * m[i]! + (1 - b1) * gi;
    const vi = b2 * v[i]! + (1 - b2) * gi * gi;
    outM[i] = mi;
    outV[i] = vi;
    outW[i] = wi - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps);
  }
}

interface WasmBackend extends tf.KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
  dataIdMap: { get(id: tf.DataId): { memoryOffset: number } };
  // The single-threaded module exports its memory; the threaded one imports it (wasmMemory).
  wasm: { asm: { memory?: WebAssembly.Memory }; wasmMemory?: WebAssembly.Memory };
}

let installed = false;

/**
 * Runs one update: the SIMD loop over whole groups of 4 floats where WebAssembly SIMD exists, the
 * scalar loop for the tail (and everywhere without SIMD). `simd` gets byte offsets and the byte
 * length; `scalar` gets views from element `from` on.
 */
function update(
  b: WasmBackend,
  tensors: tf.TensorInfo[],
  simd: ((offsets: number[], bytes: number) => void) | undefined,
  scalar: (views: Float32Array[]) => void,
): void {
  const n = tensors[0]!.shape.reduce((p, d) => p * d, 1);
  const from = simd ? n - (n % 4) : 0;
  if (simd && from > 0)
    simd(
      tensors.map((t) => b.dataIdMap.get(t.dataId).memoryOffset),
      from * 4,
    );
  // Views after every allocation: the heap may have grown (and moved) while allocating.
  if (from < n) scalar(tensors.map((t) => b.typedArrayFromHeap(t).subarray(from)));
}

function simdUpdatesOf(b: WasmBackend) {
  const memory = b.wasm.asm.memory ?? b.wasm.wasmMemory;
  return memory ? simdUpdates(memory) : null;
}

/** Registers the fused updates for the wasm backend (once). */
export function installFusedUpdates(): void {
  if (installed) return;
  installed = true;
  tf.registerKernel({
    kernelName: SGD_UPDATE,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const b = backend as WasmBackend;
      const o = attrs as unknown as SgdAttrs;
      const { w, g, v } = inputs as Record<'w' | 'g' | 'v', tf.TensorInfo>;
      const outW = b.makeOutput([...w.shape], 'float32');
      const outV = b.makeOutput([...v.shape], 'float32');
      const s = simdUpdatesOf(b);
      const [a, c] = o.nesterov ? [o.momentum, 1] : [1, 0];
      update(
        b,
        [w, g, v, outW, outV],
        s ? (p, bytes) => s.sgd(...p, bytes, o.lr, o.momentum, a, c, o.weightDecay) : undefined,
        ([w1, g1, v1, ow, ov]) => sgdUpdate(w1!, g1!, v1, ow!, ov, o),
      );
      return [outW, outV];
    },
  });
  tf.registerKernel({
    kernelName: ADAM_UPDATE,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const b = backend as WasmBackend;
      const o = attrs as unknown as AdamAttrs;
      const { w, g, m, v } = inputs as Record<'w' | 'g' | 'm' | 'v', tf.TensorInfo>;
      const outs = [w, m, v].map((t) => b.makeOutput([...t.shape], 'float32'));
      const s = simdUpdatesOf(b);
      const scalars = [o.weightDecay, o.beta1, 1 - o.beta1, o.beta2, 1 - o.beta2, o.lr / o.c1, 1 / o.c2, o.epsilon];
      update(
        b,
        [w, g, m, v, ...outs],
        s ? (p, bytes) => s.adam(...p, bytes, ...scalars) : undefined,
        ([w1, g1, m1, v1, ow, om, ov]) => adamUpdate(w1!, g1!, m1!, v1!, ow!, om!, ov!, o),
      );
      return outs;
    },
  });
}

/** Runs a fused update kernel when the active backend has it, else returns undefined. */
export function runFused(name: string, inputs: tf.NamedTensorMap, attrs: object): tf.Tensor[] | undefined {
  if (tf.getKernel(name, tf.getBackend()) === undefined) return undefined;
  const out = tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap);
  return Array.isArray(out) ? out : [out];
}
