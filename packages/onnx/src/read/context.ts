// What every reader function needs: the file name for error messages and the external-data resolver.
import { FormatError, UnsupportedError, type ErrorLocation } from '@enxuto/ir';
import type { ExternalDataResolver } from '../external/resolver.js';

export interface ReadContext {
  file: string | undefined;
  externalData: ExternalDataResolver | undefined;
}

type Where = Omit<ErrorLocation, 'file' | 'offset'>;

export function formatError(ctx: ReadContext, code: string, message: string, where: Where = {}): FormatError {
  return new FormatError(message, { code, file: ctx.file, ...where });
}

export function unsupported(ctx: ReadContext, what: string, where: Where = {}): UnsupportedError {
  return new UnsupportedError(`unsupported: ${what}`, { code: 'onnx/unsupported', file: ctx.file, ...where });
}

/**
 * Names of the given string fields that are present on the wire but empty. The IR cannot tell ''
 * from absent; recording these lets a rewrite of an unchanged model give back the same bytes.
 */
export function presentButEmpty<T extends object>(msg: T, fields: readonly (keyof T & string)[]): string[] {
  return fields.filter((f) => has(msg, f) && (msg as Record<string, unknown>)[f] === '');
}

/** Own (present on the wire) property of a decoded message; protobufjs defaults live on prototypes. */
export function has<T extends object>(msg: T, key: keyof T): boolean {
  return Object.hasOwn(msg, key);
}
