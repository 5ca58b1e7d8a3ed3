// The one place the data sources build their errors. Until @enxuto/ir exports its typed errors
// these are local stand-ins with the same constructor `(message, { code, file?, field? })`;
// switching is a change to this file only.

export interface DataErrorDetails {
  /** Stable, machine-readable code, e.g. `DATA_TRUNCATED`. */
  code: string;
  /** The file the problem is in (as the user wrote it or as resolved). */
  file?: string;
  /** The spec field or file field at fault, e.g. `preprocess.mean` or `labels.count`. */
  field?: string;
  cause?: unknown;
}

export class EnxutoError extends Error {
  readonly code: string;
  readonly file?: string;
  readonly field?: string;
  constructor(message: string, details: DataErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = details.code;
    if (details.file !== undefined) this.file = details.file;
    if (details.field !== undefined) this.field = details.field;
  }
}

/** A dataset spec (or an argument derived from it) is wrong. */
export class ConfigError extends EnxutoError {}

/** A data file is malformed, truncated or inconsistent. */
export class FormatError extends EnxutoError {}

/** Message prefix naming where the problem is, so the text alone is enough to act on. */
function where(file: string | undefined, field: string | undefined): string {
  const parts = [file, field].filter((p): p is string => p !== undefined && p !== '');
  return parts.length > 0 ? `${parts.join(': ')}: ` : '';
}

export function configError(message: string, details: DataErrorDetails): ConfigError {
  return new ConfigError(where(details.file, details.field) + message, details);
}

export function formatError(message: string, details: DataErrorDetails): FormatError {
  return new FormatError(where(details.file, details.field) + message, details);
}
