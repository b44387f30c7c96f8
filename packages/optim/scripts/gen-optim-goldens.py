"""Golden values for @proj/optim from real PyTorch 1.13 (run with /usr/bin/python3).

Writes packages/optim/fixtures/:
  optimizers-<name>.json  parameter trajectories: for each case, the initial parameters, the gradient fed at each
                          step (computed by PyTorch from its own parameters) and the parameters after each step.
                          Tests feed the same gradients and compare every step.
  lbfgs.json              L-BFGS on Rosenbrock (analytic gradient set in the closure), final point, losses, counts.
  schedulers.json         learning rates (and momenta) of every scheduler over 100 steps.
  errors.json             constructor error messages for bad hyper-parameters.

All optimizers use foreach=False, the single-tensor code path our implementation mirrors.
"""
import json
import math
import os
import warnings

import torch

torch.manual_seed(0)
OUT = os.path.join(os.path.dirname(__file__), '..', 'fixtures')
os.makedirs(OUT, exist_ok=True)
STEPS = 20


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def make_params(dtype, shapes):
    g = torch.Generator().manual_seed(1234)
    return [torch.randn(*s, generator=g, dtype=torch.float64).to(dtype).requires_grad_(True) for s in shapes]


def gradient(p, k, sparse_rows=False, step=0):
    """A fixed non-linear gradient field: a(p - c) + 0.3 sin(2p + k), in p's dtype."""
    with torch.no_grad():
        n = p.numel()
        idx = torch.arange(n, dtype=p.dtype).reshape(p.shape)
        g = (0.5 + 0.1 * idx) * (p - 0.25 * k) + 0.3 * torch.sin(2 * p + k)
        if sparse_rows:
            # a different subset of rows each step; rows outside it have an all-zero gradient
            rows = p.shape[0]
            keep = torch.tensor([(r + step) % 3 != 0 for r in range(rows)])
            g = g * keep.to(p.dtype).reshape(-1, *([1] * (p.dim() - 1)))
        return g


SHAPES = [(3, 4), (4,)]

CASES = {
    'sgd': [
        {'lr': 0.1},
        {'lr': 0.05, 'momentum': 0.9},
        {'lr': 0.05, 'momentum': 0.9, 'dampening': 0.5},
        {'lr': 0.05, 'momentum': 0.9, 'nesterov': True},
        {'lr': 0.05, 'momentum': 0.5, 'weight_decay': 0.1},
        {'lr': 0.05, 'momentum': 0.9, 'nesterov': True, 'weight_decay': 0.01, 'maximize': True},
    ],
    'adam': [
        {},
        {'lr': 0.01, 'betas': (0.8, 0.9)},
        {'lr': 0.01, 'weight_decay': 0.1},
        {'lr': 0.01, 'amsgrad': True},
        {'lr': 0.01, 'eps': 1e-3, 'maximize': True},
        {'lr': 0.02, 'amsgrad': True, 'weight_decay': 0.05, 'maximize': True},
    ],
    'adamw': [
        {},
        {'lr': 0.01, 'weight_decay': 0.1},
        {'lr': 0.01, 'amsgrad': True, 'betas': (0.5, 0.6)},
        {'lr': 0.01, 'weight_decay': 0, 'maximize': True},
    ],
    'adamax': [
        {},
        {'lr': 0.01, 'weight_decay': 0.1},
        {'lr': 0.01, 'betas': (0.5, 0.6), 'eps': 1e-3, 'maximize': True},
    ],
    'nadam': [
        {},
        {'lr': 0.01, 'weight_decay': 0.1},
        {'lr': 0.01, 'betas': (0.5, 0.6), 'momentum_decay': 0.1},
    ],
    'radam': [
        {},
        {'lr': 0.01, 'weight_decay': 0.1},
        {'lr': 0.01, 'betas': (0.5, 0.6)},
    ],
    'rmsprop': [
        {},
        {'lr': 0.01, 'alpha': 0.9, 'eps': 1e-4},
        {'lr': 0.01, 'centered': True},
        {'lr': 0.01, 'momentum': 0.9},
        {'lr': 0.01, 'momentum': 0.5, 'centered': True, 'weight_decay': 0.1, 'maximize': True},
    ],
    'adagrad': [
        {},
        {'lr': 0.1, 'lr_decay': 0.01},
        {'lr': 0.1, 'initial_accumulator_value': 0.5, 'weight_decay': 0.1},
        {'lr': 0.1, 'eps': 1e-3, 'maximize': True},
    ],
    'adadelta': [
        {},
        {'lr': 0.5, 'rho': 0.5, 'eps': 1e-4},
        {'lr': 1.0, 'weight_decay': 0.1, 'maximize': True},
    ],
    'rprop': [
        {},
        {'lr': 0.05, 'etas': (0.3, 1.5), 'step_sizes': (1e-3, 0.2)},
        {'lr': 0.05, 'maximize': True},
    ],
    'asgd': [
        {},
        {'lr': 0.05, 'lambd': 0.01, 'alpha': 0.5, 't0': 5},
        {'lr': 0.05, 't0': 3, 'weight_decay': 0.1, 'maximize': True},
    ],
    'sparse_adam': [
        {},
        {'lr': 0.01, 'betas': (0.8, 0.9)},
        {'lr': 0.01, 'eps': 1e-3, 'maximize': True},
    ],
}

