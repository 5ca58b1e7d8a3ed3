// Each output's write options, checked against its format's schema (the format table of
// @enxuto/formats) when the pipeline file is validated: a bad option fails before any pass runs,
// naming the field (`outputs.1.options.mode`).
import { BUILTIN_FORMATS, formatOfOutputName, parseWriteOptions } from '@enxuto/formats';
import type { OutputEntry } from './schema.js';

export function checkOutputOptions(outputs: readonly OutputEntry[], file?: string): void {
  outputs.forEach((o, i) => {
    if (typeof o === 'string' || o.options === undefined) return;
    const format =
      o.format !== undefined
        ? BUILTIN_FORMATS.find((f) => f.name === o.format)
        : formatOfOutputName(o.path, BUILTIN_FORMATS);
    // No format fits the path: planning the run says so (format/unknown-output).
    if (format === undefined) return;
    parseWriteOptions(format.name, format.writeOptions, o.options, {
      field: `outputs.${i}.options`,
      ...(file !== undefined ? { file } : {}),
    });
  });
}
