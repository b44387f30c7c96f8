"""Golden values for the recurrent, attention and transformer layers of @proj/nn, from real PyTorch 1.13.

Run with /usr/bin/python3 (the interpreter with torch):

    /usr/bin/python3 packages/nn/scripts/gen-nn-goldens-2.py

Writes packages/nn/fixtures/{rnn,attention,transformer}.json (CTC loss cases in rnn.json, LazyLinear in
transformer.json). Tensors are stored as
{"shape": [...], "dtype": "float64", "data": [flat values]} (the encoding of gen-nn-goldens.py).

Each case holds the module's state dict, the inputs, every tensor output (tuples flattened in order: LSTM's
`(out, (h, c))` becomes `[out, h, c]`), and the gradients of sum_i(output_i * upstream_i) w.r.t. every floating input
and parameter. `forwardSeed` (when set) is the torch.manual_seed used right before the forward call, so that seeded
dropout masks match. Besides the cases: default initialisations after manual_seed, state-dict keys, printed reprs
and error messages.
"""
import json
import os
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

warnings.filterwarnings('ignore')
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures')
os.makedirs(OUT, exist_ok=True)

DTYPE_NAMES = {torch.float32: 'float32', torch.float64: 'float64', torch.int64: 'int64', torch.bool: 'bool'}


def enc(t):
    t = t.detach()
    data = t.reshape(-1).tolist()
    if t.dtype == torch.bool:
        data = [bool(v) for v in data]
    return {'shape': list(t.shape), 'dtype': DTYPE_NAMES[t.dtype], 'data': data}


def flatten(out):
    if isinstance(out, torch.Tensor):
        return [out]
    if out is None:
        return []
    result = []
    for item in out:
        result.extend(flatten(item))
    return result


def rn(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def run_case(cases, name, make, inputs, call=None, dtype=torch.float64, train=True, forward_seed=None, grads=True):
    """`call(module, inputs)` runs the module (default: module(*inputs))."""
    torch.manual_seed(0)
    module = make().to(dtype)
    module.train(train)
    state = {k: enc(v) for k, v in module.state_dict().items()}
    ins = []
    for x in inputs:
        if x.is_floating_point():
            x = x.detach().to(dtype).clone().requires_grad_(grads)
        ins.append(x)
    if forward_seed is not None:
        torch.manual_seed(forward_seed)
    out = flatten(call(module, ins) if call is not None else module(*ins))
    ups = [torch.randn(o.shape, dtype=dtype, generator=torch.Generator().manual_seed(1234 + i)) for i, o in
           enumerate(out)]
    if grads:
        sum((o * g).sum() for o, g in zip(out, ups)).backward()
    cases.append({
        'name': name,
        'dtype': DTYPE_NAMES[dtype],
        'training': train,
        'forwardSeed': forward_seed,
        'state': state,
        'inputs': [enc(x) for x in ins],
        'upstream': [enc(g) for g in ups],
        'outputs': [enc(o) for o in out],
        'inputGrads': [enc(x.grad) if x.is_floating_point() and x.grad is not None else None for x in ins],
        'paramGrads': {k: enc(p.grad) for k, p in module.named_parameters() if p.grad is not None},
    })


def errors(table):
    result = {}
    for key, fn in table.items():
        try:
            fn()
            result[key] = None
        except Exception as e:  # noqa: BLE001
            result[key] = str(e)
    return result


def seeded_state(make, seed=0):
    torch.manual_seed(seed)
    return {k: enc(v) for k, v in make().state_dict().items()}


# ---------------------------------------------------------------------------------------------------------------------
# Recurrent layers
rnn_cases = []
R = lambda *a, **k: run_case(rnn_cases, *a, **k)  # noqa: E731
R('RNN', lambda: nn.RNN(3, 4), [rn(5, 2, 3)])
R('RNNReluBatchFirstH0', lambda: nn.RNN(3, 4, nonlinearity='relu', batch_first=True), [rn(2, 5, 3), rn(1, 2, 4, seed=1)])
R('RNN2LayerBidirH0', lambda: nn.RNN(3, 4, num_layers=2, bidirectional=True), [rn(5, 2, 3), rn(4, 2, 4, seed=1)])
R('RNNNoBias', lambda: nn.RNN(3, 4, bias=False), [rn(5, 2, 3)])
R('RNNUnbatched', lambda: nn.RNN(3, 4, num_layers=2), [rn(5, 3), rn(2, 4, seed=1)])
R('LSTM', lambda: nn.LSTM(3, 4), [rn(5, 2, 3)])
R('LSTM2LayerBidirBatchFirst', lambda: nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True),
  [rn(2, 5, 3), rn(4, 2, 4, seed=1), rn(4, 2, 4, seed=2)], call=lambda m, x: m(x[0], (x[1], x[2])))