CLASSES = {
    'sgd': torch.optim.SGD, 'adam': torch.optim.Adam, 'adamw': torch.optim.AdamW, 'adamax': torch.optim.Adamax,
    'nadam': torch.optim.NAdam, 'radam': torch.optim.RAdam, 'rmsprop': torch.optim.RMSprop,
    'adagrad': torch.optim.Adagrad, 'adadelta': torch.optim.Adadelta, 'rprop': torch.optim.Rprop,
    'asgd': torch.optim.ASGD, 'sparse_adam': torch.optim.SparseAdam,
}
NO_FOREACH = {'sparse_adam', 'lbfgs'}


def run_case(name, kwargs, dtype, groups):
    sparse = name == 'sparse_adam'
    shapes = [(6, 3), (5,)] if sparse else SHAPES
    params = make_params(dtype, shapes)
    init = [flat(p) for p in params]
    opts = dict(kwargs)
    if name not in NO_FOREACH:
        opts['foreach'] = False
    if groups:
        # a second group with its own lr (and, when the optimizer has it, weight decay)
        second = {'params': [params[1]], 'lr': 0.5 * opts.get('lr', 0.01)}
        param_input = [{'params': [params[0]]}, second]
    else:
        param_input = params
    opt = CLASSES[name](param_input, **opts)
    grads, traj = [], []
    for step in range(STEPS):
        step_grads = []
        for k, p in enumerate(params):
            g = gradient(p, k, sparse_rows=sparse, step=step)
            if sparse:
                p.grad = g.to_sparse(1)  # rows with a zero gradient are absent; the test hands ours grad.toSparse(1) too
            else:
                p.grad = g
            step_grads.append(flat(g))
        opt.step()
        grads.append(step_grads)
        traj.append([flat(p) for p in params])
    return {'init': init, 'shapes': [list(s) for s in shapes], 'grads': grads, 'trajectory': traj}


def camel(key):
    parts = key.split('_')
    return parts[0] + ''.join(p[:1].upper() + p[1:] for p in parts[1:])


def js_options(kwargs):
    out = {}
    for k, v in kwargs.items():
        out[camel(k)] = list(v) if isinstance(v, tuple) else v
    return out


