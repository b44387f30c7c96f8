/** Hyper-parameter checks shared by the constructors, with PyTorch's messages. */
import { ValueError } from '@proj/tensor';
import { pyStr } from './python.js';

/** `if not 0.0 <= value: raise ValueError(f"Invalid {what}: {value}")` (NaN fails too, as in Python). */
export function checkNonNegative(value: number, what: string): void {
  if (!(0 <= value)) throw new ValueError(`Invalid ${what}: ${pyStr(value)}`);
}

/** Adam-style `betas`: each in [0, 1). */
export function checkBetas(betas: readonly [number, number]): void {
  for (let i = 0; i < 2; i++) {
    const beta = betas[i]!;
    if (!(0 <= beta && beta < 1))
      throw new ValueError(`Invalid beta parameter at index ${i}: ${pyStr(beta)}`);
  }
}
