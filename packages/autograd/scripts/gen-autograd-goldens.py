#!/usr/bin/env python3
"""Golden values for @proj/autograd's tests, from real PyTorch 1.13.

Run with the system Python that has torch:  /usr/bin/python3 packages/autograd/scripts/gen-autograd-goldens.py
Writes packages/autograd/fixtures/autograd.json. Each composition below has a twin in the TS tests (same name, same
ops); inputs are stored with 4 decimals so both sides start from identical float64 values.
"""
import json
import os

import torch

torch.manual_seed(1234)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'autograd.json')


def rnd(*shape):
    return torch.round(torch.randn(*shape, dtype=torch.float64) * 1e4) / 1e4


def enc(t):
    if t is None:
        return None
    t = t.detach()
    return {'shape': list(t.shape), 'data': t.reshape(-1).tolist(), 'dtype': str(t.dtype).replace('torch.', '')}


# --------------------------------------------------------------------------------------------------------------
# Gradients of compositions: name -> (input shapes or tensors, fn). Leaves all require grad unless listed in `const`.

def c_mlp(x, w1, b1, w2, b2):
    return ((x @ w1 + b1).tanh() @ w2 + b2).relu().pow(2).mean()

def c_broadcast(a, b, c):
    return (a * b + c).sigmoid().sum()

def c_view_inplace(x, z):
    y = x * 2
    y[0].mul_(3)
    y.narrow(1, 1, 2).add_(z)
    return (y * y).sum()

def c_inplace_chain(x):
    y = x.sin()
    y.mul_(2)
    y.add_(x)
    y.exp_()
    return y.sum()

def c_softmax(x, w):
    return (x.softmax(1) * w).sum()

def c_log_softmax(x, t):
    return -(x.log_softmax(-1) * t).sum()

def c_logsumexp(x):
    return x.logsumexp(1).sum() + x.logsumexp(0).mean()

def c_bmm(a, b):
    return torch.matmul(a, b).sin().sum()

def c_matmul_broadcast(a, b):
    return torch.matmul(a, b).pow(2).sum()

def c_mv_dot(m, v, u):
    return torch.dot(torch.mv(m, v), u)

def c_reductions(x):
    return x.var(1).sum() + x.std(0).sum() + x.mean() * x.prod(1).sum() + x.amax(0).sum()

def c_permute_reshape(x, w):
    return x.permute(2, 0, 1).reshape(4, 6).t().matmul(w).cos().sum()

def c_expand(x, y):
    return (x.unsqueeze(0).expand(2, 3) * y).sum()

def c_div_pow(a, b):
    return (a / b).pow(2).add(1).sqrt().log().sum()

def c_shared(x):
    return (x * x + x.exp() * x).cumsum(0).sum()

def c_kinks(x):
    return (x.relu() + x.abs() + x.clamp(-1, 1) + x.amax() + torch.maximum(x, torch.zeros_like(x))).sum()

def c_where(x):
    return torch.where(x > 0, x * 2, x.exp()).sum()

def c_select_unsqueeze(x):
    return (x[1] * x[:, 2]).sum() + x.transpose(0, 1).diagonal().sum()

compositions = {
    'mlp': ([rnd(4, 3), rnd(3, 5), rnd(5), rnd(5, 2), rnd(2)], c_mlp, []),
    'broadcast': ([rnd(3, 1), rnd(1, 4), rnd(4)], c_broadcast, []),
    'view_inplace': ([rnd(3, 4), rnd(3, 2)], c_view_inplace, []),
    'inplace_chain': ([rnd(5)], c_inplace_chain, []),
    'softmax': ([rnd(2, 4), rnd(2, 4)], c_softmax, [1]),
    'log_softmax': ([rnd(3, 5), torch.rand(3, 5, dtype=torch.float64).mul(1e4).round().div(1e4)], c_log_softmax, [1]),
    'logsumexp': ([rnd(3, 4)], c_logsumexp, []),
    'bmm': ([rnd(2, 3, 4), rnd(2, 4, 5)], c_bmm, []),
    'matmul_broadcast': ([rnd(2, 1, 3, 4), rnd(3, 4, 2)], c_matmul_broadcast, []),
    'mv_dot': ([rnd(3, 4), rnd(4), rnd(3)], c_mv_dot, []),
    'reductions': ([rnd(3, 4)], c_reductions, []),
    'permute_reshape': ([rnd(2, 3, 4), rnd(4, 2)], c_permute_reshape, []),
    'expand': ([rnd(3), rnd(2, 1)], c_expand, []),
    'div_pow': ([rnd(2, 3), rnd(3).abs().add(0.5)], c_div_pow, []),
    'shared': ([rnd(4)], c_shared, []),
    'kinks': ([torch.tensor([-2.0, -1.0, 0.0, 0.0, 1.0, 2.0, 2.0], dtype=torch.float64)], c_kinks, []),
    'where': ([rnd(6)], c_where, []),
    'select_unsqueeze': ([rnd(3, 3)], c_select_unsqueeze, []),
}

