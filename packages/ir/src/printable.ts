// Names read from untrusted files reach the terminal (inspect, errors, progress lines). Control
// characters in them could move the cursor, recolour or clear the screen, or split one error line
// into two; they are shown as escapes instead.

// C0 and C1 controls, DEL, bidirectional overrides/isolates (which reorder what follows), and
// line/paragraph separators.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

/** `text` with every control character written as an escape (`\n`, `\e`, `\x07`, `\u202e`). */
export function printable(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return NAMED[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`);
  });
}
