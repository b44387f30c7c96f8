/** A small seeded random number generator for the data pipeline (windows, subsampling, negatives, splits). */

/**
 * Mulberry32: 32-bit state, fast and good enough for sampling. The tensor RNG (`torch.manualSeed`) seeds the
 * weights; this one drives the per-token decisions, where a call per draw through the tensor API would cost more
 * than the training step itself.
 */
export class Random {
  private state: number;

  /** Starts the stream at `seed` (any integer). */
  constructor(seed: number) {
    this.state = (seed ^ 0x9e3779b9) >>> 0;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Shuffles `array` in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [index: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const held = array[i];
      array[i] = array[j];
      array[j] = held;
    }
    return array;
  }
}
