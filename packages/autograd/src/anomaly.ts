/**
 * Anomaly detection: with `setDetectAnomaly(true)` (or inside `detectAnomaly(fn)`), each node remembers the stack of
 * the forward call that created it, and a backward that produces NaN fails naming that node and showing the stack.
 */
let enabled = false;

/** `torch.autograd.set_detect_anomaly(mode)`. */
export function setDetectAnomaly(mode: boolean): void {
  enabled = mode;
}

/** `torch.is_anomaly_enabled()`. */
export function isAnomalyEnabled(): boolean {
  return enabled;
}

/** `torch.autograd.detect_anomaly()`: runs `fn` with anomaly detection on. */
export function detectAnomaly<T>(fn: () => T): T {
  const previous = enabled;
  enabled = true;
  try {
    return fn();
  } finally {
    enabled = previous;
  }
}

/** The current stack when anomaly mode is on (recorded on new nodes), else null. */
export function anomalyTraceback(): string | null {
  if (!enabled) return null;
  const stack = new Error().stack ?? '';
  return stack.split('\n').slice(3).join('\n');
}