comp_out = {}
for name, (inputs, fn, const) in compositions.items():
    leaves = [t.clone().requires_grad_(i not in const) for i, t in enumerate(inputs)]
    out = fn(*leaves)
    out.backward()
    comp_out[name] = {
        'inputs': [enc(t) for t in inputs],
        'requiresGrad': [i not in const for i in range(len(inputs))],
        'output': enc(out),
        'grads': [enc(t.grad) for t in leaves],
    }

# --------------------------------------------------------------------------------------------------------------
# grad_fn structures: names and next_functions (node name, output index), to depth 4.

def structure(fn, depth=4):
    if fn is None:
        return None
    if depth == 0:
        return [fn.name(), '...']
    return [fn.name(), [[structure(f, depth - 1), nr] for f, nr in fn.next_functions]]

def g_leaves():
    x = torch.ones(3, requires_grad=True); y = torch.ones(3, requires_grad=True); z = torch.ones(3)
    return (x * y + z).sum()

def g_scalar():
    x = torch.ones(3, requires_grad=True)
    return (x * 2 + 1 - x / 3).pow(2)

def g_views():
    x = torch.ones(2, 3, requires_grad=True)
    return x.t().reshape(6).view(2, 3)[1].unsqueeze(0).expand(2, 3).sum(1)

def g_split():
    x = torch.ones(4, 3, requires_grad=True)
    a, b = x.split(2)
    return a * b

def g_maxdim():
    x = torch.tensor([[1.0, 3.0], [4.0, 2.0]], requires_grad=True)
    v, i = x.max(1)
    return v.exp()

def g_inplace():
    x = torch.ones(3, requires_grad=True)
    y = x * 1
    y.add_(1)
    return y

def g_copyslices():
    x = torch.ones(2, 3, requires_grad=True)
    y = x * 1
    y[0].mul_(2)
    return y

def g_copyslices_view():
    x = torch.ones(2, 3, requires_grad=True)
    y = x * 1
    v = y[0]
    v.mul_(2)
    return v

def g_matmul():
    a = torch.ones(2, 3, requires_grad=True); b = torch.ones(3, 4, requires_grad=True)
    return (a @ b).softmax(1).logsumexp(0)

def g_shared():
    x = torch.ones(3, requires_grad=True)
    e = x.exp()
    return e * e.sin()

graphs = {}
for name, fn in [('leaves', g_leaves), ('scalar', g_scalar), ('views', g_views), ('split', g_split), ('maxdim', g_maxdim),
                 ('inplace', g_inplace), ('copyslices', g_copyslices), ('copyslices_view', g_copyslices_view),
                 ('matmul', g_matmul), ('shared', g_shared)]:
    graphs[name] = structure(fn().grad_fn)

# --------------------------------------------------------------------------------------------------------------
# Hooks, accumulation, retain_graph, create_graph, backward(inputs=), grad(allow_unused, materialize_grads)

hooks = {}
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
h = x.register_hook(lambda g: g * 2)
(x * x).sum().backward()
hooks['leaf_hook_doubles'] = enc(x.grad)
h.remove()
x.grad = None
(x * x).sum().backward()
hooks['leaf_hook_removed'] = enc(x.grad)

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * 3
y.register_hook(lambda g: g + 1)
y.retain_grad()
(y * y).sum().backward()
hooks['nonleaf_hook'] = {'x_grad': enc(x.grad), 'y_grad': enc(y.grad)}

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * 3
y.retain_grad()
y.register_hook(lambda g: g * 10)
(y * y).sum().backward()
hooks['retain_then_hook'] = {'x_grad': enc(x.grad), 'y_grad': enc(y.grad)}

