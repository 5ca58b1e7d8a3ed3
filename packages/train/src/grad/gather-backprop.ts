// Gather's gradient scatters dy back to the gathered rows. TF.js does that with
// UnsortedSegmentSum, which the wasm backend lacks; a one-hot matrix product does the same sum.
import * as tf from '@tensorflow/tfjs';

/** dL/dx of y = gather(x, indices, axis) (indices already non-negative, batchDims 0). */
export function gatherGrad(xShape: readonly number[], indices: tf.Tensor, dy: tf.Tensor, axis: number): tf.Tensor {
  return tf.tidy(() => {
    const outer = xShape.slice(0, axis).reduce((a, b) => a * b, 1);
    const inner = xShape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const depth = xShape[axis]!;
    const k = indices.size;
    // dy: [outer, k, inner] -> [k, outer*inner]; rows of the one-hot pick which x row each adds to.
    const rows = dy
      .reshape([outer, k, inner])
      .transpose([1, 0, 2])
      .reshape([k, outer * inner]);
    const oneHot = tf.oneHot(indices.reshape([k]).toInt(), depth).toFloat(); // [k, depth]
    const summed = tf.matMul(oneHot, rows, true, false); // [depth, outer*inner]
    return summed
      .reshape([depth, outer, inner])
      .transpose([1, 0, 2])
      .reshape([...xShape]);
  });
}
