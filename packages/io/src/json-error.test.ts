import { describe, expect, it } from 'vitest';
import { describeJsonError } from './json-error.js';

const errorOf = (text: string) => {
  try {
    JSON.parse(text);
  } catch (e) {
    return describeJsonError(e);
  }
  throw new Error('parsed');
};

describe('describeJsonError', () => {
  it('says where and what, and never quotes the text', () => {
    for (const text of ['root:x:0:0:root:/root:/bin/bash', '{"a": "secret', '{"a" 1}', '{"a":1} trailing-secret']) {
      const d = errorOf(text);
      expect(d.message).not.toMatch(/root|secret|bash/);
      expect(d.message.length).toBeGreaterThan(5);
    }
    expect(errorOf('{"a": ')).toEqual({ message: 'the text ends early' });
    expect(errorOf('{"a" 1}').offset).toBe(5);
  });
});
