import { describe, expect, it } from 'vitest';
import { ConfigError } from '@enxuto/ir';
import { lmFeeds } from './lm-feeds.js';

describe('lmFeeds', () => {
  it('fills a decoder with a KV cache: ids, mask, positions, empty past of the right batch', () => {
    const feeds = lmFeeds(
      [
        { name: 'input_ids', dtype: 'int64', shape: ['batch_size', 'sequence_length'] },
        { name: 'attention_mask', dtype: 'int64', shape: ['batch_size', 'past_sequence_length + sequence_length'] },
        { name: 'position_ids', dtype: 'int64', shape: ['batch_size', 'sequence_length'] },
        { name: 'past_key_values.0.key', dtype: 'float32', shape: ['batch_size', 4, 'past_sequence_length', 32] },
      ],
      { ids: [5, 6, 7, 8, 9, 10], rows: 2, length: 3 },
    );
    expect([...(feeds.input_ids!.data as BigInt64Array)]).toEqual([5n, 6n, 7n, 8n, 9n, 10n]);
    expect(feeds.input_ids!.shape).toEqual([2, 3]);
    expect([...(feeds.attention_mask!.data as BigInt64Array)]).toEqual([1n, 1n, 1n, 1n, 1n, 1n]);
    expect([...(feeds.position_ids!.data as BigInt64Array)]).toEqual([0n, 1n, 2n, 0n, 1n, 2n]);
    expect(feeds['past_key_values.0.key']!.shape).toEqual([2, 4, 0, 32]);
    expect(feeds['past_key_values.0.key']!.data.length).toBe(0);
  });
  it('a single unnamed token input takes the ids; token types are zeros', () => {
    expect(
      lmFeeds([{ name: 'tokens', dtype: 'int32', shape: [1, 2] }], { ids: [3, 4], rows: 1, length: 2 }).tokens!.data,
    ).toEqual(Int32Array.of(3, 4));
    const bert = lmFeeds(
      [
        { name: 'input_ids', dtype: 'int64', shape: ['b', 's'] },
        { name: 'token_type_ids', dtype: 'int64', shape: ['b', 's'] },
      ],
      { ids: [1, 2], rows: 1, length: 2 },
    );
    expect([...(bert.token_type_ids!.data as BigInt64Array)]).toEqual([0n, 0n]);
  });
  it('names an input it cannot fill', () => {
    const bad = () =>
      lmFeeds(
        [
          { name: 'input_ids', dtype: 'int64', shape: [1, 1] },
          { name: 'pixel_values', dtype: 'float32', shape: [1, 3] },
        ],
        { ids: [1], rows: 1, length: 1 },
      );
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/pixel_values/);
  });
});
