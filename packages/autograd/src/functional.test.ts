/**
 * `autograd.functional` against PyTorch 1.13 goldens: jacobian/hessian/vjp/jvp/hvp/vhp values and tuple structures,
 * createGraph results, strict-mode and argument errors.
 */
import { readFileSync } from 'node:fs';
import type { DType, Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { describe, expect, test } from 'vitest';
import { functional } from './index.js';

interface Encoded {
  shape: number[];
  data: number[];
  dtype: string;
}

const golden = JSON.parse(
  readFileSync(new URL('../fixtures/autograd.json', import.meta.url), 'utf8'),
).functional;

function fromEncoded(e: Encoded): Tensor {
  return torch.tensor(e.data, { dtype: e.dtype as DType }).reshape(e.shape);
}

/** Compares nested arrays of tensors with nested arrays of encoded goldens (the tuple structure must match). */
function expectMatch(actual: unknown, expected: unknown, tolerance = 1e-9): void {
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), 'structure: expected an array (tuple)').toBe(true);
    expect((actual as unknown[]).length).toBe(expected.length);
    expected.forEach((e, i) => {
      expectMatch((actual as unknown[])[i], e, tolerance);
    });
    return;
  }
  const e = expected as Encoded;
  expect(actual).toBeInstanceOf(torch.Tensor);
  const t = actual as Tensor;
  expect(t.shape).toEqual(e.shape);
  expect(t.dtype).toBe(e.dtype as DType);
  const values = t.detach().reshape(-1).tolist() as number[];
  values.forEach((v, i) => {
    expect(Math.abs(v - e.data[i]!)).toBeLessThanOrEqual(tolerance * (1 + Math.abs(v)));
  });
}

const X = fromEncoded(golden.inputs.X);
const Y = fromEncoded(golden.inputs.Y);
const V2 = fromEncoded(golden.inputs.V2);
const V23 = fromEncoded(golden.inputs.V23);
const V3 = fromEncoded(golden.inputs.V3);

const expReducer = (x: Tensor) => x.exp().sum(1);
const adder = (x: Tensor, y: Tensor) => x.mul(2).add(y.mul(3));
const twoOut = (x: Tensor, y: Tensor): Tensor[] => [x.mul(y).sum(0), x.sin()];
const scalar = (x: Tensor) => x.pow(3).sum();
const scalar2 = (x: Tensor, y: Tensor) => x.pow(2).mul(y).sum().add(y.exp().sum());
const indep = (x: Tensor, _y: Tensor) => x.exp();

describe('jacobian', () => {
  test('single input, single output', () => {
    expectMatch(functional.jacobian(expReducer, X), golden.jacobian.exp_reducer);
  });
  test('tuple of inputs, single output: a tuple', () => {
    expectMatch(functional.jacobian(adder, [Y, V3]), golden.jacobian.adder);
  });
  test('tuple of inputs, tuple of outputs: a tuple of tuples', () => {
    expectMatch(functional.jacobian(twoOut, [X, Y]), golden.jacobian.two_out);
  });
  test('single input, tuple of outputs: a tuple', () => {
    expectMatch(
      functional.jacobian((x) => [x.sum(), x.cos()], Y),
      golden.jacobian.two_out_single_input,
    );
  });
  test('an input the output does not depend on gives zeros', () => {
    expectMatch(functional.jacobian(indep, [X, Y]), golden.jacobian.indep);
  });
  test('vectorize gives the same result', () => {
    expectMatch(functional.jacobian(twoOut, [X, Y], { vectorize: true }), golden.jacobian.two_out);
  });
  test('inputs are not modified and results are detached', () => {
    const x = X.clone().requiresGrad_(true);
    const jac = functional.jacobian(expReducer, x) as Tensor;
    expect(jac.requiresGrad).toBe(false);
    expect(x.grad).toBeNull();
  });
  test('createGraph: the result is differentiable (ViewBackward0, as in PyTorch)', () => {
    const jac = functional.jacobian(expReducer, X.clone().requiresGrad_(true), {
      createGraph: true,
    }) as Tensor;
    expect(jac.gradFn!.name).toBe(golden.create_graph_names.jacobian);
  });
});

