/**
 * Grad mode: whether ops record graph nodes. `noGrad`, `enableGrad`, `inferenceMode` and `setGradEnabled` work as
 * scope functions (`noGrad(() => ...)`) and as `using` guards (`using _ = noGrad();`).
 */

let gradEnabled = true;
let inferenceEnabled = false;

/** `torch.is_grad_enabled()`. */
export function isGradEnabled(): boolean {
  return gradEnabled && !inferenceEnabled;
}

/** `torch.is_inference_mode_enabled()`. */
export function isInferenceModeEnabled(): boolean {
  return inferenceEnabled;
}

/** A guard that restores the previous mode when disposed (`using`) or when `restore()` is called. */
export interface ModeGuard extends Disposable {
  restore(): void;
}

function guard(restore: () => void): ModeGuard {
  let done = false;
  const once = () => {
    if (!done) {
      done = true;
      restore();
    }
  };
  return { restore: once, [Symbol.dispose]: once };
}

function withMode<T>(enabled: boolean, fn?: () => T): T | ModeGuard {
  const previous = gradEnabled;
  gradEnabled = enabled;
  if (fn === undefined)
    return guard(() => {
      gradEnabled = previous;
    });
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/**
 * `torch.no_grad()`: runs `fn` without recording, or, called with no argument, returns a `using` guard.
 *
 * ```ts
 * const y = noGrad(() => model.call(x));
 * { using _ = noGrad(); w.sub_(w.grad!.mul(lr)); }
 * ```
 */
export function noGrad<T>(fn: () => T): T;
export function noGrad(): ModeGuard;
export function noGrad<T>(fn?: () => T): T | ModeGuard {
  return withMode(false, fn);
}

/** `torch.enable_grad()`: the opposite of `noGrad`. */
export function enableGrad<T>(fn: () => T): T;
export function enableGrad(): ModeGuard;
export function enableGrad<T>(fn?: () => T): T | ModeGuard {
  return withMode(true, fn);
}

/** `torch.set_grad_enabled(mode)`: sets the mode; the returned guard restores the previous one. */
export function setGradEnabled(mode: boolean): ModeGuard;
export function setGradEnabled<T>(mode: boolean, fn: () => T): T;
export function setGradEnabled<T>(mode: boolean, fn?: () => T): T | ModeGuard {
  return withMode(mode, fn);
}

/** `torch.inference_mode()`: like `noGrad`, for code that never needs gradients. */
export function inferenceMode<T>(fn: () => T): T;
export function inferenceMode(): ModeGuard;
export function inferenceMode<T>(fn?: () => T): T | ModeGuard {
  const previous = inferenceEnabled;
  inferenceEnabled = true;
  if (fn === undefined)
    return guard(() => {
      inferenceEnabled = previous;
    });
  try {
    return fn();
  } finally {
    inferenceEnabled = previous;
  }
}
