// Format write options arrive as free-form keys (CLI flags, pipeline `outputs[i].options`): each
// handler names the keys it takes, and anything else is refused with the key named, so a typo
// (`mdoe: int8`) cannot silently write a float model.
import { ConfigError } from '@enxuto/ir';
import type { FormatWriteOptions } from './handler.js';

/** Keys writeModel itself passes to every handler. */
const GENERIC = ['force', 'protect'];

export function rejectUnknownOptions(
  opts: FormatWriteOptions,
  known: readonly string[],
  format: string,
  path: string,
): void {
  for (const key of Object.keys(opts)) {
    if (GENERIC.includes(key) || known.includes(key)) continue;
    const hint = known.length > 0 ? ` (${format} takes ${known.join(', ')})` : ` (${format} takes no options)`;
    throw new ConfigError(`unknown ${format} option '${key}'${hint}`, {
      code: 'format/unknown-option',
      file: path,
      field: key,
    });
  }
}