for name, cases in CASES.items():
    out = []
    for kwargs in cases:
        for dtype in (torch.float32, torch.float64):
            for groups in ((False, True) if kwargs is cases[0] or len(kwargs) > 1 else (False,)):
                case = run_case(name, kwargs, dtype, groups)
                case.update({'options': js_options(kwargs), 'dtype': str(dtype).replace('torch.', ''), 'groups': groups})
                out.append(case)
    with open(os.path.join(OUT, f'optimizers-{name.replace("_", "-")}.json'), 'w') as f:
        json.dump({'optimizer': name, 'steps': STEPS, 'cases': out}, f)

# ---------------------------------------------------------------------------------------------------------------
# LBFGS on Rosenbrock. The closure sets the analytic gradient with the same op sequence the test uses.


def rosenbrock_closure(x, opt):
    def closure():
        opt.zero_grad()
        with torch.no_grad():
            a = 1 - x[0]
            b = x[1] - x[0] * x[0]
            loss = a * a + 100 * b * b
            g0 = -2 * a - 400 * x[0] * b
            g1 = 200 * b
            x.grad = torch.stack([g0, g1])
        return loss
    return closure


lbfgs_cases = []
for dtype in (torch.float64, torch.float32):
    for opts, steps in (
        ({'line_search_fn': 'strong_wolfe'}, 5),
        ({'line_search_fn': 'strong_wolfe', 'history_size': 3, 'max_iter': 10}, 8),
        ({'lr': 0.1, 'max_iter': 5}, 6),
    ):
        x = torch.tensor([-1.5, 2.0], dtype=dtype, requires_grad=True)
        opt = torch.optim.LBFGS([x], **opts)
        closure = rosenbrock_closure(x, opt)
        losses, points, evals, iters = [], [], [], []
        for _ in range(steps):
            losses.append(float(opt.step(closure)))
            points.append(flat(x))
            st = opt.state[x]
            evals.append(st['func_evals'])
            iters.append(st['n_iter'])
        lbfgs_cases.append({'dtype': str(dtype).replace('torch.', ''), 'options': js_options(opts), 'steps': steps,
                            'losses': losses, 'points': points, 'funcEvals': evals, 'nIter': iters})
with open(os.path.join(OUT, 'lbfgs.json'), 'w') as f:
    json.dump({'cases': lbfgs_cases}, f)

# ---------------------------------------------------------------------------------------------------------------
# Schedulers: SGD (momentum 0.9) with two groups, 100 x (optimizer.step(); scheduler.step()).

S = torch.optim.lr_scheduler


def sched_optimizer(kind='sgd'):
    w = torch.zeros(2, requires_grad=True)
    b = torch.zeros(2, requires_grad=True)
    groups = [{'params': [w]}, {'params': [b], 'lr': 0.01}]
    if kind == 'adam':
        return torch.optim.Adam(groups, lr=0.1)
    return torch.optim.SGD(groups, lr=0.1, momentum=0.9)


def lam1(e):
    return 0.95 ** e


def lam2(e):
    return 1.0 / (e + 1)


def mult(e):
    return 0.97