R('LSTMUnbatched', lambda: nn.LSTM(3, 4), [rn(5, 3), rn(1, 4, seed=1), rn(1, 4, seed=2)],
  call=lambda m, x: m(x[0], (x[1], x[2])))
R('LSTMProj', lambda: nn.LSTM(3, 4, num_layers=2, bidirectional=True, proj_size=2), [rn(5, 2, 3)])
R('LSTMFloat32', lambda: nn.LSTM(3, 4, num_layers=2), [rn(5, 2, 3)], dtype=torch.float32)
R('GRU', lambda: nn.GRU(3, 4), [rn(5, 2, 3)])
R('GRU2LayerBidirH0', lambda: nn.GRU(3, 4, num_layers=2, bidirectional=True, batch_first=True),
  [rn(2, 5, 3), rn(4, 2, 4, seed=1)])
R('GRUDropout', lambda: nn.GRU(3, 4, num_layers=3, dropout=0.4, batch_first=True), [rn(2, 5, 3)], forward_seed=7)
R('LSTMDropoutEval', lambda: nn.LSTM(3, 4, num_layers=2, dropout=0.4), [rn(5, 2, 3)], train=False)
R('RNNCell', lambda: nn.RNNCell(3, 4), [rn(2, 3), rn(2, 4, seed=1)])
R('RNNCellRelu', lambda: nn.RNNCell(3, 4, nonlinearity='relu'), [rn(2, 3)])
R('RNNCellUnbatched', lambda: nn.RNNCell(3, 4), [rn(3), rn(4, seed=1)])
R('LSTMCell', lambda: nn.LSTMCell(3, 4), [rn(2, 3), rn(2, 4, seed=1), rn(2, 4, seed=2)],
  call=lambda m, x: m(x[0], (x[1], x[2])))
R('LSTMCellNoHidden', lambda: nn.LSTMCell(3, 4, bias=False), [rn(2, 3)])
R('GRUCell', lambda: nn.GRUCell(3, 4), [rn(2, 3), rn(2, 4, seed=1)])
R('GRUCellUnbatchedFloat32', lambda: nn.GRUCell(3, 4), [rn(3)], dtype=torch.float32)

rnn_init = {
    'LSTM': seeded_state(lambda: nn.LSTM(3, 4, num_layers=2, bidirectional=True)),
    'GRU': seeded_state(lambda: nn.GRU(3, 5)),
    'RNN': seeded_state(lambda: nn.RNN(2, 3, bias=False)),
    'LSTMProj': seeded_state(lambda: nn.LSTM(3, 4, proj_size=2)),
    'LSTMCell': seeded_state(lambda: nn.LSTMCell(3, 4)),
    'GRUCell': seeded_state(lambda: nn.GRUCell(3, 4)),
    'RNNCell': seeded_state(lambda: nn.RNNCell(3, 4)),
    'LSTMBig': seeded_state(lambda: nn.LSTM(30, 40), seed=3),
}
rnn_reprs = {}
for expr in ['nn.RNN(3, 4)', "nn.RNN(3, 4, nonlinearity='relu', bias=False)", 'nn.GRU(3, 4, num_layers=3)',
             'nn.LSTM(3, 4, num_layers=2, batch_first=True, dropout=0.2, bidirectional=True, proj_size=2)',
             'nn.RNNCell(3, 4)', "nn.RNNCell(3, 4, nonlinearity='relu')", 'nn.LSTMCell(3, 4, bias=False)',
             'nn.GRUCell(3, 4)']:
    rnn_reprs[expr] = repr(eval(expr))
