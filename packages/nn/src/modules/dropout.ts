/** Dropout layers: active in training mode only. */

import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import * as F from '../functional/index.js';
import { Module } from '../module.js';

abstract class DropoutBase extends Module {
  constructor(
    readonly p = 0.5,
    readonly inplace = false,
  ) {
    super();
    if (p < 0 || p > 1)
      throw new torch.ValueError(`dropout probability has to be between 0 and 1, but got ${p}`);
  }
  override extraRepr(): string {
    return `p=${this.p}, inplace=${this.inplace ? 'True' : 'False'}`;
  }
}

/** Zeroes elements with probability `p` in training, scaling the rest by `1 / (1 - p)`. */
export class Dropout extends DropoutBase {
  override forward(input: Tensor): Tensor {
    return F.dropout(input, this.p, this.training, this.inplace);
  }
}

/** Zeroes whole channels of `(N, C, L)` inputs. */
export class Dropout1d extends DropoutBase {
  override forward(input: Tensor): Tensor {
    return F.dropout1d(input, this.p, this.training, this.inplace);
  }
}

/** Zeroes whole channels of `(N, C, H, W)` inputs. */
export class Dropout2d extends DropoutBase {
  override forward(input: Tensor): Tensor {
    return F.dropout2d(input, this.p, this.training, this.inplace);
  }
}

/** Zeroes whole channels of `(N, C, D, H, W)` inputs. */
export class Dropout3d extends DropoutBase {
  override forward(input: Tensor): Tensor {
    return F.dropout3d(input, this.p, this.training, this.inplace);
  }
}

/** Dropout that keeps the self-normalising property of SELU networks. */
export class AlphaDropout extends DropoutBase {
  override forward(input: Tensor): Tensor {
    return F.alphaDropout(input, this.p, this.training);
  }
}

/** Alpha dropout of whole channels. */
export class FeatureAlphaDropout extends DropoutBase {
  override forward(input: Tensor): Tensor {
    return F.featureAlphaDropout(input, this.p, this.training);
  }
}