seen = []
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x.exp()
z = y.sin()
z.grad_fn.register_prehook(lambda gos: (gos[0] * 2,))
y.grad_fn.register_hook(lambda gis, gos: seen.append([enc(gis[0]), enc(gos[0])]))
z.sum().backward()
hooks['node_hooks'] = {'x_grad': enc(x.grad), 'seen': seen}

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = (x * x).sum()
y.backward(retain_graph=True)
y.backward(retain_graph=True)
(x * 2).sum().backward()
hooks['accumulate'] = enc(x.grad)

x = torch.tensor([1.5, -0.5], dtype=torch.float64, requires_grad=True)
y = x.pow(4).sum()
g1, = torch.autograd.grad(y, x, create_graph=True)
g2, = torch.autograd.grad(g1.sum(), x, create_graph=True)
g3, = torch.autograd.grad(g2.sum(), x, create_graph=True)
g4, = torch.autograd.grad(g3.sum(), x)
hooks['higher_order'] = [enc(g1), enc(g2), enc(g3), enc(g4)]

x = torch.tensor([0.3, 0.7], dtype=torch.float64, requires_grad=True)
y = (x.sin() * x.exp()).sum()
y.backward(create_graph=True)
gx = x.grad
x.grad = None
gx.sum().backward()
hooks['backward_create_graph'] = {'first': enc(gx), 'second': enc(x.grad)}

a = torch.tensor([1.0, 2.0], requires_grad=True)
b = torch.tensor([3.0, 4.0], requires_grad=True)
(a * b).sum().backward(inputs=[a])
hooks['backward_inputs'] = {'a': enc(a.grad), 'b': enc(b.grad)}
a = torch.tensor([1.0, 2.0], requires_grad=True)
m = a * 2
(m * b).sum().backward(inputs=[m])
hooks['backward_inputs_nonleaf'] = {'m': enc(m.grad), 'a': enc(a.grad)}

a = torch.tensor([1.0, 2.0], requires_grad=True)
b = torch.tensor([3.0, 4.0], requires_grad=True)
c = torch.tensor([5.0], requires_grad=True)
r = torch.autograd.grad((a * b).sum(), [a, c], allow_unused=True)
hooks['allow_unused'] = [enc(r[0]), enc(r[1])]
r = torch.autograd.grad((a * b).sum(), [a, c], materialize_grads=True) if 'materialize_grads' in torch.autograd.grad.__code__.co_varnames else None
hooks['materialize_grads'] = None if r is None else [enc(r[0]), enc(r[1])]
m = a * b
r = torch.autograd.grad((m * m).sum(), [m, a])
hooks['grad_nonleaf'] = [enc(r[0]), enc(r[1])]
hooks['grad_leaves_untouched'] = [enc(a.grad), enc(b.grad)]

# --------------------------------------------------------------------------------------------------------------
# Errors (messages)

errors = {}
def catch(name, fn):
    try:
        fn()
    except Exception as e:
        errors[name] = str(e)
    else:
        errors[name] = None

def e_nonscalar():
    x = torch.ones(3, requires_grad=True)
    x.exp().backward()
catch('nonscalar_backward', e_nonscalar)
catch('no_grad_fn', lambda: torch.ones(3).sum().backward())
def e_twice():
    x = torch.ones(3, requires_grad=True)
    s = x.exp().sum(); s.backward(); s.backward()
catch('backward_twice', e_twice)
def e_leaf_inplace():
    x = torch.ones(3, requires_grad=True); x.add_(1)
catch('leaf_inplace', e_leaf_inplace)
def e_leaf_view_inplace():
    x = torch.ones(3, requires_grad=True); x[0].add_(1)
catch('leaf_view_inplace', e_leaf_view_inplace)
def e_saved_output():
    x = torch.ones(3, requires_grad=True); y = x.exp(); y.mul_(2); y.sum().backward()
catch('saved_output_modified', e_saved_output)
def e_saved_input():
    x = torch.ones(3, requires_grad=True); y = x.exp(); z = y.sin(); y.add_(1); z.sum().backward()
catch('saved_input_modified', e_saved_input)
def e_saved_leaf():
    x = torch.ones(3, requires_grad=True); w = torch.ones(3); y = x * w; w.mul_(2); y.sum().backward()
catch('saved_leaf_modified', e_saved_leaf)
def e_saved_double():
    x = torch.ones(2, 3, dtype=torch.float64, requires_grad=True); y = x.exp(); y.add_(1); y.sum().backward()