describe('hessian (needs the stack formula)', () => {
  test('single input', () => {
    expectMatch(functional.hessian(scalar, X), golden.hessian.scalar);
  });
  test('tuple of inputs: a tuple of tuples', () => {
    expectMatch(functional.hessian(scalar2, [X, Y]), golden.hessian.scalar2);
  });
});

describe('vector products', () => {
  test('vjp', () => {
    expectMatch(functional.vjp(expReducer, X, V2), golden.vjp.exp_reducer);
    expectMatch(functional.vjp(twoOut, [X, Y], [Y, V23]), golden.vjp.two_out);
  });
  test('vjp with createGraph keeps the graph', () => {
    const [, product] = functional.vjp(expReducer, X.clone().requiresGrad_(true), V2, { createGraph: true });
    expect((product as Tensor).gradFn!.name).toBe(golden.create_graph_names.vjp);
  });
  test('vjp of an independent input gives zeros', () => {
    expectMatch(functional.vjp(indep, [X, Y], V23)[1], golden.vjp_indep);
  });
  test('jvp (double-backward trick)', () => {
    expectMatch(functional.jvp(expReducer, X, V23), golden.jvp.exp_reducer);
    expectMatch(functional.jvp(twoOut, [X, Y], [V23, V3]), golden.jvp.two_out);
  });
  test('hvp and vhp', () => {
    expectMatch(functional.hvp(scalar2, [X, Y], [V23, V3]), golden.hvp);
    expectMatch(functional.vhp(scalar2, [X, Y], [V23, V3]), golden.vhp);
  });
  test('v may be omitted for single-element outputs (vjp) and inputs (jvp, hvp)', () => {
    const x = torch.tensor([2], { dtype: 'float64' });
    expect((functional.vjp((t) => t.pow(3).sum(), x)[1] as Tensor).tolist()).toEqual([12]);
    expect((functional.jvp((t) => t.pow(3), x)[1] as Tensor).tolist()).toEqual([12]);
    expect((functional.hvp((t) => t.pow(3).sum(), x)[1] as Tensor).tolist()).toEqual([12]);
  });
});

describe('errors match PyTorch', () => {
  const errors = golden.errors as Record<string, [string, string]>;
  const cases: Record<string, () => unknown> = {
    strict_indep: () => functional.jacobian(indep, [X, Y], { strict: true }),
    strict_output_no_grad: () => functional.jacobian(() => torch.ones(2), X, { strict: true }),
    strict_vjp: () => functional.vjp(indep, [X, Y], V23, { strict: true }),
    strict_jvp: () => functional.jvp(indep, [X, Y], [V23, V3], { strict: true }),
    strict_vectorize: () => functional.jacobian(expReducer, X, { strict: true, vectorize: true }),
    v_none: () => functional.vjp(expReducer, X),
    v_bad_size: () => functional.vjp(expReducer, X, V3),
    v_bad_len: () => functional.jvp(adder, [Y, V3], [V3]),
    v_bad_entry: () => functional.jvp(adder, [Y, V3], [V3, V2]),
    v_single_many: () => functional.jvp(expReducer, X, [V23, V23]),
    hessian_nonscalar: () => functional.hessian((x) => x.exp(), X),
    hessian_tuple_out: () => functional.hessian((x) => [x.sum()], X),
    vhp_nonscalar: () => functional.vhp((x) => x.exp(), X, V23),
    bad_input_type: () => functional.jacobian(expReducer, [X, 3 as unknown as Tensor]),
    bad_output_type: () => functional.jacobian(() => 3 as unknown as Tensor, X),
  };
  cases.strict_hessian_linear = () => functional.hessian((x) => x.sum(), X, { strict: true });
  for (const [name, run] of Object.entries(cases)) {
    test(name, () => {
      const [type, message] = errors[name]!;
      let thrown: Error | null = null;
      try {
        run();
      } catch (e) {
        thrown = e as Error;
      }
      expect(thrown, 'expected an error').not.toBeNull();
      expect(thrown!.message).toBe(message);
      expect(type === 'TypeError' ? thrown instanceof TypeError : thrown instanceof torch.RuntimeError).toBe(
        true,
      );
    });
  }
});