rnn_errors = errors({
    'inputSize': lambda: nn.LSTM(3, 4)(torch.randn(5, 2, 6)),
    'inputDim': lambda: nn.GRU(3, 4)(torch.randn(5, 2, 3, 1)),
    'hiddenSize': lambda: nn.GRU(3, 4)(torch.randn(5, 2, 3), torch.randn(1, 3, 4)),
    'lstmHidden0': lambda: nn.LSTM(3, 4)(torch.randn(5, 2, 3), (torch.randn(1, 3, 4), torch.randn(1, 2, 4))),
    'lstmHidden1': lambda: nn.LSTM(3, 4)(torch.randn(5, 2, 3), (torch.randn(1, 2, 4), torch.randn(1, 3, 4))),
    'unbatchedHx': lambda: nn.GRU(3, 4)(torch.randn(5, 3), torch.randn(1, 2, 4)),
    'batchedHx': lambda: nn.GRU(3, 4)(torch.randn(5, 2, 3), torch.randn(2, 4)),
    'nonlinearity': lambda: nn.RNN(3, 4, nonlinearity='foo'),
    'dropout': lambda: nn.RNN(3, 4, dropout=2),
    'projSize': lambda: nn.LSTM(3, 4, proj_size=4),
    'projSizeGru': lambda: nn.GRU(3, 4, proj_size=2),
    'cellInputSize': lambda: nn.RNNCell(3, 4)(torch.randn(2, 5)),
    'cellBatch': lambda: nn.RNNCell(3, 4)(torch.randn(2, 3), torch.randn(3, 4)),
    'cellHidden': lambda: nn.RNNCell(3, 4)(torch.randn(2, 3), torch.randn(2, 5)),
    'cellDim': lambda: nn.LSTMCell(3, 4)(torch.randn(2, 3, 3)),
    'cellNonlinearity': lambda: nn.RNNCell(3, 4, nonlinearity='foo'),
})
rnn_keys = {
    'LSTMProjBidir': list(nn.LSTM(3, 4, num_layers=2, bidirectional=True, proj_size=2).state_dict().keys()),
    'GRUBidir': list(nn.GRU(3, 4, num_layers=2, bidirectional=True).state_dict().keys()),
    'RNNNoBias': list(nn.RNN(3, 4, bias=False).state_dict().keys()),
    'LSTMCell': list(nn.LSTMCell(3, 4).state_dict().keys()),
}

# ---------------------------------------------------------------------------------------------------------------------
# Multi-head attention
attention_cases = []
A = lambda *a, **k: run_case(attention_cases, *a, **k)  # noqa: E731
self_attn = lambda **kw: (lambda m, x: m(x[0], x[0], x[0], **kw))  # noqa: E731
cross_attn = lambda **kw: (lambda m, x: m(x[0], x[1], x[2], **kw))  # noqa: E731
causal = torch.ones(4, 4, dtype=torch.bool).triu(1)
kpm = torch.tensor([[False, False, True, True], [False, False, False, True]])
A('SelfAttention', lambda: nn.MultiheadAttention(8, 2), [rn(4, 2, 8)], call=self_attn())
A('CrossAttention', lambda: nn.MultiheadAttention(8, 2), [rn(3, 2, 8), rn(4, 2, 8, seed=1), rn(4, 2, 8, seed=2)],
  call=cross_attn())
A('KdimVdimBatchFirst', lambda: nn.MultiheadAttention(8, 4, kdim=3, vdim=5, batch_first=True),
  [rn(2, 3, 8), rn(2, 4, 3, seed=1), rn(2, 4, 5, seed=2)], call=cross_attn())
A('BoolCausalMask', lambda: nn.MultiheadAttention(8, 2), [rn(4, 2, 8)], call=self_attn(attn_mask=causal))
A('FloatMask3d', lambda: nn.MultiheadAttention(8, 2), [rn(4, 2, 8), rn(4, 4, 4, seed=5)],
  call=lambda m, x: m(x[0], x[0], x[0], attn_mask=x[1]))
A('KeyPaddingMask', lambda: nn.MultiheadAttention(8, 2, batch_first=True), [rn(2, 4, 8)],
  call=self_attn(key_padding_mask=kpm))
A('KeyPaddingAndCausal', lambda: nn.MultiheadAttention(8, 2), [rn(4, 2, 8)],
  call=self_attn(key_padding_mask=kpm, attn_mask=causal))
A('FloatKeyPadding', lambda: nn.MultiheadAttention(8, 2), [rn(4, 2, 8), rn(2, 4, seed=6)],
  call=lambda m, x: m(x[0], x[0], x[0], key_padding_mask=x[1]))
A('BiasKvZeroAttn', lambda: nn.MultiheadAttention(8, 2, add_bias_kv=True, add_zero_attn=True), [rn(4, 2, 8)],
  call=self_attn(key_padding_mask=kpm, attn_mask=causal))
