// The trained variables of a run: masks that hold pruned weights at exactly zero, and copies of
// the weights (best epoch, checkpoints) put back later.
import * as tf from '@tensorflow/tfjs';
import { ConfigError } from '@enxuto/ir';
import type { Executable } from '../compile.js';

export type MaskSpec = ReadonlyMap<string, ArrayLike<number>> | Readonly<Record<string, ArrayLike<number>>>;

/** Bool tensors by variable; a ConfigError names a mask that fits no float initializer. */
export function prepareMasks(masks: MaskSpec | undefined, exe: Executable): Map<tf.Variable, tf.Tensor> {
  const out = new Map<tf.Variable, tf.Tensor>();
  const entries = masks instanceof Map ? [...masks.entries()] : Object.entries(masks ?? {});
  for (const [name, mask] of entries as [string, ArrayLike<number>][]) {
    const v = exe.variables.get(name);
    const field = `masks.${name}`;
    if (v === undefined)
      throw new ConfigError(`mask for ${name}, which is not a float initializer`, { code: 'train/bad-option', field });
    if (mask.length !== v.size)
      throw new ConfigError(`mask for ${name} has ${mask.length} entries, the weight ${v.size}`, {
        code: 'train/bad-option',
        field,
      });
    out.set(
      v,
      tf.tensor(
        Uint8Array.from(mask, (m) => (m !== 0 ? 1 : 0)),
        v.shape,
        'bool',
      ),
    );
  }
  return out;
}

export function applyMasks(masks: ReadonlyMap<tf.Variable, tf.Tensor>): void {
  // where() rather than multiply: pruned entries become +0 exactly, never -0 or NaN.
  tf.tidy(() => masks.forEach((m, v) => v.assign(tf.where(m, v, tf.zerosLike(v)))));
}

export function snapshot(exe: Executable): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  exe.variables.forEach((v, name) => out.set(name, (v.dataSync() as Float32Array).slice()));
  return out;
}

export function restoreVariables(exe: Executable, values: ReadonlyMap<string, Float32Array>): void {
  exe.variables.forEach((v, name) => {
    const data = values.get(name);
    if (data === undefined || data.length !== v.size) {
      throw new ConfigError(`checkpoint value for ${name} is missing or has the wrong size`, {
        code: 'train/bad-checkpoint',
        value: name,
      });
    }
    tf.tidy(() => v.assign(tf.tensor(data, v.shape, 'float32')));
  });
}
