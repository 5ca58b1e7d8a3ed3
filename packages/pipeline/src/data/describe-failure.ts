// For tests: what a user would read about an error, so assertions check the file and field as
// well as the message. (A candidate for @enxuto/test-support.)
import { EnxutoError } from './errors.js';

/** `code | file, field x: message` of the typed error `fn` throws; `no error` if it returns. */
export function describeFailure(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return e instanceof EnxutoError
      ? `${e.constructor.name} ${e.code} | ${e.describe()}`
      : `untyped error: ${String(e)}`;
  }
  return 'no error';
}
