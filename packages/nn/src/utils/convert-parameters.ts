/** `parameters_to_vector` and `vector_to_parameters`. */
import { noGrad } from '@proj/autograd';
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';

/** `parameters_to_vector(parameters)`: one flat vector of all parameters, in order. */
export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  return torch.cat([...parameters].map((p) => p.reshape(-1)));
}

/** `vector_to_parameters(vec, parameters)`: copies slices of `vec` into the parameters, in order. */
export function vectorToParameters(vector: Tensor, parameters: Iterable<Tensor>): void {
  if (!(vector instanceof torch.Tensor)) {
    throw new TypeError(`expected torch.Tensor, but got: ${typeof vector}`);
  }
  noGrad(() => {
    let offset = 0;
    for (const param of parameters) {
      const count = param.numel();
      param.copy_(vector.narrow(0, offset, count).reshape(param.shape));
      offset += count;
    }
  });
}
