// Building input feeds for a session from the current digit, picture, or generated data.
import { concreteShape, generateInputs, type Session, type TensorData } from '@enxuto/runtime';
import { MNIST_SIZE } from './digit.js';
import type { ModelKind } from './model-kind.js';

/** A digit (28x28, 0..1) as the model's single input, scaled to its pixel range. */
export function digitFeeds(
  session: Session,
  kind: Extract<ModelKind, { kind: 'mnist' }>,
  digit: Float32Array,
  range: number,
): Record<string, TensorData> {
  const info = session.inputs.find((i) => i.name === kind.input)!;
  const data = new Float32Array(digit.length);
  for (let i = 0; i < data.length; i++) data[i] = digit[i]! * range;
  const shape =
    kind.layout === 'flat'
      ? [1, MNIST_SIZE * MNIST_SIZE]
      : kind.layout === 'NCHW'
        ? [1, 1, MNIST_SIZE, MNIST_SIZE]
        : [1, MNIST_SIZE, MNIST_SIZE, 1];
  return { [info.name]: { dtype: 'float32', shape: concreteShape(info, { shapes: { [info.name]: shape } }), data } };
}

export function imageFeeds(
  kind: Extract<ModelKind, { kind: 'image' }>,
  data: Float32Array,
): Record<string, TensorData> {
  const shape =
    kind.layout === 'NCHW' ? [1, kind.channels, kind.height, kind.width] : [1, kind.height, kind.width, kind.channels];
  return { [kind.input]: { dtype: 'float32', shape, data } };
}

export function generatedFeeds(session: Session, seed: number): Record<string, TensorData> {
  return generateInputs(session.inputs, { seed });
}

/** The digit moved by (dx, dy) pixels, for a handful of realistic variants of one drawing. */
export function shiftDigit(digit: Float32Array, dx: number, dy: number): Float32Array {
  const out = new Float32Array(digit.length);
  for (let y = 0; y < MNIST_SIZE; y++) {
    const sy = y - dy;
    if (sy < 0 || sy >= MNIST_SIZE) continue;
    for (let x = 0; x < MNIST_SIZE; x++) {
      const sx = x - dx;
      if (sx >= 0 && sx < MNIST_SIZE) out[y * MNIST_SIZE + x] = digit[sy * MNIST_SIZE + sx]!;
    }
  }
  return out;
}

/** First output as plain numbers (int64 outputs become Numbers). */
export function firstOutput(outputs: Record<string, TensorData>): number[] {
  const first = Object.values(outputs)[0];
  if (!first) return [];
  return Array.from(first.data as ArrayLike<number | bigint>, (v) => Number(v));
}
