// The contract between the executor and the op table: an op is a small function from input
// tensors and named attributes to output tensors, with ONNX semantics.
import type * as tf from '@tensorflow/tfjs';
import type { DataType } from '@enxuto/ir';
import type { OpAttrs } from './op-attrs.js';

export interface OpContext {
  /** The model's ai.onnx opset: ops whose meaning changed between opsets read it. */
  readonly opset: number;
  /** True inside a training step: Dropout drops, BatchNormalization uses batch statistics. */
  readonly training: boolean;
  /** Node label for error messages. */
  readonly node: string;
  /** How many outputs the node declares (Split needs it). */
  readonly outputs: number;
  /**
   * ONNX element types of the inputs when the IR knows them: TF.js only has float32/int32/bool, so
   * ops like CastLike read the declared type here.
   */
  readonly inputTypes?: readonly (DataType | undefined)[];
  /**
   * Models exported with batch size 1 often reshape to a literal [1, ...]: when set, such a
   * Reshape keeps the input's batch size instead, so the model runs on whole batches.
   */
  readonly batchFromInput?: boolean;
  /** A fresh seed for random ops, from the run's seeded generator. */
  nextSeed(): number;
  /**
   * Writes a new value into the variable behind input `index` once the step ends (BatchNormalization
   * running statistics). Absent when the executor keeps no state.
   */
  assignInput?(index: number, value: tf.Tensor): void;
}

/**
 * Input tensors by position. An omitted optional input is `undefined` at run time: read optional
 * inputs with `optionalInput(inputs, i)`.
 */
export type OpInputs = readonly tf.Tensor[];

export type OpFn = (inputs: OpInputs, attrs: OpAttrs, ctx: OpContext) => tf.Tensor[];

export function optionalInput(inputs: OpInputs, i: number): tf.Tensor | undefined {
  const t = inputs[i] as tf.Tensor | undefined;
  return t === null ? undefined : t;
}

/** Values of a small int tensor (shapes, axes, pads) read to the host. */
export function hostInts(t: tf.Tensor): number[] {
  return Array.from(t.dataSync(), Number);
}

/** Values of a scalar or 1-element tensor read to the host. */
export function hostNumber(t: tf.Tensor): number {
  return Number(t.dataSync()[0]);
}

/** A possibly negative axis made non-negative for a rank-`rank` tensor. */
export function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}
