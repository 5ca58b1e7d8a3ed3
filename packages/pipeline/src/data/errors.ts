// Data sources throw @enxuto/ir's typed errors; these helpers keep their construction in one
// place. The message says what is wrong; `file` and `field` say where (EnxutoError.describe()
// puts them first).
import { ConfigError, FormatError, UnsupportedError, type ErrorDetails } from '@enxuto/ir';

export { ConfigError, EnxutoError, FormatError, UnsupportedError } from '@enxuto/ir';

/** A dataset spec, or an argument derived from it, is wrong. */
export function configError(message: string, details: ErrorDetails): ConfigError {
  return new ConfigError(message, details);
}

/** A data file is malformed, truncated or inconsistent. */
export function formatError(message: string, details: ErrorDetails): FormatError {
  return new FormatError(message, details);
}

/** Valid data in a form not handled yet (Fortran order, big-endian floats...). */
export function unsupportedError(message: string, details: ErrorDetails): UnsupportedError {
  return new UnsupportedError(message, details);
}
