/**
 * `torch.nn.functional`: every layer and loss as a function. Import as `import { F } from '@proj/nn'`.
 */

export { ctcLoss } from '../modules/ctc.js';
export * from './activation.js';
export * from './attention.js';
export * from './conv.js';
export * from './dropout.js';
export * from './embedding.js';
export * from './linear.js';
export * from './loss.js';
export * from './misc.js';
export * from './normalization.js';
export * from './pooling.js';
