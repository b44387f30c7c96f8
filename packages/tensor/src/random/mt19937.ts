/**
 * The MT19937 engine exactly as PyTorch's `at::mt19937` (aten/src/ATen/core/MT19937RNGEngine.h): the same
 * seeding, the same lazy twist (`left`/`next` counters) and the same tempering, so a port of a seeded PyTorch
 * program draws the same 32-bit words in the same order.
 */

/** Number of 32-bit words in the MT19937 state. */
export const MERSENNE_STATE_N = 624;
/** The MT19937 middle-word offset. */
export const MERSENNE_STATE_M = 397;

const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const UINT64_MASK = (1n << 64n) - 1n;

/**
 * The engine's plain data, mirroring `at::mt19937_data_pod`: `seed` is the full 64-bit seed (only its low 32 bits
 * feed the state), `left` counts draws until the next twist, `next` indexes the next state word.
 */
export interface MT19937Data {
  seed: bigint;
  left: number;
  seeded: boolean;
  next: number;
  state: Uint32Array;
}

/** PyTorch's MT19937. `random()` is `operator()`; `random64()` is `CPUGeneratorImpl::random64`. */
export class MT19937 {
  /** The 624-word state vector. */
  readonly state = new Uint32Array(MERSENNE_STATE_N);
  /** Draws left before the next twist (1 right after seeding, so the first draw twists). */
  left = 1;
  /** Index of the next state word to temper. */
  next = 0;
  /** Whether the engine was seeded (always true for an engine built here; kept for the state layout). */
  seeded = true;
  private seedValue = 5489n;

  /** Seeds like `at::mt19937(seed)`; the default 5489 is the reference implementation's. */
  constructor(seed: bigint | number = 5489n) {
    this.seed(seed);
  }

  /**
   * Re-seeds: `init_with_uint32`. The 64-bit seed is kept for `initialSeed`, but only its low 32 bits enter the
   * state (`state[0] = seed & 0xffffffff`), so seeds that differ only above bit 31 draw the same numbers.
   */
  seed(seed: bigint | number): void {
    const seed64 = BigInt.asUintN(64, BigInt(seed));
    this.seedValue = seed64;
    this.seeded = true;
    const state = this.state;
    state[0] = Number(seed64 & 0xffffffffn);
    for (let j = 1; j < MERSENNE_STATE_N; j++) {
      const previous = state[j - 1]!;
      state[j] = (Math.imul(1812433253, previous ^ (previous >>> 30)) + j) >>> 0;
    }
    this.left = 1;
    this.next = 0;
  }

  /** The 64-bit seed this engine was last seeded with. */
  initialSeed(): bigint {
    return this.seedValue;
  }

  /** Regenerates all 624 words (`next_state`), identical to the reference twist. */
  private twist(): void {
    const state = this.state;
    this.left = MERSENNE_STATE_N;
    this.next = 0;
    let k = 0;
    for (; k < MERSENNE_STATE_N - MERSENNE_STATE_M; k++) {
      const y = (state[k]! & UPPER_MASK) | (state[k + 1]! & LOWER_MASK);
      state[k] = (state[k + MERSENNE_STATE_M]! ^ (y >>> 1) ^ (state[k + 1]! & 1 ? MATRIX_A : 0)) >>> 0;
    }
    for (; k < MERSENNE_STATE_N - 1; k++) {
      const y = (state[k]! & UPPER_MASK) | (state[k + 1]! & LOWER_MASK);
      state[k] =
        (state[k + MERSENNE_STATE_M - MERSENNE_STATE_N]! ^ (y >>> 1) ^ (state[k + 1]! & 1 ? MATRIX_A : 0)) >>>
        0;
    }
    const y = (state[k]! & UPPER_MASK) | (state[0]! & LOWER_MASK);
    state[k] = (state[MERSENNE_STATE_M - 1]! ^ (y >>> 1) ^ (state[0]! & 1 ? MATRIX_A : 0)) >>> 0;
  }

  /** One tempered 32-bit draw, as an unsigned integer in [0, 2^32). */
  random(): number {
    if (--this.left === 0) this.twist();
    let y = this.state[this.next++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** `random64()`: two draws, the first as the high word (`make64BitsFrom32Bits(hi, lo)`). */
  random64(): bigint {
    const high = this.random();
    const low = this.random();
    return (BigInt(high) << 32n) | BigInt(low);
  }

  /**
   * The high and low words of a `random64()` draw without a BigInt, for hot paths that only need
   * `(high * 2^32 + low) & mask` with mask below 2^53.
   */
  random64Words(words: Uint32Array): void {
    words[0] = this.random();
    words[1] = this.random();
  }

  /** A copy of the engine's data (`mt19937::data()`). */
  data(): MT19937Data {
    return {
      seed: this.seedValue,
      left: this.left,
      seeded: this.seeded,
      next: this.next,
      state: this.state.slice(),
    };
  }

  /** Replaces the engine's data (`mt19937::set_data`); callers validate with `isValid` first. */
  setData(data: MT19937Data): void {
    this.seedValue = data.seed & UINT64_MASK;
    this.left = data.left;
    this.seeded = data.seeded;
    this.next = data.next;
    this.state.set(data.state);
  }

  /** `mt19937::is_valid`: seeded, 0 < left <= 624 and next <= 624. */
  static isValid(data: MT19937Data): boolean {
    return data.seeded && data.left > 0 && data.left <= MERSENNE_STATE_N && data.next <= MERSENNE_STATE_N;
  }

  /** A deep copy of this engine. */
  clone(): MT19937 {
    const copy = new MT19937();
    copy.setData(this.data());
    return copy;
  }
}
