/** `torch.nn.utils`. */
export { clipGradNorm_, clipGradValue_ } from './clip-grad.js';
export { parametersToVector, vectorToParameters } from './convert-parameters.js';
export * as rnn from './rnn.js';
export { removeSpectralNorm, spectralNorm } from './spectral-norm.js';
export { removeWeightNorm, weightNorm } from './weight-norm.js';
