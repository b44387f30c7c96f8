/**
 * `@proj/tensor/testing`: the conformance suite every backend runs. Its cases are golden values from real PyTorch
 * 1.13 (views with strides and storage offsets, reductions with NaN/-inf/ties, matrix products, error messages),
 * embedded in the module so the suite runs anywhere, browsers included, without reading files.
 *
 * ```ts
 * import { runConformanceSuite } from '@proj/tensor/testing';
 * import { it } from 'vitest';
 * runConformanceSuite({ device: 'cuda', test: it });
 * ```
 *
 * Each case builds its inputs on the CPU, moves them with `.to(device)` (strided inputs keep their layout), runs the
 * op, and compares the result brought back with `.cpu()`; view cases also compare strides, offsets and storage
 * sharing on the device tensors.
 */
import { CONFORMANCE_CASES } from './conformance-cases.js';
import { type GoldenCase, runGoldenCase } from './golden.js';

export {
  type GoldenCase,
  type GoldenInput,
  GoldenMismatch,
  type GoldenResult,
  type GoldenTensor,
  runGoldenCase,
} from './golden.js';

/** One named conformance case; `run` throws a `GoldenMismatch` (or the op's unexpected error) on failure. */
export interface ConformanceCase {
  readonly name: string;
  /** The fixture group: `views`, `reduce` or `matmul`. */
  readonly group: string;
  run(device: string, toleranceScale?: number): void;
}

/** The conformance cases, optionally restricted to some groups. */
export function conformanceCases(options: { groups?: readonly string[] } = {}): ConformanceCase[] {
  return CONFORMANCE_CASES.filter(
    (c) => options.groups === undefined || options.groups.includes(c.group ?? ''),
  ).map((c: GoldenCase) => ({
    name: `${c.group}: ${c.name}`,
    group: c.group ?? '',
    run: (device: string, toleranceScale?: number) => runGoldenCase(c, device, { toleranceScale }),
  }));
}

/** Options of {@link runConformanceSuite}. */
export interface ConformanceSuiteOptions {
  /** Device string the inputs are moved to, e.g. `'cpu'` or `'cuda:0'`. */
  device: string;
  /** The test runner's test function (`it` or `test` from vitest, or anything with that shape). */
  test: (name: string, fn: () => void | Promise<void>) => void;
  /** Case names (`group: name`) to skip, e.g. for a documented backend limitation. */
  skip?: readonly string[];
  /** Restrict to some groups (`views`, `reduce`, `matmul`). */
  groups?: readonly string[];
  /** Multiplies the per-dtype float tolerances (1 by default: float32 within 1e-5 of the magnitude). */
  toleranceScale?: number;
}

/** Registers every conformance case as a test for `device`. */
export function runConformanceSuite(options: ConformanceSuiteOptions): void {
  const skip = new Set(options.skip ?? []);
  for (const c of conformanceCases({ groups: options.groups })) {
    if (skip.has(c.name)) continue;
    options.test(`[${options.device}] ${c.name}`, () => c.run(options.device, options.toleranceScale));
  }
}
