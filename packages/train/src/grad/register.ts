// Gradients for kernels whose backprop kernels the wasm backend lacks (Conv2DBackpropFilter,
// depthwise backprops, UnsortedSegmentSum for Gather). The gradient registry is global, so each
// override keeps TF.js's own gradient for the other backends and only steps in on wasm, or where
// TF.js has no gradient at all (dilated convolutions).
import * as tf from '@tensorflow/tfjs';
import {
  conv2dFilterGrad,
  conv2dInputGrad,
  depthwiseFilterGrad,
  depthwiseInputGrad,
  type Pads2D,
  type Pair,
} from './conv-backprop.js';
import { gatherGrad } from './gather-backprop.js';
import { isTiledPool, tiledMaxPoolGrad } from './pool-backprop.js';

type Attrs = Record<string, unknown>;
type Shape4 = [number, number, number, number];

let registered = false;

function pair(v: unknown): Pair {
  if (typeof v === 'number') return [v, v];
  const a = (v ?? [1, 1]) as number[];
  return [a[0] ?? 1, a[1] ?? 1];
}

function onWasm(): boolean {
  return tf.getBackend() === 'wasm';
}

function convGeometry(xShape: Shape4, filterShape: Shape4, attrs: Attrs, depthwise: boolean): Pads2D {
  const info = tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    pair(attrs['strides']),
    pair(attrs['dilations']),
    attrs['pad'] as 'same',
    attrs['dimRoundingMode'] as 'floor' | undefined,
    depthwise,
  );
  const p = info.padInfo;
  return { top: p.top, bottom: p.bottom, left: p.left, right: p.right };
}

const toNHWC = (t: tf.Tensor): tf.Tensor4D => t.transpose([0, 2, 3, 1]) as tf.Tensor4D;
const toNCHW = (t: tf.Tensor): tf.Tensor4D => t.transpose([0, 3, 1, 2]) as tf.Tensor4D;

function conv2dGrad(original: tf.GradConfig): tf.GradConfig {
  return {
    kernelName: 'Conv2D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const dil = pair(attrs['dilations']);
      if (!onWasm() && dil[0] === 1 && dil[1] === 1) return original.gradFunc(dy, saved, attrs);
      const nchw = attrs['dataFormat'] === 'NCHW';
      const [x0, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const x = nchw ? toNHWC(x0) : x0;
      const g = nchw ? toNHWC(dy as tf.Tensor) : (dy as tf.Tensor4D);
      const pads = convGeometry(x.shape, filter.shape, attrs, false);
      const strides = pair(attrs['strides']);
      return {
        x: () => {
          const dx = conv2dInputGrad(x.shape, g, filter, strides, dil, pads);
          return nchw ? toNCHW(dx) : dx;
        },
        filter: () => conv2dFilterGrad(x, g, filter.shape, strides, dil, pads),
      };
    },
  };
}

function conv2dBackpropInputGrad(original: tf.GradConfig): tf.GradConfig {
  return {
    kernelName: 'Conv2DBackpropInput',
    inputsToSave: ['dy', 'filter'],
    gradFunc: (ddx, saved, attrs) => {
      if (!onWasm() || attrs['dataFormat'] === 'NCHW') return original.gradFunc(ddx, saved, attrs);
      const [dy, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const upstream = ddx as tf.Tensor4D;
      const strides = pair(attrs['strides']);
      const pads = convGeometry(upstream.shape, filter.shape, attrs, false);
      return {
        // The forward conv (wasm has it) is the adjoint of the transposed conv.
        dy: () =>
          tf.conv2d(upstream, filter, strides, [
            [0, 0],
            [pads.top, pads.bottom],
            [pads.left, pads.right],
            [0, 0],
          ]),
        filter: () => conv2dFilterGrad(upstream, dy, filter.shape, strides, [1, 1], pads),
      };
    },
  };
}

function depthwiseGrad(original: tf.GradConfig): tf.GradConfig {
  return {
    kernelName: 'DepthwiseConv2dNative',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const dil = pair(attrs['dilations']);
      if (!onWasm() && dil[0] === 1 && dil[1] === 1) return original.gradFunc(dy, saved, attrs);
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const g = dy as tf.Tensor4D;
      const pads = convGeometry(x.shape, filter.shape, attrs, true);
      const strides = pair(attrs['strides']);
      return {
        x: () => depthwiseInputGrad(x.shape, g, filter, strides, dil, pads),
        filter: () => depthwiseFilterGrad(x, g, filter.shape, strides, dil, pads),
      };
    },
  };
}

function gatherV2Grad(original: tf.GradConfig): tf.GradConfig {
  return {
    kernelName: 'GatherV2',
    inputsToSave: ['x', 'indices'],
    gradFunc: (dy, saved, attrs) => {
      if (!onWasm() || (attrs['batchDims'] ?? 0) !== 0) return original.gradFunc(dy, saved, attrs);
      const [x, indices] = saved as [tf.Tensor, tf.Tensor];
      const axis = attrs['axis'] as number;
      return {
        x: () => gatherGrad(x.shape, indices, dy as tf.Tensor, axis < 0 ? axis + x.rank : axis),
        indices: () => indices,
      };
    },
  };
}

function maxPoolGrad(original: tf.GradConfig): tf.GradConfig {
  return {
    kernelName: 'MaxPool',
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, y] = saved as [tf.Tensor4D, tf.Tensor4D];
      const filter = pair(attrs['filterSize']);
      const strides = pair(attrs['strides']);
      if (!onWasm() || attrs['pad'] !== 'valid' || !isTiledPool(x, y, filter, strides)) {
        return original.gradFunc(dy, saved, attrs);
      }
      return { x: () => tiledMaxPoolGrad(dy as tf.Tensor4D, x, y, strides) };
    },
  };
}

function clipGrad(original: tf.GradConfig): tf.GradConfig {
  return {
    kernelName: 'ClipByValue',
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      if (!onWasm()) return original.gradFunc(dy, saved.slice(0, 1), attrs);
      // Where the clamp left x unchanged; two elementwise kernels instead of the scalar
      // comparisons wasm runs as slow broadcast loops.
      const [x, y] = saved as [tf.Tensor, tf.Tensor];
      return { x: () => tf.where(tf.equal(x, y), dy as tf.Tensor, tf.zerosLike(x)) };
    },
  };
}

/** Installs the overrides once (idempotent). */
export function registerForwardOpGradients(): void {
  if (registered) return;
  registered = true;
  const overrides: [string, (g: tf.GradConfig) => tf.GradConfig][] = [
    ['Conv2D', conv2dGrad],
    ['Conv2DBackpropInput', conv2dBackpropInputGrad],
    ['DepthwiseConv2dNative', depthwiseGrad],
    ['GatherV2', gatherV2Grad],
    ['MaxPool', maxPoolGrad],
    ['ClipByValue', clipGrad],
  ];
  for (const [name, make] of overrides) {
    const original = tf.getGradient(name);
    tf.registerGradient(make(original));
  }
}
