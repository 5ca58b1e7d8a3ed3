import { describe, expect, it } from 'vitest';
import { consoleProgress } from './progress.js';

function sink() {
  const chunks: string[] = [];
  return { write: (s: string) => void chunks.push(s), chunks };
}

describe('consoleProgress', () => {
  it('redraws one bar line on a TTY', () => {
    const s = sink();
    const p = consoleProgress(s, { tty: true });
    p.begin('eval');
    p.update(5, 10);
    p.update(10, 10);
    p.end('done!');
    expect(s.chunks[0]).toBe('\r\x1b[2Keval [############------------] 5/10');
    expect(s.chunks.at(-1)).toBe('eval: done!\n');
    expect(s.chunks.slice(0, -2).every((c) => !c.includes('\n'))).toBe(true);
  });

  it('prints a few plain lines without a TTY', () => {
    const s = sink();
    const p = consoleProgress(s, { tty: false });
    p.begin('eval');
    for (let i = 1; i <= 100; i++) p.update(i, 100);
    p.end();
    expect(s.chunks.every((c) => c.endsWith('\n') && !c.includes('\r'))).toBe(true);
    expect(s.chunks).toEqual([
      'eval...\n',
      'eval: 25/100\n',
      'eval: 50/100\n',
      'eval: 75/100\n',
      'eval: 100/100\n',
      'eval done\n',
    ]);
  });
});
