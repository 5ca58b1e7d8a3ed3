// Typed errors shared by every enxuto package. Each carries a stable `code` and names where the
// problem is (file, node, value/tensor, field) so a user can find it without a stack trace.
import { printable } from './printable.js';

export interface ErrorLocation {
  /** File the problem was found in. */
  file?: string;
  /** Node name (or op type when unnamed). */
  node?: string;
  /** Value or tensor name. */
  value?: string;
  /** Field, attribute or option name (dotted path for nested fields). */
  field?: string;
  /** Byte offset in the file, for parse errors. */
  offset?: number;
}

export interface ErrorDetails extends ErrorLocation {
  /** Stable machine-readable code, e.g. 'onnx/truncated', 'check/cycle'. */
  code: string;
  cause?: unknown;
}

export class EnxutoError extends Error {
  readonly code: string;
  readonly file?: string;
  readonly node?: string;
  readonly value?: string;
  readonly field?: string;
  readonly offset?: number;

  constructor(message: string, details: ErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = details.code;
    if (details.file !== undefined) this.file = details.file;
    if (details.node !== undefined) this.node = details.node;
    if (details.value !== undefined) this.value = details.value;
    if (details.field !== undefined) this.field = details.field;
    if (details.offset !== undefined) this.offset = details.offset;
  }

  /**
   * One line naming the location first: `model.onnx: node conv1, field pads: ...`. Names come from
   * untrusted files, so control characters are escaped (one line, no terminal escapes).
   */
  describe(): string {
    const where = [
      this.file,
      this.node !== undefined ? `node ${this.node}` : undefined,
      this.value !== undefined ? `value ${this.value}` : undefined,
      this.field !== undefined ? `field ${this.field}` : undefined,
      this.offset !== undefined ? `byte ${this.offset}` : undefined,
    ].filter((s) => s !== undefined);
    return printable(where.length > 0 ? `${where.join(', ')}: ${this.message}` : this.message);
  }

  /** A copy of this error with missing location fields filled in (e.g. the file, once known). */
  withLocation(loc: ErrorLocation): this {
    const Ctor = this.constructor as new (m: string, d: ErrorDetails) => this;
    const e = new Ctor(this.message, {
      code: this.code,
      file: this.file ?? loc.file,
      node: this.node ?? loc.node,
      value: this.value ?? loc.value,
      field: this.field ?? loc.field,
      offset: this.offset ?? loc.offset,
      cause: this.cause,
    });
    e.stack = this.stack;
    return e;
  }
}

/** A file that is not valid in its format (bad bytes, bad paths, inconsistent sizes). */
export class FormatError extends EnxutoError {}
/** A model whose structure is invalid (dangling values, cycles, duplicate names, bad shapes). */
export class CheckError extends EnxutoError {}
/** Something valid that enxuto does not handle (yet); the message says what. */
export class UnsupportedError extends EnxutoError {}
/** A bad pipeline file, option or command-line argument. */
export class ConfigError extends EnxutoError {}
/** A pass that failed; wraps the cause with the pass name and step. */
export class PassError extends EnxutoError {}
/** A file or folder that cannot be read or written (missing, not a regular file, no space, name too long). */
export class IoError extends EnxutoError {}
/** A failure of an inference or training runtime. */
export class RuntimeError extends EnxutoError {}
/** Work stopped because its AbortSignal fired (Ctrl-C). */
export class AbortedError extends EnxutoError {}

export function isEnxutoError(e: unknown): e is EnxutoError {
  return e instanceof EnxutoError;
}
