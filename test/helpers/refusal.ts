/** The EdgefitError `fn` throws (any other error is rethrown; returning normally fails the test). */
import { EdgefitError } from '../../src/analyzer/errors.ts';

export function refusal(fn: () => unknown, whenNothingThrown = 'expected an EdgefitError, got a result'): EdgefitError {
  try {
    fn();
  } catch (e) {
    if (e instanceof EdgefitError) return e;
    throw e;
  }
  throw new Error(whenNothingThrown);
}
