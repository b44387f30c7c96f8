/**
 * Error classes named like PyTorch's Python exceptions, so a ported `except IndexError` maps to
 * `catch (e) { if (e instanceof IndexError) ... }`. Messages follow PyTorch's wording.
 */

/** PyTorch's `RuntimeError`: shape mismatches, invalid states, failed kernels. */
export class RuntimeError extends Error {
  override name = 'RuntimeError';
}

/** PyTorch's `IndexError`: dims and indices out of range. Also a `RangeError` for JS code. */
export class IndexError extends RangeError {
  override name = 'IndexError';
}

/** PyTorch's `ValueError`: invalid argument values. */
export class ValueError extends Error {
  override name = 'ValueError';
}

/** PyTorch's `NotImplementedError`: an op that exists but not for this dtype or device. */
export class NotImplementedError extends Error {
  override name = 'NotImplementedError';
}