A('NoAverage', lambda: nn.MultiheadAttention(8, 2), [rn(3, 2, 8), rn(4, 2, 8, seed=1)],
  call=lambda m, x: m(x[0], x[1], x[1], average_attn_weights=False))
A('NoWeights', lambda: nn.MultiheadAttention(8, 2, bias=False), [rn(4, 2, 8)], call=self_attn(need_weights=False))
A('Unbatched', lambda: nn.MultiheadAttention(8, 2), [rn(4, 8)], call=self_attn(key_padding_mask=kpm[0]))
A('Dropout', lambda: nn.MultiheadAttention(8, 2, dropout=0.3), [rn(4, 2, 8)], call=self_attn(), forward_seed=3)
A('EvalFloat32', lambda: nn.MultiheadAttention(8, 2, dropout=0.3), [rn(4, 2, 8)], call=self_attn(),
  dtype=torch.float32, train=False)
attention_init = {
    'MHA': seeded_state(lambda: nn.MultiheadAttention(8, 2)),
    'MHAKdim': seeded_state(lambda: nn.MultiheadAttention(8, 2, kdim=3, vdim=5, add_bias_kv=True)),
    'MHABig': seeded_state(lambda: nn.MultiheadAttention(64, 4), seed=3),
}
attention_reprs = {expr: repr(eval(expr)) for expr in ['nn.MultiheadAttention(8, 2)',
                                                       'nn.MultiheadAttention(8, 2, kdim=3, vdim=5, bias=False)']}
attention_keys = {
    'kdim': list(nn.MultiheadAttention(8, 2, kdim=3, vdim=5, add_bias_kv=True).state_dict().keys()),
    'plain': list(nn.MultiheadAttention(8, 2).state_dict().keys()),
}
mha = nn.MultiheadAttention(8, 2)
attention_errors = errors({
    'divisible': lambda: nn.MultiheadAttention(8, 3),
    'maskShape': lambda: mha(torch.randn(3, 2, 8), torch.randn(3, 2, 8), torch.randn(3, 2, 8),
                             attn_mask=torch.zeros(3, 4, dtype=torch.bool)),
    'embedDim': lambda: mha(torch.randn(3, 2, 6), torch.randn(3, 2, 6), torch.randn(3, 2, 6)),
    'queryDim': lambda: mha(torch.randn(3, 2, 2, 8), torch.randn(3, 2, 8), torch.randn(3, 2, 8)),
    'kpmShape': lambda: mha(torch.randn(3, 2, 8), torch.randn(4, 2, 8), torch.randn(4, 2, 8),
                            key_padding_mask=torch.zeros(2, 3, dtype=torch.bool)),
})

# ---------------------------------------------------------------------------------------------------------------------
# Transformer encoder
transformer_cases = []
T = lambda *a, **k: run_case(transformer_cases, *a, **k)  # noqa: E731
T('EncoderLayer', lambda: nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0), [rn(4, 2, 8)])
T('EncoderLayerNormFirstGelu',
  lambda: nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, activation='gelu', norm_first=True, batch_first=True),
  [rn(2, 4, 8)], call=lambda m, x: m(x[0], src_key_padding_mask=kpm))
T('EncoderLayerMask', lambda: nn.TransformerEncoderLayer(8, 4, 12, dropout=0.0), [rn(4, 2, 8)],
  call=lambda m, x: m(x[0], src_mask=causal))
T('EncoderLayerDropout', lambda: nn.TransformerEncoderLayer(8, 2, 16, dropout=0.2), [rn(4, 2, 8)], forward_seed=11)
T('Encoder', lambda: nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0), 2,
                                           norm=nn.LayerNorm(8)), [rn(4, 2, 8)],
  call=lambda m, x: m(x[0], mask=causal, src_key_padding_mask=kpm))
T('EncoderFloat32', lambda: nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0), 3),
  [rn(4, 2, 8)], dtype=torch.float32)
transformer_init = {
    'EncoderLayer': seeded_state(lambda: nn.TransformerEncoderLayer(8, 2, 16)),
    'Encoder': seeded_state(lambda: nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16), 2)),
}


def after_encoder():
    torch.manual_seed(0)
    nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16), 2)
    return enc(torch.rand(3))


transformer_init['randAfterEncoder'] = after_encoder()
transformer_reprs = {expr: repr(eval(expr)) for expr in [
    'nn.TransformerEncoderLayer(8, 2, 16)',
    "nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, activation='gelu'), 2, norm=nn.LayerNorm(8))"]}
