// tfjs-backend-wasm multiplies through XNNPACK only when neither operand is transposed and there
// is one batch; every other product (each gradient of a MatMul, Gemm with transB, batched
// products) takes a naive loop 20-100x slower. XNNPACK also repacks its right operand whenever
// that tensor is new, which in training is every step, and packing a 784x800 matrix costs more
// than multiplying it by 64 rows. This wrapper around the wasm BatchMatMul kernel therefore
//  - transposes explicitly (one memory pass, cheap next to the product),
//  - folds A's batch axes into its rows when B has none,
//  - computes C = A B as (B^T A^T)^T when that moves less memory, so that XNNPACK packs the small
//    activation matrix and streams the big weight matrix; a right operand multiplied before (fixed
//    weights at inference) goes direct, since XNNPACK keeps its packed copy.
import * as tf from '@tensorflow/tfjs';

type Info = tf.TensorInfo;
type KernelArgs = Parameters<tf.KernelFunc>[0];

let installed = false;

function kernel(name: string): tf.KernelConfig {
  const k = tf.getKernel(name, 'wasm');
  if (k === undefined) throw new Error(`tfjs-backend-wasm has no ${name} kernel`);
  return k;
}

/**
 * Below this many rows the swapped product would pack a matrix padded to XNNPACK's column tile
 * and waste most of its work (a batch-1 inference is a matrix-vector product): multiply directly.
 */
const MIN_ROWS_TO_SWAP = 16;

/** XNNPACK packing costs about this many times a transpose pass per element (measured here). */
const PACK_COST = 8;

/**
 * Element passes of C[rows,n] = A[rows,k] B[k,n] done directly (pack B unless already packed,
 * materialise the transposed operands) against (B^T A^T)^T (pack A^T, materialise B^T, transpose C).
 */
export function swapIsCheaper(
  rows: number,
  k: number,
  n: number,
  aTransposed: boolean,
  bTransposed: boolean,
  bPacked: boolean,
): boolean {
  const direct = (bPacked ? 0 : PACK_COST * k * n) + (aTransposed ? rows * k : 0) + (bTransposed ? k * n : 0);
  const swapped = PACK_COST * k * rows + (bTransposed ? 0 : k * n) + (aTransposed ? 0 : rows * k) + rows * n;
  return swapped < direct;
}

/** Wraps the wasm BatchMatMul kernel (once); call before the wasm backend initialises. */
export function installWasmKernels(): void {
  if (installed) return;
  installed = true;
  const original = kernel('BatchMatMul');
  const transposeKernel = kernel('Transpose').kernelFunc;
  const reshapeKernel = kernel('Reshape').kernelFunc;

  const seenRight = new WeakSet<object>();

  function fast(args: KernelArgs): Info {
    const backend = args.backend as tf.KernelBackend;
    const { a, b } = args.inputs as { a: Info; b: Info };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    const temps: Info[] = [];
    const keep = (t: Info): Info => {
      temps.push(t);
      return t;
    };
    const swapLast = (t: Info): Info => {
      const perm = t.shape.map((_, i) => i);
      const r = perm.length;
      [perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!];
      return transposeKernel({ inputs: { x: t }, backend, attrs: { perm } }) as Info;
    };
    const reshape = (t: Info, shape: number[]): Info =>
      reshapeKernel({ inputs: { x: t }, backend, attrs: { shape } }) as Info;
    const product = (x: Info, y: Info): Info =>
      original.kernelFunc({ inputs: { a: x, b: y }, backend, attrs: { transposeA: false, transposeB: false } }) as Info;
    try {
      const batchA = a.shape.slice(0, -2).reduce((p, d) => p * d, 1);
      const batchB = b.shape.slice(0, -2).reduce((p, d) => p * d, 1);
      if (batchB !== 1) {
        // Batched right operands: make the transposes explicit, leave the batching to TF.js.
        const a2 = transposeA ? keep(swapLast(a)) : a;
        const b2 = transposeB ? keep(swapLast(b)) : b;
        return product(a2, b2);
      }
      const [ra, ca] = a.shape.slice(-2) as [number, number];
      const [rb, cb] = b.shape.slice(-2) as [number, number];
      const m = transposeA ? ca : ra;
      const k = transposeA ? ra : ca;
      const n = transposeB ? rb : cb;
      const rows = batchA * m;
      const outShape = [...a.shape.slice(0, -2), m, n];
      // 2-D views (reshapes share the data): A as [rows, k] or [k, rows], B as [k, n] or [n, k].
      let aRows: Info | undefined;
      let aCols: Info | undefined;
      if (!transposeA) aRows = keep(reshape(a, [rows, k]));
      else if (batchA === 1) aCols = keep(reshape(a, [k, m]));
      else aRows = keep(reshape(keep(swapLast(a)), [rows, k])); // batch axes fold into rows
      const bCols = transposeB ? undefined : keep(reshape(b, [k, n]));
      const bRows = transposeB ? keep(reshape(b, [n, k])) : undefined;
      let y: Info;
      // A right operand seen before (fixed weights at inference) keeps its packed copy.
      const reused = !transposeB && seenRight.has(b.dataId);
      seenRight.add(b.dataId);
      if (rows >= MIN_ROWS_TO_SWAP && swapIsCheaper(rows, k, n, transposeA && batchA === 1, transposeB, reused)) {
        // C^T = B^T A^T: B^T [n, k] is streamed, A^T [k, rows] packed.
        const left = bRows ?? keep(swapLast(bCols!));
        const right = aCols ?? keep(swapLast(aRows!));
        y = swapLast(keep(product(left, right)));
      } else {
        const left = aRows ?? keep(swapLast(aCols!));
        const right = bCols ?? keep(swapLast(bRows!));
        y = product(left, right);
      }
      (y as { shape: number[] }).shape = outShape;
      return y;
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  }

  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...original, kernelFunc: fast as tf.KernelFunc });

  // The gradient tape clones every tensor it saves for the backward pass; the wasm Identity
  // kernel copies the data (a 784x800 weight, every step) although no wasm kernel writes into
  // its inputs. Share the data instead, counted like Reshape does.
  const identity = kernel('Identity');
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({
    ...identity,
    kernelFunc: (args) => {
      const x = args.inputs['x'] as Info;
      if (x.dtype === 'string') return identity.kernelFunc(args);
      (args.backend as tf.KernelBackend).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  });
}