catch('saved_output_modified_double', e_saved_double)
catch('int_requires_grad', lambda: torch.ones(3, dtype=torch.int64).requires_grad_())
def e_unused():
    x = torch.ones(3, requires_grad=True); torch.autograd.grad(x.sum(), [x, torch.ones(2, requires_grad=True)])
catch('unused_input', e_unused)
def e_shape():
    x = torch.ones(3, requires_grad=True); x.exp().backward(torch.ones(2))
catch('gradient_shape', e_shape)
def e_not_requiring():
    x = torch.ones(3, requires_grad=True); torch.autograd.grad(x.sum(), [torch.ones(3)])
catch('input_not_requiring_grad', e_not_requiring)
def e_inputs_empty():
    x = torch.ones(3, requires_grad=True); x.sum().backward(inputs=[])
catch('backward_inputs_empty', e_inputs_empty)
def e_requires_grad_nonleaf():
    x = torch.ones(3, requires_grad=True); (x * 2).requires_grad_(False)
catch('requires_grad_nonleaf', e_requires_grad_nonleaf)
def e_hook_no_grad():
    torch.ones(3).register_hook(lambda g: g)
catch('hook_without_grad', e_hook_no_grad)
def e_retain_no_grad():
    torch.ones(3).retain_grad()
catch('retain_grad_without_grad', e_retain_no_grad)
def e_anomaly():
    class NanBackward(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1
        @staticmethod
        def backward(ctx, g):
            return g * float('nan')
    x = torch.ones(3, requires_grad=True)
    with torch.autograd.detect_anomaly():
        y = x.exp()
        z = NanBackward.apply(y)
        z.sum().backward()
catch('anomaly_custom', e_anomaly)
def e_anomaly_builtin():
    x = torch.tensor([0.0, 1.0], requires_grad=True)
    with torch.autograd.detect_anomaly():
        y = x.sqrt() * 0
        y.sum().backward()
catch('anomaly_builtin', e_anomaly_builtin)

# --------------------------------------------------------------------------------------------------------------
# Custom Functions

custom = {}
def fn_errors():
    out = {}
    x = torch.ones(3, requires_grad=True)
    class TooFew(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k
        @staticmethod
        def backward(ctx, g):
            return g * 2
    class NonTensorGrad(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k
        @staticmethod
        def backward(ctx, g):
            return g, g
    class BadShape(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k
        @staticmethod
        def backward(ctx, g):
            return g[:2], None
    class SaveInt(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x, 3)
            return x * 1
        @staticmethod
        def backward(ctx, g):
            return g
    class Dirty(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            return x
        @staticmethod
        def backward(ctx, g):
            return g * 2
    class DirtyNotReturned(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            return x * 1
        @staticmethod
        def backward(ctx, g):
            return g * 2
    class NoBackward(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1
    class Saver(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * 2
        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return g * x
    for name, f in [
        ('too_few', lambda: TooFew.apply(x, 2.0).sum().backward()),
        ('non_tensor_grad', lambda: NonTensorGrad.apply(x, 2.0).sum().backward()),
        ('bad_shape', lambda: BadShape.apply(x, 2.0).sum().backward()),
        ('save_int', lambda: SaveInt.apply(x)),
        ('dirty_leaf', lambda: Dirty.apply(x)),
        ('dirty_not_returned', lambda: DirtyNotReturned.apply(x.exp())),
        ('no_backward', lambda: NoBackward.apply(x).sum().backward()),
    ]:
        try:
            f()
            out[name] = None
        except Exception as e:
            out[name] = str(e)
    y = Saver.apply(x)
    y.sum().backward()
    try:
        y.grad_fn.saved_tensors
    except Exception as e:
        out['saved_after_free'] = str(e)
    a = x.exp()
    y = Saver.apply(a)
    a.mul_(2)
    try:
        y.sum().backward()
    except Exception as e:
        out['saved_modified'] = str(e)
    return out
custom['errors'] = fn_errors()

class MulConst(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, k, w):
        ctx.k = k
        ctx.save_for_backward(x, w)
        return x * w * k
    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        return g * w * ctx.k, None, g * x * ctx.k

x = torch.tensor([1.0, 2.0, -1.5], dtype=torch.float64, requires_grad=True)
w = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64, requires_grad=True)
y = MulConst.apply(x, 3.0, w)
(y * y).sum().backward()
custom['mulconst'] = {'name': y.grad_fn.name(), 'structure': structure(y.grad_fn), 'x_grad': enc(x.grad), 'w_grad': enc(w.grad)}

class Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3
    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * 3 * x ** 2

x = torch.tensor([1.0, 2.0, -0.5], dtype=torch.float64, requires_grad=True)
g1, = torch.autograd.grad(Cube.apply(x).sum(), x, create_graph=True)
g2, = torch.autograd.grad(g1.sum(), x)
custom['cube_double_backward'] = [enc(g1), enc(g2)]

class TwoOut(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        idx = x.argmax()
        ctx.mark_non_differentiable(idx)
        ctx.save_for_backward(x)
        return x.exp(), x.sin(), idx
    @staticmethod
    def backward(ctx, ge, gs, gi):
        x, = ctx.saved_tensors
        return ge * x.exp() + gs * x.cos()

x = torch.tensor([0.1, 0.9, 0.4], dtype=torch.float64, requires_grad=True)
e, s, i = TwoOut.apply(x)
e.sum().backward()
custom['two_out_first_only'] = {'x_grad': enc(x.grad), 'idx_requires_grad': i.requires_grad, 'structure_e': structure(e.grad_fn), 'nr': [e.grad_fn is s.grad_fn, i.grad_fn is None]}

class InplaceDouble(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        x.mul_(2)
        ctx.mark_dirty(x)
        return x
    @staticmethod
    def backward(ctx, g):
        return g * 2

x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
a = x * 1.5
b = InplaceDouble.apply(a)
(b * b).sum().backward()
custom['inplace'] = {'same': b is a, 'name': b.grad_fn.name(), 'structure': structure(b.grad_fn), 'x_grad': enc(x.grad), 'version': a._version}

class Ident(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x
    @staticmethod
    def backward(ctx, g):
        return g * 3

x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
y = Ident.apply(x)
y.sum().backward()
custom['identity'] = {'same': y is x, 'base_is_x': y._base is x, 'x_grad': enc(x.grad)}

class NoMaterialize(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.set_materialize_grads(False)
        return x * 2, x * 3
    @staticmethod
    def backward(ctx, g1, g2):
        return g1 * 2 if g2 is None else g1 * 2 + g2 * 3

class Materialize(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2, x * 3
    @staticmethod
    def backward(ctx, g1, g2):
        assert g2 is not None
        return g1 * 2 + g2 * 3

x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
NoMaterialize.apply(x)[0].sum().backward()
m1 = enc(x.grad)
x.grad = None
Materialize.apply(x)[0].sum().backward()
custom['materialize'] = [m1, enc(x.grad)]

needs = []
class Needs(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, y, k):
        needs.append(list(ctx.needs_input_grad))
        return x * y * k
    @staticmethod
    def backward(ctx, g):
        return g, g, None
Needs.apply(torch.ones(2, requires_grad=True), torch.ones(2), 2)
with torch.no_grad():
    Needs.apply(torch.ones(2, requires_grad=True), torch.ones(2), 2)
custom['needs_input_grad'] = needs

# --------------------------------------------------------------------------------------------------------------
# autograd.functional

import torch.autograd.functional as AF

functional = {}
X = rnd(2, 3)
Y = rnd(3)
V2 = rnd(2)
V23 = rnd(2, 3)
V3 = rnd(3)
functional['inputs'] = {'X': enc(X), 'Y': enc(Y), 'V2': enc(V2), 'V23': enc(V23), 'V3': enc(V3)}

def f_exp_reducer(x):
    return x.exp().sum(1)
def f_adder(x, y):
    return 2 * x + 3 * y
def f_two_out(x, y):
    return (x * y).sum(0), x.sin()
def f_scalar(x):
    return x.pow(3).sum()
def f_scalar2(x, y):
    return (x.pow(2) * y).sum() + y.exp().sum()
def f_indep(x, y):
    return x.exp()

J = {}
J['exp_reducer'] = enc(AF.jacobian(f_exp_reducer, X))
J['adder'] = [enc(t) for t in AF.jacobian(f_adder, (Y, V3))]
J['two_out'] = [[enc(t) for t in row] for row in AF.jacobian(f_two_out, (X, Y))]
J['two_out_single_input'] = [enc(t) for t in AF.jacobian(lambda x: (x.sum(), x.cos()), Y)]
J['indep'] = [enc(t) for t in AF.jacobian(f_indep, (X, Y))]
functional['jacobian'] = J
functional['hessian'] = {
    'scalar': enc(AF.hessian(f_scalar, X)),
    'scalar2': [[enc(t) for t in row] for row in AF.hessian(f_scalar2, (X, Y))],
}
o, p = AF.vjp(f_exp_reducer, X, V2)
functional['vjp'] = {'exp_reducer': [enc(o), enc(p)]}
o, p = AF.vjp(f_two_out, (X, Y), (Y, V23))
functional['vjp']['two_out'] = [[enc(t) for t in o], [enc(t) for t in p]]
o, p = AF.jvp(f_exp_reducer, X, V23)
functional['jvp'] = {'exp_reducer': [enc(o), enc(p)]}
o, p = AF.jvp(f_two_out, (X, Y), (V23, V3))
functional['jvp']['two_out'] = [[enc(t) for t in o], [enc(t) for t in p]]
o, p = AF.hvp(f_scalar2, (X, Y), (V23, V3))
functional['hvp'] = [enc(o), [enc(t) for t in p]]
o, p = AF.vhp(f_scalar2, (X, Y), (V23, V3))
functional['vhp'] = [enc(o), [enc(t) for t in p]]
jc = AF.jacobian(f_exp_reducer, X.clone().requires_grad_(), create_graph=True)
functional['create_graph_names'] = {
    'jacobian': jc.grad_fn.name(),
    'vjp': AF.vjp(f_exp_reducer, X.clone().requires_grad_(), V2, create_graph=True)[1].grad_fn.name(),
}
ferr = {}
def fcatch(name, fn):
    try:
        fn()
        ferr[name] = None
    except Exception as e:
        ferr[name] = [type(e).__name__, str(e)]
fcatch('strict_indep', lambda: AF.jacobian(f_indep, (X, Y), strict=True))
fcatch('strict_output_no_grad', lambda: AF.jacobian(lambda x: torch.ones(2), X, strict=True))
fcatch('strict_vjp', lambda: AF.vjp(f_indep, (X, Y), V23, strict=True))
fcatch('strict_jvp', lambda: AF.jvp(f_indep, (X, Y), (V23, V3), strict=True))
fcatch('strict_hessian_linear', lambda: AF.hessian(lambda x: x.sum(), X, strict=True))
fcatch('strict_vectorize', lambda: AF.jacobian(f_exp_reducer, X, strict=True, vectorize=True))
fcatch('v_none', lambda: AF.vjp(f_exp_reducer, X))
fcatch('v_bad_size', lambda: AF.vjp(f_exp_reducer, X, V3))
fcatch('v_bad_len', lambda: AF.jvp(f_adder, (Y, V3), (V3,)))
fcatch('v_bad_entry', lambda: AF.jvp(f_adder, (Y, V3), (V3, V2)))
fcatch('v_single_many', lambda: AF.jvp(f_exp_reducer, X, (V23, V23)))
fcatch('hessian_nonscalar', lambda: AF.hessian(lambda x: x.exp(), X))
fcatch('hessian_tuple_out', lambda: AF.hessian(lambda x: (x.sum(),), X))
fcatch('vhp_nonscalar', lambda: AF.vhp(lambda x: x.exp(), X, V23))
fcatch('bad_input_type', lambda: AF.jacobian(f_exp_reducer, (X, 3)))
fcatch('bad_output_type', lambda: AF.jacobian(lambda x: 3, X))
functional['errors'] = ferr
# non-strict independence gives zeros, vjp strict with create_graph
functional['vjp_indep'] = [enc(t) for t in AF.vjp(f_indep, (X, Y), V23)[1]]

# --------------------------------------------------------------------------------------------------------------
# checkpoint node name

import torch.utils.checkpoint as cp
x = torch.ones(2, requires_grad=True)
functional['checkpoint_name'] = type(cp.checkpoint(lambda a: a.exp(), x).grad_fn).__name__
try:
    cp.checkpoint(lambda a: a.exp(), torch.ones(2)).sum()
    out = cp.checkpoint(lambda a: a.exp().detach(), x)
    out.sum().backward()
    functional['checkpoint_no_grad_error'] = None
except Exception as e:
    functional['checkpoint_no_grad_error'] = str(e)

data = {
    'torch': torch.__version__,
    'compositions': comp_out,
    'graphs': graphs,
    'hooks': hooks,
    'errors': errors,
    'custom': custom,
    'functional': functional,
}
with open(OUT, 'w') as f:
    json.dump(data, f, indent=None, separators=(',', ':'))
print('wrote', OUT, os.path.getsize(OUT), 'bytes')