SCHEDULERS = [
    ('StepLR', lambda o: S.StepLR(o, 7, gamma=0.5), {'args': [7], 'options': {'gamma': 0.5}}),
    ('StepLR-default', lambda o: S.StepLR(o, 30), {'args': [30], 'options': {}}),
    ('MultiStepLR', lambda o: S.MultiStepLR(o, [10, 30, 30, 80], gamma=0.3), {'args': [[10, 30, 30, 80]], 'options': {'gamma': 0.3}}),
    ('ConstantLR', lambda o: S.ConstantLR(o, factor=0.25, total_iters=8), {'args': [], 'options': {'factor': 0.25, 'totalIters': 8}}),
    ('ConstantLR-default', lambda o: S.ConstantLR(o), {'args': [], 'options': {}}),
    ('LinearLR', lambda o: S.LinearLR(o, start_factor=0.1, end_factor=0.9, total_iters=20), {'args': [], 'options': {'startFactor': 0.1, 'endFactor': 0.9, 'totalIters': 20}}),
    ('LinearLR-default', lambda o: S.LinearLR(o), {'args': [], 'options': {}}),
    ('ExponentialLR', lambda o: S.ExponentialLR(o, 0.95), {'args': [0.95], 'options': {}}),
    ('PolynomialLR', lambda o: S.PolynomialLR(o, total_iters=40, power=2.0), {'args': [], 'options': {'totalIters': 40, 'power': 2.0}}),
    ('PolynomialLR-default', lambda o: S.PolynomialLR(o), {'args': [], 'options': {}}),
    ('CosineAnnealingLR', lambda o: S.CosineAnnealingLR(o, 30, eta_min=0.001), {'args': [30], 'options': {'etaMin': 0.001}}),
    ('CosineAnnealingLR-short', lambda o: S.CosineAnnealingLR(o, 7), {'args': [7], 'options': {}}),
    ('CosineAnnealingWarmRestarts', lambda o: S.CosineAnnealingWarmRestarts(o, 10, T_mult=2, eta_min=0.001), {'args': [10], 'options': {'TMult': 2, 'etaMin': 0.001}}),
    ('CosineAnnealingWarmRestarts-default', lambda o: S.CosineAnnealingWarmRestarts(o, 13), {'args': [13], 'options': {}}),
    ('CyclicLR-triangular', lambda o: S.CyclicLR(o, 0.01, 0.1, step_size_up=7), {'args': [0.01, 0.1], 'options': {'stepSizeUp': 7}}),
    ('CyclicLR-triangular2', lambda o: S.CyclicLR(o, [0.01, 0.001], [0.1, 0.05], step_size_up=5, step_size_down=9, mode='triangular2'), {'args': [[0.01, 0.001], [0.1, 0.05]], 'options': {'stepSizeUp': 5, 'stepSizeDown': 9, 'mode': 'triangular2'}}),
    ('CyclicLR-exp_range', lambda o: S.CyclicLR(o, 0.01, 0.1, step_size_up=6, mode='exp_range', gamma=0.98, base_momentum=0.7, max_momentum=0.95), {'args': [0.01, 0.1], 'options': {'stepSizeUp': 6, 'mode': 'exp_range', 'gamma': 0.98, 'baseMomentum': 0.7, 'maxMomentum': 0.95}}),
    ('OneCycleLR', lambda o: S.OneCycleLR(o, 0.5, total_steps=101), {'args': [0.5], 'options': {'totalSteps': 101}}),
    ('OneCycleLR-linear-three-phase', lambda o: S.OneCycleLR(o, [0.5, 0.2], epochs=11, steps_per_epoch=10, anneal_strategy='linear', three_phase=True, pct_start=0.25), {'args': [[0.5, 0.2]], 'options': {'epochs': 11, 'stepsPerEpoch': 10, 'annealStrategy': 'linear', 'threePhase': True, 'pctStart': 0.25}}),
    ('OneCycleLR-adam', lambda o: S.OneCycleLR(o, 0.3, total_steps=120, div_factor=10, final_div_factor=100), {'args': [0.3], 'options': {'totalSteps': 120, 'divFactor': 10, 'finalDivFactor': 100}, 'optimizer': 'adam'}),
    ('LambdaLR', lambda o: S.LambdaLR(o, [lam1, lam2]), {'args': ['lam1,lam2'], 'options': {}}),
    ('MultiplicativeLR', lambda o: S.MultiplicativeLR(o, mult), {'args': ['mult'], 'options': {}}),
    ('SequentialLR', lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=10), S.CosineAnnealingLR(o, 40), S.ExponentialLR(o, 0.9)], [10, 50]), {'args': [], 'options': {}}),
    ('ChainedScheduler', lambda o: S.ChainedScheduler([S.ConstantLR(o, factor=0.1, total_iters=5), S.ExponentialLR(o, 0.97), S.StepLR(o, 25, gamma=0.5)]), {'args': [], 'options': {}}),
]