transformer_keys = {
    'Encoder': list(nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16), 2, norm=nn.LayerNorm(8))
                    .state_dict().keys()),
}
transformer_errors = errors({'activation': lambda: nn.TransformerEncoderLayer(8, 2, activation='tanh')})

# LazyLinear: materialised on the first call with PyTorch's default initialisation.
torch.manual_seed(0)
lazy = nn.LazyLinear(3)
lazy_repr_before = repr(lazy)
lazy_x = torch.randn(2, 4)
lazy_y = lazy(lazy_x)
lazy_fixture = {'reprBefore': lazy_repr_before, 'reprAfter': repr(lazy), 'input': enc(lazy_x), 'output': enc(lazy_y),
                'weight': enc(lazy.weight), 'bias': enc(lazy.bias)}


# ---------------------------------------------------------------------------------------------------------------------
# CTC loss (written to rnn.json under "ctc"): gradients w.r.t. the log-probs leaf (PyTorch's formula) and, for the
# "Logits" cases, w.r.t. logits through log_softmax.

ctc_cases = []


def ctc_case(name, logits, targets, input_lengths, target_lengths, dtype=torch.float64, through_softmax=False, **kw):
    leaf = logits.detach().to(dtype).clone()
    if not through_softmax:
        leaf = leaf.log_softmax(-1).detach()
    leaf.requires_grad_(True)
    lp = leaf.log_softmax(-1) if through_softmax else leaf
    out = F.ctc_loss(lp, targets, input_lengths, target_lengths, **kw)
    g = torch.randn(out.shape, dtype=dtype, generator=torch.Generator().manual_seed(99))
    (out * g).sum().backward()
    ctc_cases.append({'name': name, 'dtype': DTYPE_NAMES[dtype], 'throughSoftmax': through_softmax,
                      'options': {'blank': kw.get('blank', 0), 'reduction': kw.get('reduction', 'mean'),
                                  'zeroInfinity': kw.get('zero_infinity', False)},
                      'input': enc(leaf), 'targets': enc(targets), 'inputLengths': list(input_lengths),
                      'targetLengths': list(target_lengths), 'upstream': enc(g), 'output': enc(out),
                      'grad': enc(leaf.grad)})


padded = torch.tensor([[1, 2, 2, 3], [3, 1, 0, 0], [2, 2, 2, 1]])
ctc_case('MeanPadded', rn(7, 3, 5), padded, [7, 6, 7], [4, 2, 4])
ctc_case('SumConcatenated', rn(7, 3, 5), torch.tensor([1, 2, 2, 3, 3, 1, 2, 2, 2, 1]), [7, 6, 7], [4, 2, 4],
         reduction='sum')
ctc_case('NoneZeroInfinity', rn(7, 3, 5), padded, [7, 2, 7], [4, 2, 4], reduction='none', zero_infinity=True)
ctc_case('Blank2EmptyTarget', rn(6, 2, 4), torch.tensor([[0, 1, 3], [1, 1, 1]]), [6, 5], [3, 0], blank=2)
ctc_case('LogitsMean', rn(7, 3, 5), padded, [7, 6, 5], [4, 2, 1], through_softmax=True)
ctc_case('Unbatched', rn(6, 4), torch.tensor([1, 3, 3]), [6], [3], reduction='sum')
ctc_case('Float32', rn(7, 3, 5), padded, [7, 6, 7], [4, 2, 4], dtype=torch.float32)
ctc_repr = repr(nn.CTCLoss(blank=1, reduction='sum', zero_infinity=True))

for name, value in [
    ('rnn', {'cases': rnn_cases, 'init': rnn_init, 'reprs': rnn_reprs, 'errors': rnn_errors, 'keys': rnn_keys,
             'ctc': {'cases': ctc_cases, 'repr': ctc_repr}}),
    ('attention', {'cases': attention_cases, 'init': attention_init, 'reprs': attention_reprs,
                   'errors': attention_errors, 'keys': attention_keys}),
    ('transformer', {'cases': transformer_cases, 'init': transformer_init, 'reprs': transformer_reprs,
                     'errors': transformer_errors, 'keys': transformer_keys, 'lazy': lazy_fixture}),
]:
    with open(os.path.join(OUT, f'{name}.json'), 'w') as f:
        json.dump(value, f)
    print(name, os.path.getsize(os.path.join(OUT, f'{name}.json')))
