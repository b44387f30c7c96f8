"""Golden values for @proj/nn from real PyTorch 1.13.

Run with /usr/bin/python3 (the interpreter with torch):

    /usr/bin/python3 packages/nn/scripts/gen-nn-goldens.py

Writes packages/nn/fixtures/{layers,losses,init,structure}.json. Tensors are stored as
{"shape": [...], "dtype": "float64", "data": [flat values]}.

- layers.json / losses.json: for each case, the state dict of the module, the inputs, the output, and the gradients of
  sum(output * upstream) w.r.t. every floating input and parameter (upstream is a fixed random tensor).
- init.json: default initialisations and nn.init results after torch.manual_seed, dropout masks.
- structure.json: state-dict keys, printed module trees and load_state_dict error messages.
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures')
os.makedirs(OUT, exist_ok=True)

DTYPE_NAMES = {torch.float32: 'float32', torch.float64: 'float64', torch.int64: 'int64', torch.bool: 'bool'}


def enc(t):
    t = t.detach()
    data = t.reshape(-1).tolist()
    if t.dtype == torch.bool:
        data = [bool(v) for v in data]
    return {'shape': list(t.shape), 'dtype': DTYPE_NAMES[t.dtype], 'data': data}


def run_case(name, make, inputs, dtype=torch.float64, train=True, seed=0):
    torch.manual_seed(seed)
    module = make()
    module = module.to(dtype)
    module.train(train)
    state = {k: enc(v) for k, v in module.state_dict().items()}
    ins = []
    for x in inputs:
        if x.is_floating_point():
            x = x.detach().to(dtype).clone().requires_grad_(True)
        ins.append(x)
    out = module(*ins)
    if isinstance(out, tuple):
        out = out[0]
    g = torch.randn(out.shape, dtype=dtype, generator=torch.Generator().manual_seed(1234))
    (out * g).sum().backward()
    return {
        'name': name,
        'dtype': DTYPE_NAMES[dtype],
        'training': train,
        'state': state,
        'inputs': [enc(x) for x in ins],
        'upstream': enc(g),
        'output': enc(out),
        'inputGrads': [enc(x.grad) if x.is_floating_point() and x.grad is not None else None for x in ins],
        'paramGrads': {k: enc(p.grad) for k, p in module.named_parameters() if p.grad is not None},
        'stateAfter': {k: enc(v) for k, v in module.state_dict().items()},
    }


def rn(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def ri(high, *shape, seed=0):
    return torch.randint(0, high, shape, generator=torch.Generator().manual_seed(seed))


layers = []
L = lambda *a, **k: layers.append(run_case(*a, **k))  # noqa: E731

L('Linear', lambda: nn.Linear(3, 4), [rn(5, 3)])
L('Linear3d', lambda: nn.Linear(3, 4), [rn(2, 5, 3)])
L('LinearNoBias', lambda: nn.Linear(3, 4, bias=False), [rn(5, 3)])
L('LinearFloat32', lambda: nn.Linear(3, 4), [rn(5, 3)], dtype=torch.float32)
L('Bilinear', lambda: nn.Bilinear(2, 3, 4), [rn(5, 2), rn(5, 3, seed=1)])
L('Embedding', lambda: nn.Embedding(6, 3), [ri(6, 2, 4)])
L('EmbeddingPadding', lambda: nn.Embedding(6, 3, padding_idx=1), [torch.tensor([[1, 2, 1], [0, 5, 1]])])
L('EmbeddingScaleGrad', lambda: nn.Embedding(6, 3, scale_grad_by_freq=True), [torch.tensor([[1, 2, 1], [0, 5, 1]])])
L('EmbeddingBagSum', lambda: nn.EmbeddingBag(6, 3, mode='sum'), [ri(6, 3, 4)])
L('EmbeddingBagMean', lambda: nn.EmbeddingBag(6, 3, mode='mean'), [ri(6, 3, 4)])
L('EmbeddingBagMax', lambda: nn.EmbeddingBag(6, 3, mode='max'), [ri(6, 3, 4)])
for act in ['ReLU', 'ReLU6', 'LeakyReLU', 'ELU', 'SELU', 'CELU', 'GELU', 'SiLU', 'Mish', 'Sigmoid', 'Tanh',
            'Hardtanh', 'Hardsigmoid', 'Hardswish', 'Softplus', 'Softsign', 'LogSigmoid', 'Tanhshrink',
            'Softshrink', 'Hardshrink', 'GLU']:
    L(act, getattr(nn, act), [rn(4, 6) * 3])
L('GELUTanh', lambda: nn.GELU('tanh'), [rn(4, 6) * 3])
L('LeakyReLU02', lambda: nn.LeakyReLU(0.2), [rn(4, 6) * 3])
L('ELU05', lambda: nn.ELU(0.5), [rn(4, 6) * 3])
L('CELU2', lambda: nn.CELU(2.0), [rn(4, 6) * 3])
L('Softplus2', lambda: nn.Softplus(2, 5), [rn(4, 6) * 3])
L('Threshold', lambda: nn.Threshold(0.1, 20), [rn(4, 6)])
L('PReLU', lambda: nn.PReLU(), [rn(4, 3, 5)])
L('PReLU3', lambda: nn.PReLU(3, 0.1), [rn(4, 3, 5)])
L('Softmax', lambda: nn.Softmax(dim=1), [rn(4, 6)])
L('LogSoftmax', lambda: nn.LogSoftmax(dim=1), [rn(4, 6)])
L('Softmin', lambda: nn.Softmin(dim=-1), [rn(4, 6)])
L('LayerNorm', lambda: nn.LayerNorm(6), [rn(4, 6)])
L('LayerNorm2', lambda: nn.LayerNorm([3, 4]), [rn(2, 3, 4)])
L('GroupNorm', lambda: nn.GroupNorm(2, 4), [rn(3, 4, 5)])
L('BatchNorm1d', lambda: nn.BatchNorm1d(3), [rn(5, 3)])
L('BatchNorm1d3d', lambda: nn.BatchNorm1d(3), [rn(5, 3, 4)])
L('BatchNorm2d', lambda: nn.BatchNorm2d(3), [rn(2, 3, 4, 4)])
L('BatchNorm2dEval', lambda: nn.BatchNorm2d(3), [rn(2, 3, 4, 4)], train=False)
L('BatchNorm2dNoMomentum', lambda: nn.BatchNorm2d(3, momentum=None), [rn(2, 3, 4, 4)])
L('BatchNorm2dNoTrack', lambda: nn.BatchNorm2d(3, track_running_stats=False, affine=False), [rn(2, 3, 4, 4)])
L('InstanceNorm2d', lambda: nn.InstanceNorm2d(3, affine=True, track_running_stats=True), [rn(2, 3, 4, 4)])
L('Conv1d', lambda: nn.Conv1d(2, 3, 3), [rn(2, 2, 7)])
L('Conv1dSame', lambda: nn.Conv1d(2, 4, 4, padding='same', dilation=2, groups=2), [rn(2, 2, 7)])
L('Conv2d', lambda: nn.Conv2d(2, 3, 3), [rn(2, 2, 6, 5)])
L('Conv2dStride', lambda: nn.Conv2d(2, 4, (3, 2), stride=(2, 1), padding=(1, 2), dilation=(1, 2)), [rn(2, 2, 7, 6)])
L('Conv2dGroups', lambda: nn.Conv2d(4, 6, 3, padding=1, groups=2, bias=False), [rn(2, 4, 5, 5)])
L('Conv2dSame', lambda: nn.Conv2d(2, 3, 4, padding='same'), [rn(1, 2, 5, 6)])
L('Conv2dValid', lambda: nn.Conv2d(2, 3, 3, padding='valid'), [rn(1, 2, 5, 6)])
L('Conv2dReflect', lambda: nn.Conv2d(2, 3, 3, padding=2, padding_mode='reflect'), [rn(1, 2, 5, 6)])
L('Conv2dReplicate', lambda: nn.Conv2d(2, 3, 3, padding=1, padding_mode='replicate'), [rn(1, 2, 5, 6)])
L('Conv2dCircular', lambda: nn.Conv2d(2, 3, 3, padding=(1, 2), padding_mode='circular'), [rn(1, 2, 5, 6)])
L('Conv2dUnbatched', lambda: nn.Conv2d(2, 3, 3), [rn(2, 5, 5)])
L('ConvTranspose1d', lambda: nn.ConvTranspose1d(2, 3, 3, stride=2, padding=1, output_padding=1), [rn(2, 2, 5)])
L('ConvTranspose2d', lambda: nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1, output_padding=1), [rn(2, 2, 4, 3)])
L('ConvTranspose2dGroups', lambda: nn.ConvTranspose2d(4, 6, (2, 3), stride=(1, 2), groups=2, dilation=2), [rn(1, 4, 3, 3)])
L('MaxPool1d', lambda: nn.MaxPool1d(3, stride=2, padding=1), [rn(2, 3, 9)])
L('MaxPool2d', lambda: nn.MaxPool2d(2), [rn(2, 3, 6, 6)])
L('MaxPool2dCeil', lambda: nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True), [rn(2, 3, 8, 7)])
L('MaxPool2dDilation', lambda: nn.MaxPool2d(2, stride=1, dilation=2), [rn(1, 2, 6, 6)])
L('AvgPool1d', lambda: nn.AvgPool1d(3, stride=2, padding=1), [rn(2, 3, 9)])
L('AvgPool2d', lambda: nn.AvgPool2d(2), [rn(2, 3, 6, 6)])
L('AvgPool2dPad', lambda: nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False), [rn(2, 3, 8, 7)])
L('AvgPool2dPadInclude', lambda: nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True), [rn(2, 3, 8, 7)])
L('AvgPool2dDivisor', lambda: nn.AvgPool2d(2, divisor_override=3), [rn(1, 2, 4, 4)])
L('AdaptiveAvgPool1d', lambda: nn.AdaptiveAvgPool1d(4), [rn(2, 3, 10)])
L('AdaptiveAvgPool2d', lambda: nn.AdaptiveAvgPool2d((3, 2)), [rn(2, 3, 7, 5)])
L('AdaptiveMaxPool2d', lambda: nn.AdaptiveMaxPool2d((3, 2)), [rn(2, 3, 7, 5)])
L('Flatten', lambda: nn.Flatten(), [rn(2, 3, 4)])
L('Unflatten', lambda: nn.Unflatten(1, (2, 3)), [rn(4, 6)])
L('UpsampleNearest', lambda: nn.Upsample(scale_factor=2), [rn(1, 2, 3, 3)])
L('UpsampleBilinear', lambda: nn.Upsample(size=(5, 4), mode='bilinear'), [rn(1, 2, 3, 3)])
L('UpsampleBilinearAlign', lambda: nn.Upsample(scale_factor=2, mode='bilinear', align_corners=True), [rn(1, 2, 3, 3)])
L('PixelShuffle', lambda: nn.PixelShuffle(2), [rn(2, 8, 2, 3)])
L('PixelUnshuffle', lambda: nn.PixelUnshuffle(2), [rn(2, 2, 4, 6)])
L('LocalResponseNorm', lambda: nn.LocalResponseNorm(3), [rn(2, 5, 3)])
L('Sequential', lambda: nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2)), [rn(4, 3)])


def cnn():
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(4, 4, 3, padding=1),
                         nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(16, 3))


L('SmallCNN', cnn, [rn(2, 1, 8, 8)], dtype=torch.float32)

losses = []


def loss_case(name, fn, inputs, grads_for, dtype=torch.float64, extra=None):
    ins = []
    for i, x in enumerate(inputs):
        if x.is_floating_point():
            # a fresh leaf per case: inputs such as `logits` are shared between cases
            x = x.detach().to(dtype).clone()
            if i in grads_for:
                x.requires_grad_(True)
        ins.append(x)
    out = fn(*ins)
    g = torch.randn(out.shape, dtype=dtype, generator=torch.Generator().manual_seed(99))
    (out * g).sum().backward()
    losses.append({
        'name': name,
        'dtype': DTYPE_NAMES[dtype],
        'inputs': [enc(x) for x in ins],
        'upstream': enc(g),
        'output': enc(out),
        'inputGrads': [enc(x.grad) if x.grad is not None else None for x in ins],
    })


logits = rn(5, 4)
classes = torch.tensor([0, 3, 1, 1, 2])
w4 = rn(4, seed=7).abs() + 0.5
for red in ['mean', 'sum', 'none']:
    loss_case(f'MSELoss_{red}', lambda a, b, r=red: F.mse_loss(a, b, reduction=r), [rn(3, 4), rn(3, 4, seed=1)], [0, 1])
    loss_case(f'L1Loss_{red}', lambda a, b, r=red: F.l1_loss(a, b, reduction=r), [rn(3, 4), rn(3, 4, seed=1)], [0, 1])
    loss_case(f'CrossEntropy_{red}', lambda a, b, r=red: F.cross_entropy(a, b, reduction=r), [logits, classes], [0])
    loss_case(f'CrossEntropyWeight_{red}', lambda a, b, w, r=red: F.cross_entropy(a, b, weight=w, reduction=r),
              [logits, classes, w4], [0])
    loss_case(f'CrossEntropySmoothing_{red}',
              lambda a, b, w, r=red: F.cross_entropy(a, b, weight=w, reduction=r, label_smoothing=0.2, ignore_index=1),
              [logits, classes, w4], [0])
    loss_case(f'CrossEntropySmoothingNoWeight_{red}',
              lambda a, b, r=red: F.cross_entropy(a, b, reduction=r, label_smoothing=0.1, ignore_index=3),
              [logits, classes], [0])
    loss_case(f'CrossEntropyProbs_{red}',
              lambda a, b, w, r=red: F.cross_entropy(a, b, weight=w, reduction=r, label_smoothing=0.1),
              [logits, rn(5, 4, seed=3).softmax(1), w4], [0, 1])
    loss_case(f'NLLLoss_{red}', lambda a, b, w, r=red: F.nll_loss(a, b, weight=w, reduction=r, ignore_index=1),
              [logits.log_softmax(1), classes, w4], [0])
    loss_case(f'BCELoss_{red}', lambda a, b, w, r=red: F.binary_cross_entropy(a, b, weight=w, reduction=r),
              [rn(3, 4).sigmoid(), rn(3, 4, seed=1).sigmoid(), rn(4, seed=2).abs()], [0, 1])
    loss_case(f'BCEWithLogits_{red}',
              lambda a, b, w, p, r=red: F.binary_cross_entropy_with_logits(a, b, weight=w, pos_weight=p, reduction=r),
              [rn(3, 4) * 3, rn(3, 4, seed=1).sigmoid(), rn(4, seed=2).abs(), rn(4, seed=3).abs()], [0, 1])
loss_case('CrossEntropyKDim', lambda a, b: F.cross_entropy(a, b), [rn(2, 4, 3, 2), ri(4, 2, 3, 2)], [0])
loss_case('CrossEntropyKDimNone', lambda a, b: F.cross_entropy(a, b, reduction='none', ignore_index=0),
          [rn(2, 4, 3, 2), ri(4, 2, 3, 2)], [0])
loss_case('CrossEntropyUnbatched', lambda a, b: F.cross_entropy(a, b), [rn(4), torch.tensor(2)], [0])
loss_case('CrossEntropyFloat32', lambda a, b: F.cross_entropy(a, b), [logits, classes], [0], dtype=torch.float32)
loss_case('BCEWithLogitsPlain', lambda a, b: F.binary_cross_entropy_with_logits(a, b), [rn(3, 4) * 3, rn(3, 4, seed=1).sigmoid()], [0, 1])
loss_case('SmoothL1Loss', lambda a, b: F.smooth_l1_loss(a, b, beta=0.5), [rn(3, 4), rn(3, 4, seed=1)], [0, 1])
loss_case('HuberLoss', lambda a, b: F.huber_loss(a, b, delta=0.7), [rn(3, 4), rn(3, 4, seed=1)], [0, 1])
loss_case('KLDivBatchmean', lambda a, b: F.kl_div(a, b, reduction='batchmean'), [rn(3, 4).log_softmax(1), rn(3, 4, seed=1).softmax(1)], [0, 1])
loss_case('KLDivLogTarget', lambda a, b: F.kl_div(a, b, reduction='sum', log_target=True), [rn(3, 4).log_softmax(1), rn(3, 4, seed=1).log_softmax(1)], [0, 1])
loss_case('CosineEmbedding', lambda a, b, y: F.cosine_embedding_loss(a, b, y, margin=0.2), [rn(4, 5), rn(4, 5, seed=1), torch.tensor([1, -1, 1, -1])], [0, 1])
loss_case('MarginRanking', lambda a, b, y: F.margin_ranking_loss(a, b, y, margin=0.1), [rn(6), rn(6, seed=1), torch.tensor([1., -1., 1., -1., 1., 1.])], [0, 1])
loss_case('TripletMargin', lambda a, p, n: F.triplet_margin_loss(a, p, n, margin=1.5), [rn(4, 5), rn(4, 5, seed=1), rn(4, 5, seed=2)], [0, 1, 2])
loss_case('TripletMarginSwap', lambda a, p, n: F.triplet_margin_loss(a, p, n, p=1, swap=True), [rn(4, 5), rn(4, 5, seed=1), rn(4, 5, seed=2)], [0, 1, 2])
loss_case('PoissonNLL', lambda a, b: F.poisson_nll_loss(a, b), [rn(3, 4), rn(3, 4, seed=1).abs() * 3], [0])
loss_case('PoissonNLLFull', lambda a, b: F.poisson_nll_loss(a, b, log_input=False, full=True), [rn(3, 4).abs() + 0.1, rn(3, 4, seed=1).abs() * 3], [0])
loss_case('GaussianNLL', lambda a, b, v: F.gaussian_nll_loss(a, b, v), [rn(3, 4), rn(3, 4, seed=1), rn(3, 4, seed=2).abs()], [0, 1, 2])
loss_case('GaussianNLLFull', lambda a, b, v: F.gaussian_nll_loss(a, b, v, full=True, reduction='sum'), [rn(3, 4), rn(3, 4, seed=1), rn(3, seed=2).abs() * 1e-7], [0, 1, 2])
loss_case('MultiMargin', lambda a, b: F.multi_margin_loss(a, b), [logits, classes], [0])
loss_case('MultiMarginP2Weight', lambda a, b, w: F.multi_margin_loss(a, b, p=2, margin=0.5, weight=w), [logits, classes, w4], [0])
loss_case('MultiLabelSoftMargin', lambda a, b: F.multilabel_soft_margin_loss(a, b), [logits, (rn(5, 4, seed=4) > 0).double()], [0])
loss_case('HingeEmbedding', lambda a, b: F.hinge_embedding_loss(a, b, margin=0.5), [rn(3, 4), torch.tensor([[1., -1., 1., -1.]] * 3)], [0])
loss_case('SoftMargin', lambda a, b: F.soft_margin_loss(a, b), [rn(3, 4), torch.tensor([[1., -1., 1., -1.]] * 3)], [0])
loss_case('CosineSimilarity', lambda a, b: F.cosine_similarity(a, b), [rn(4, 5), rn(4, 5, seed=1)], [0, 1])
loss_case('PairwiseDistance', lambda a, b: F.pairwise_distance(a, b, p=3), [rn(4, 5), rn(4, 5, seed=1)], [0, 1])
loss_case('Normalize', lambda a: F.normalize(a, dim=0), [rn(4, 5)], [0])
loss_case('ScaledDotProductAttention', lambda q, k, v, m: torch.softmax(q @ k.transpose(-2, -1) / 2.0 + m, -1) @ v,
          [rn(2, 3, 4), rn(2, 5, 4, seed=1), rn(2, 5, 6, seed=2), rn(3, 5, seed=3)], [0, 1, 2])
loss_case('PadReflect', lambda a: F.pad(a, (2, 1, 1, 2), mode='reflect'), [rn(1, 2, 4, 5)], [0])
loss_case('PadConstant', lambda a: F.pad(a, (2, -1, 0, 3), value=1.5), [rn(1, 2, 4, 5)], [0])
loss_case('Unfold', lambda a: F.unfold(a, (2, 3), dilation=(2, 1), padding=1, stride=(1, 2)), [rn(2, 3, 5, 6)], [0])
loss_case('Fold', lambda a: F.fold(a, (4, 5), 2, padding=1, stride=2), [rn(2, 12, 9)], [0])
loss_case('OneHotLinear', lambda a, b: F.linear(F.one_hot(b, 4).double(), a), [rn(3, 4), torch.tensor([0, 3, 1])], [0])

# Default initialisations, nn.init and dropout masks after manual_seed.
init = {}


def seeded(name, fn, seed=0):
    torch.manual_seed(seed)
    init[name] = enc(fn())


seeded('Linear.weight', lambda: nn.Linear(3, 2).weight)
seeded('Linear.bias', lambda: nn.Linear(3, 2).bias)
seeded('Linear.big', lambda: nn.Linear(100, 50).weight, seed=3)
seeded('Conv2d.weight', lambda: nn.Conv2d(2, 3, 3).weight)
seeded('Conv2d.bias', lambda: nn.Conv2d(2, 3, 3).bias)
seeded('ConvTranspose2d.weight', lambda: nn.ConvTranspose2d(2, 3, 3).weight)
seeded('Conv1dGroups.weight', lambda: nn.Conv1d(4, 6, 3, groups=2).weight)
seeded('Embedding.weight', lambda: nn.Embedding(4, 3, padding_idx=2).weight)
seeded('Bilinear.weight', lambda: nn.Bilinear(2, 3, 4).weight)
seeded('xavier_uniform_', lambda: nn.init.xavier_uniform_(torch.empty(3, 5), gain=2.0))
seeded('xavier_normal_', lambda: nn.init.xavier_normal_(torch.empty(3, 5)))
seeded('kaiming_uniform_', lambda: nn.init.kaiming_uniform_(torch.empty(4, 3, 2), mode='fan_out', nonlinearity='relu'))
seeded('kaiming_normal_', lambda: nn.init.kaiming_normal_(torch.empty(4, 6), a=0.1))
seeded('trunc_normal_', lambda: nn.init.trunc_normal_(torch.empty(200), mean=0.5, std=2.0, a=-1.0, b=3.0))
seeded('orthogonal_', lambda: nn.init.orthogonal_(torch.empty(3, 5), gain=1.5))
seeded('orthogonal_tall', lambda: nn.init.orthogonal_(torch.empty(6, 2, 2)))
seeded('sparse_', lambda: nn.init.sparse_(torch.empty(5, 4), 0.4))
seeded('uniform_', lambda: nn.init.uniform_(torch.empty(7), -2.0, 3.0))
seeded('normal_', lambda: nn.init.normal_(torch.empty(7), 1.0, 0.5))
seeded('eye_', lambda: nn.init.eye_(torch.empty(3, 4)))
seeded('dirac_', lambda: nn.init.dirac_(torch.empty(4, 2, 3), groups=2))
seeded('dropout', lambda: F.dropout(torch.ones(4, 6), 0.3))
seeded('dropout2d', lambda: F.dropout2d(torch.ones(2, 5, 2, 2), 0.4))
seeded('alpha_dropout', lambda: F.alpha_dropout(torch.ones(3, 5) * 0.5, 0.2, training=True))
init['gains'] = {k: nn.init.calculate_gain(k) for k in ['linear', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'selu', 'conv2d']}
init['gains']['leaky_relu_0.2'] = nn.init.calculate_gain('leaky_relu', 0.2)

# Structure: state dict keys, printed trees and load_state_dict errors.
structure = {}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2))
        self.head = nn.ModuleDict({'fc': nn.Linear(16, 3), 'drop': nn.Dropout(0.1)})
        self.blocks = nn.ModuleList([nn.Linear(3, 3), nn.LayerNorm(3)])
        self.scale = nn.Parameter(torch.ones(1))
        self.register_buffer('steps', torch.zeros(1))
        self.register_buffer('cache', torch.zeros(2), persistent=False)
        self.emb = nn.Embedding(5, 2, padding_idx=0)


net = Net()
structure['netKeys'] = list(net.state_dict().keys())
structure['netRepr'] = repr(net)
structure['netParams'] = [n for n, _ in net.named_parameters()]
structure['netBuffers'] = [n for n, _ in net.named_buffers()]
structure['netModules'] = [n for n, _ in net.named_modules()]
lin = nn.Linear(3, 2)
sd = lin.state_dict()
bad = {'weight': torch.zeros(2, 4), 'extra': torch.zeros(1)}
try:
    lin.load_state_dict(bad)
except RuntimeError as e:
    structure['loadError'] = str(e)
try:
    nn.Sequential(nn.Linear(3, 2)).load_state_dict({'0.weight': torch.zeros(2, 3), '1.bias': torch.zeros(2)})
except RuntimeError as e:
    structure['loadErrorSeq'] = str(e)
try:
    lin.load_state_dict({'weight': torch.zeros(3, 3), 'bias': torch.zeros(2)}, strict=False)
except RuntimeError as e:
    structure['loadErrorShape'] = str(e)
r = nn.Sequential(nn.Linear(3, 2)).load_state_dict({'0.weight': torch.zeros(2, 3), 'x': torch.zeros(1)}, strict=False)
structure['nonStrict'] = {'missing': r.missing_keys, 'unexpected': r.unexpected_keys}
reprs = {}
for expr in ['nn.Linear(2, 3, bias=False)', 'nn.Bilinear(2, 3, 4)', "nn.Embedding(5, 3, padding_idx=0, max_norm=1.0)",
             "nn.EmbeddingBag(5, 3, mode='sum')", 'nn.Dropout(0.2)', 'nn.Dropout2d()', 'nn.AlphaDropout(0.1)',
             'nn.Conv1d(2, 3, 3)',
             "nn.Conv2d(2, 4, 3, stride=2, padding=1, dilation=2, groups=2, bias=False, padding_mode='reflect')",
             "nn.Conv2d(1, 8, 3, padding='same')", 'nn.ConvTranspose2d(2, 3, 3, stride=2, output_padding=1)',
             'nn.MaxPool2d(2)', 'nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)', 'nn.AvgPool2d(2)',
             'nn.AvgPool1d(3, 2, 1)', 'nn.AdaptiveAvgPool2d((3, None))', 'nn.AdaptiveAvgPool1d(4)', 'nn.MaxUnpool2d(2)',
             'nn.BatchNorm1d(3)', 'nn.BatchNorm2d(3, momentum=None, affine=False, track_running_stats=False)',
             'nn.LayerNorm(4)', 'nn.LayerNorm([2, 3], elementwise_affine=False)', 'nn.GroupNorm(2, 4)',
             'nn.InstanceNorm2d(3)', 'nn.Flatten()', 'nn.Unflatten(1, (2, 3))', 'nn.Upsample(scale_factor=2)',
             'nn.PixelShuffle(2)', 'nn.ReLU()', 'nn.ReLU(inplace=True)', 'nn.LeakyReLU()', 'nn.PReLU(3, 0.1)',
             'nn.ELU()', 'nn.GELU()', "nn.GELU('tanh')", 'nn.Hardtanh()', 'nn.Softplus()', 'nn.Softmax(dim=1)',
             'nn.Threshold(0.1, 20)', 'nn.Softshrink()', 'nn.CrossEntropyLoss()', 'nn.Identity()',
             'nn.ParameterList([nn.Parameter(torch.ones(3)), nn.Parameter(torch.ones(2, 2))])',
             'nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Sequential())', 'nn.LocalResponseNorm(2)']:
    reprs[expr] = repr(eval(expr))
structure['reprs'] = reprs

for name, value in [('layers', layers), ('losses', losses), ('init', init), ('structure', structure)]:
    with open(os.path.join(OUT, f'{name}.json'), 'w') as f:
        json.dump(value, f)
    print(name, os.path.getsize(os.path.join(OUT, f'{name}.json')))