sched_out = []
with warnings.catch_warnings():
    warnings.simplefilter('ignore')
    for name, make, meta in SCHEDULERS:
        opt = sched_optimizer(meta.get('optimizer', 'sgd'))
        sched = make(opt)
        lrs = [list(sched.get_last_lr())]
        momenta = [[g.get('momentum', g.get('betas', [None])[0]) for g in opt.param_groups]]
        for _ in range(100):
            opt.step()
            sched.step()
            lrs.append(list(sched.get_last_lr()))
            momenta.append([g.get('momentum', g.get('betas', [None])[0]) for g in opt.param_groups])
        sched_out.append({'name': name, **meta, 'lrs': lrs, 'momenta': momenta})

    # ReduceLROnPlateau over a scripted metric sequence
    plateau = []
    metrics = [1.0 / (1 + i) if i < 15 else 0.0625 + 0.001 * ((i * 7) % 5) for i in range(100)]
    for opts in ({}, {'mode': 'max', 'factor': 0.5, 'patience': 3, 'threshold_mode': 'abs', 'threshold': 0.01, 'cooldown': 2},
                 {'patience': 2, 'min_lr': [0.02, 0.001], 'cooldown': 1}):
        opt = sched_optimizer()
        sched = S.ReduceLROnPlateau(opt, **opts)
        lrs = []
        for m in metrics:
            opt.step()
            sched.step(m)
            lrs.append([g['lr'] for g in opt.param_groups])
        plateau.append({'options': js_options(opts), 'metrics': metrics, 'lrs': lrs})

# the call-order warning
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter('always')
    opt = sched_optimizer()
    sched = S.StepLR(opt, 3)
    sched.step()
order_warning = [str(w.message) for w in caught]

with open(os.path.join(OUT, 'schedulers.json'), 'w') as f:
    json.dump({'schedulers': sched_out, 'plateau': plateau, 'orderWarning': order_warning}, f)

# ---------------------------------------------------------------------------------------------------------------
# Errors


