// Feeds for a language model from token ids: the inputs Hugging Face / optimum exports take
// (input_ids, attention_mask, position_ids, token_type_ids, empty past key values, ...), built
// from their names the way Transformers.js does, so one function serves encoders, decoders with a
// KV cache and plain token-in/logits-out models.
import { ConfigError, type DataType, type TypedArray } from '@enxuto/ir';
import type { TensorData, TensorInfo } from './runtime.js';

/** Token ids of `rows` sequences of `length` tokens, row-major. */
export interface TokenBatch {
  ids: ArrayLike<number>;
  rows: number;
  length: number;
}

function filled(dtype: DataType | undefined, n: number, value: (i: number) => number, name: string): TypedArray {
  switch (dtype) {
    case 'int64':
      return BigInt64Array.from({ length: n }, (_, i) => BigInt(value(i)));
    case 'int32':
      return Int32Array.from({ length: n }, (_, i) => value(i));
    case 'float32':
      return Float32Array.from({ length: n }, (_, i) => value(i));
    case 'bool':
      return Uint8Array.from({ length: n }, (_, i) => (value(i) ? 1 : 0));
    case 'float16':
      return new Uint16Array(n); // only ever zeros here (empty caches)
    default:
      throw new ConfigError(`language-model input ${name} has dtype ${dtype}, which token feeds cannot fill`, {
        code: 'runtime/lm-input',
        value: name,
      });
  }
}

/**
 * Feeds for `inputs` from a token batch. Caches (past_key_values.*, past.*) are empty: their
 * batch axis gets `rows`, every other symbolic axis 0 (past length), as Transformers.js does.
 */
export function lmFeeds(inputs: readonly TensorInfo[], batch: TokenBatch): Record<string, TensorData> {
  const { rows, length } = batch;
  const n = rows * length;
  const feeds: Record<string, TensorData> = {};
  const ids = inputs.find((i) => /input_ids$/.test(i.name)) ?? (inputs.length === 1 ? inputs[0] : undefined);
  if (!ids) {
    throw new ConfigError(`no input_ids among the model inputs (${inputs.map((i) => i.name).join(', ')})`, {
      code: 'runtime/lm-input',
      field: 'inputs',
    });
  }
  for (const info of inputs) {
    const name = info.name;
    const seq = [rows, length];
    if (info === ids) {
      feeds[name] = {
        dtype: info.dtype ?? 'int64',
        shape: seq,
        data: filled(info.dtype, n, (i) => batch.ids[i]!, name),
      };
    } else if (/attention_mask$/.test(name)) {
      feeds[name] = { dtype: info.dtype ?? 'int64', shape: seq, data: filled(info.dtype, n, () => 1, name) };
    } else if (/position_ids$/.test(name)) {
      feeds[name] = { dtype: info.dtype ?? 'int64', shape: seq, data: filled(info.dtype, n, (i) => i % length, name) };
    } else if (/token_type_ids$/.test(name)) {
      feeds[name] = { dtype: info.dtype ?? 'int64', shape: seq, data: filled(info.dtype, n, () => 0, name) };
    } else if (/^past/.test(name)) {
      const shape = info.shape.map((d, i) => (typeof d === 'number' ? d : i === 0 ? rows : 0));
      const size = shape.reduce((a, b) => a * b, 1);
      feeds[name] = { dtype: info.dtype ?? 'float32', shape, data: filled(info.dtype, size, () => 0, name) };
    } else if (name === 'use_cache_branch') {
      feeds[name] = { dtype: 'bool', shape: [1], data: Uint8Array.of(0) };
    } else if (name === 'num_logits_to_keep') {
      feeds[name] = { dtype: info.dtype ?? 'int64', shape: [], data: filled(info.dtype, 1, () => 0, name) };
    } else {
      throw new ConfigError(`language-model input ${name} is not one token feeds know how to fill`, {
        code: 'runtime/lm-input',
        value: name,
      });
    }
  }
  return feeds;
}
