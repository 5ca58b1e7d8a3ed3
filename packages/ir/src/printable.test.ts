import { describe, expect, it } from 'vitest';
import { EnxutoError } from './errors.js';
import { printable } from './printable.js';

describe('printable', () => {
  it('escapes control characters, escape sequences and bidi overrides, and leaves the rest', () => {
    expect(printable('conv\n1')).toBe('conv\\n1');
    expect(printable('\u001b[2J\u001b]0;owned\u0007x')).toBe('\\e[2J\\e]0;owned\\x07x');
    expect(printable('a\u202eb\u0085c\u007f')).toBe('a\\u202eb\\x85c\\x7f');
    expect(printable('héllo 名前 ✓')).toBe('héllo 名前 ✓');
  });

  it('keeps an error with hostile names on one line', () => {
    const e = new EnxutoError('bad\nthing', { code: 'x', file: 'a\nb', node: '\u001b[31mred', value: 'v\r' });
    const line = e.describe();
    expect(/[\n\r]/.test(line) || line.includes('\u001b')).toBe(false);
    expect(line).toBe('a\\nb, node \\e[31mred, value v\\r: bad\\nthing');
  });
});