def message(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return {'type': type(e).__name__, 'message': str(e)}
    return None


p = [torch.zeros(2, requires_grad=True)]
ERRORS = {
    'sgd-lr': lambda: torch.optim.SGD(p, lr=-0.5),
    'sgd-momentum': lambda: torch.optim.SGD(p, lr=0.1, momentum=-0.5),
    'sgd-weight-decay': lambda: torch.optim.SGD(p, lr=0.1, weight_decay=-1e-05),
    'sgd-nesterov': lambda: torch.optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
    'sgd-nesterov-no-momentum': lambda: torch.optim.SGD(p, lr=0.1, nesterov=True),
    'sgd-required-lr': lambda: torch.optim.SGD(p),
    'adam-lr': lambda: torch.optim.Adam(p, lr=-0.001),
    'adam-eps': lambda: torch.optim.Adam(p, eps=-1e-08),
    'adam-beta0': lambda: torch.optim.Adam(p, betas=(1, 0.999)),
    'adam-beta1': lambda: torch.optim.Adam(p, betas=(0.9, 1.5)),
    'adam-weight-decay': lambda: torch.optim.Adam(p, weight_decay=-0.1),
    'adamw-beta0': lambda: torch.optim.AdamW(p, betas=(-0.5, 0.999)),
    'adamax-eps': lambda: torch.optim.Adamax(p, eps=-0.5),
    'nadam-momentum-decay': lambda: torch.optim.NAdam(p, momentum_decay=-0.5),
    'radam-beta1': lambda: torch.optim.RAdam(p, betas=(0.9, 1)),
    'rmsprop-alpha': lambda: torch.optim.RMSprop(p, alpha=-0.5),
    'rmsprop-momentum': lambda: torch.optim.RMSprop(p, momentum=-0.5),
    'adagrad-lr-decay': lambda: torch.optim.Adagrad(p, lr_decay=-0.5),
    'adagrad-initial-accumulator': lambda: torch.optim.Adagrad(p, initial_accumulator_value=-0.5),
    'adadelta-rho': lambda: torch.optim.Adadelta(p, rho=1.5),
    'rprop-etas': lambda: torch.optim.Rprop(p, etas=(1.5, 1.2)),
    'asgd-weight-decay': lambda: torch.optim.ASGD(p, weight_decay=-0.5),
    'sparse-adam-lr': lambda: torch.optim.SparseAdam(p, lr=0),
    'sparse-adam-eps': lambda: torch.optim.SparseAdam(p, eps=0),
    'duplicate-across-groups': lambda: torch.optim.SGD([{'params': p}, {'params': p}], lr=0.1),
    'empty': lambda: torch.optim.SGD([], lr=0.1),
    'tensor-params': lambda: torch.optim.SGD(p[0], lr=0.1),
    'non-leaf': lambda: torch.optim.SGD([p[0] * 2], lr=0.1),
    'lbfgs-groups': lambda: torch.optim.LBFGS([{'params': [p[0]]}, {'params': [torch.zeros(1, requires_grad=True)]}]),
    'constant-lr-factor': lambda: S.ConstantLR(torch.optim.SGD(p, lr=0.1), factor=1.5),
    'linear-lr-start': lambda: S.LinearLR(torch.optim.SGD(p, lr=0.1), start_factor=1.5),
    'linear-lr-end': lambda: S.LinearLR(torch.optim.SGD(p, lr=0.1), end_factor=-0.5),
    'warm-restarts-t0': lambda: S.CosineAnnealingWarmRestarts(torch.optim.SGD(p, lr=0.1), 0),
    'warm-restarts-tmult': lambda: S.CosineAnnealingWarmRestarts(torch.optim.SGD(p, lr=0.1), 5, T_mult=0),
    'one-cycle-none': lambda: S.OneCycleLR(torch.optim.SGD(p, lr=0.1), 0.1),
    'one-cycle-total': lambda: S.OneCycleLR(torch.optim.SGD(p, lr=0.1), 0.1, total_steps=-3),
    'one-cycle-anneal': lambda: S.OneCycleLR(torch.optim.SGD(p, lr=0.1), 0.1, total_steps=10, anneal_strategy='foo'),
    'one-cycle-overrun': lambda: [s.step() for s in [S.OneCycleLR(torch.optim.SGD(p, lr=0.1), 0.1, total_steps=3)] for _ in range(4)],
    'cyclic-momentum': lambda: S.CyclicLR(torch.optim.Adam(p), 0.01, 0.1),
    'plateau-factor': lambda: S.ReduceLROnPlateau(torch.optim.SGD(p, lr=0.1), factor=1.5),
    'plateau-mode': lambda: S.ReduceLROnPlateau(torch.optim.SGD(p, lr=0.1), mode='avg'),
    'resume-without-initial-lr': lambda: S.StepLR(torch.optim.SGD(p, lr=0.1), 3, last_epoch=5),
    'load-group-count': lambda: torch.optim.SGD([{'params': [p[0]]}, {'params': [torch.zeros(1, requires_grad=True)]}], lr=0.1).load_state_dict(torch.optim.SGD(p, lr=0.1).state_dict()),
    'load-group-size': lambda: torch.optim.SGD([p[0], torch.zeros(1, requires_grad=True)], lr=0.1).load_state_dict(torch.optim.SGD(p, lr=0.1).state_dict()),
}
with warnings.catch_warnings():
    warnings.simplefilter('ignore')
    errors = {k: message(v) for k, v in ERRORS.items()}
with open(os.path.join(OUT, 'errors.json'), 'w') as f:
    json.dump(errors, f, indent=1)
print('wrote', sorted(os.listdir(OUT)))
