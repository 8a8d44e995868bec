"""n_steps="auto" on a batch: every example gets the nodes its own integrand needs.

Each example is planned and refined as if it were alone (its own probes, rule and
checks) while the model sees all examples in shared calls, so a batch mixing an easy
example and a steep one no longer spends the steep one's nodes on both. Closed forms
here: F(v) = a.v + sum_j c_j tanh(k_j (w_j.v - t_j)) along the straight line from 0 has
IG_i = a_i x_i + sum_j c_j w_ji x_i / (w_j.x) * (tanh(k_j (w_j.x - t_j)) - tanh(-k_j t_j)).
"""

import math

import torch
from torch import nn

from ig_widget import IntegratedGradients
from ig_widget.engine import probe, quadrature

D = torch.float64


class TanhSum(nn.Module):
    """a.v + sum_j c_j tanh(k_j (w_j.v - t_j)), one output per row; IG in closed form."""

    def __init__(self, a, c, k, w, t):
        super().__init__()
        self.a, self.c, self.k, self.w, self.t = (
            torch.as_tensor(v, dtype=D) for v in (a, c, k, w, t)
        )

    def forward(self, v):
        return v @ self.a + torch.tanh(self.k * (v @ self.w.T - self.t)) @ self.c

    def exact(self, x):
        """IG from the zero baseline, per feature, (batch, features)."""
        s = x @ self.w.T  # (batch, units)
        rise = torch.tanh(self.k * (s - self.t)) - torch.tanh(-self.k * self.t)
        share = (self.c * rise / s).unsqueeze(2) * self.w.unsqueeze(0)  # (batch, units, feat)
        return self.a * x + share.sum(1) * x


def completeness_error(res) -> torch.Tensor:
    total = sum(a.reshape(a.shape[0], -1).sum(1) for a in res.attributions)
    gap = res.output - res.baseline_output
    return (total - gap).abs() / gap.abs()


def one_step_model() -> TanhSum:
    """A linear part plus one steep tanh step at w.v = 0.3."""
    return TanhSum([0.1, 0.1, 0.1], [1.0], [500.0], [[0.7, 0.2, 0.1]], [0.3])


def test_each_example_gets_the_result_of_planning_it_alone():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(6, 24), nn.Tanh(), nn.Linear(24, 24), nn.Tanh(), nn.Linear(24, 3))
    net = net.double().eval()
    x = torch.randn(5, 6, dtype=D) * torch.tensor([0.2, 1.0, 3.0, 6.0, 10.0], dtype=D).view(-1, 1)
    target = torch.tensor([0, 1, 2, 0, 1])
    ig = IntegratedGradients(net)
    res = ig.attribute_detailed(x, target=target, n_steps="auto", tol=0.01)
    alone = [
        ig.attribute_detailed(x[i : i + 1], target=int(target[i]), n_steps="auto", tol=0.01)
        for i in range(5)
    ]
    for i, r in enumerate(alone):
        scale = float(r.attributions[0].abs().max())
        assert torch.allclose(
            res.attributions[0][i], r.attributions[0][0], rtol=0, atol=1e-12 * scale
        )
        assert math.isclose(float(res.delta[i]), float(r.delta[0]), abs_tol=1e-12 * scale)
    counts = [r.n_evals for r in alone]
    assert len(set(counts)) > 1, counts  # the examples do need different numbers of nodes
    # n_evals: gradient evaluations per example, on average (a fixed rule of n counts n)
    assert res.n_evals == math.ceil(sum(counts) / 5)
    assert bool((completeness_error(res) <= 0.01).all())


def test_a_steep_example_gets_more_nodes_than_a_smooth_one_in_the_same_batch():
    model = one_step_model()
    # w.x = 0.2 never reaches the step (F nearly linear); w.x = 1.0 crosses it at 0.3
    smooth = torch.tensor([[0.2, 0.2, 0.2]], dtype=D)
    steep = torch.tensor([[1.0, 1.0, 1.0]], dtype=D)
    ig = IntegratedGradients(model)
    n_smooth = ig.attribute_detailed(smooth, n_steps="auto", tol=0.01).n_evals
    n_steep = ig.attribute_detailed(steep, n_steps="auto", tol=0.01).n_evals
    assert n_smooth * 4 <= n_steep, (n_smooth, n_steep)
    res = ig.attribute_detailed(torch.cat([smooth, steep]), n_steps="auto", tol=0.01)
    assert res.n_evals == math.ceil((n_smooth + n_steep) / 2)
    assert res.n_evals < n_steep  # shared nodes would cost every example n_steep
    exact = model.exact(torch.cat([smooth, steep]))
    for i in range(2):
        err = (res.attributions[0][i] - exact[i]).abs().max() / exact[i].abs().max()
        assert float(err) <= 0.01, (i, float(err))
    assert bool((completeness_error(res) <= 0.01).all())


def test_planner_for_each_example_equals_planning_each_alone():
    # plain callables: column e is F_e(alpha) = tanh(k_e (alpha - 0.4))
    k = torch.tensor([1.0, 30.0, 300.0], dtype=D)

    def f(alpha):
        return torch.tanh(k * (alpha.unsqueeze(1) - 0.4))

    def h(alpha):
        return k / torch.cosh(k * (alpha.unsqueeze(1) - 0.4)) ** 2

    f_b, f_x = f(torch.zeros(1, dtype=D))[0], f(torch.ones(1, dtype=D))[0]
    calls = []
    gradient_calls = []

    def many(fn):
        def run(asked):
            calls.append(len(asked))
            if fn is h:
                gradient_calls.append(len(asked))
            return {e: fn(a)[:, e] for e, a in asked.items()}

        return run

    plans = probe.integrate_each(many(f), many(h), f_b, f_x, 1e-3, 512, D)
    alone_gradient_calls = []
    for e, got in enumerate(plans):
        counted = []

        def slopes(a, e=e, counted=counted):
            counted.append(len(a))
            return h(a)[:, e : e + 1]

        want = probe.integrate(
            lambda a, e=e: f(a)[:, e : e + 1], slopes, f_b[e : e + 1], f_x[e : e + 1], 1e-3, 512, D
        )
        alone_gradient_calls.append(len(counted))
        assert got.n_grad == want.n_grad and got.n_values == want.n_values
        assert torch.equal(got.node_weights, want.node_weights)
        assert [(p.a, p.b) for p in got.panels] == [(p.a, p.b) for p in want.panels]
        assert got.error == want.error <= 1e-3
    assert plans[0].n_grad < plans[1].n_grad < plans[2].n_grad
    assert max(calls) > 1  # requests of several examples were answered together
    # a gradient call waits for every unfinished example: as many calls as the most
    # demanding example makes alone, each serving all examples still planning
    assert len(gradient_calls) == max(alone_gradient_calls)
    assert gradient_calls[0] == 3


def test_saturating_tanh_sum_matches_closed_form():
    # several units switching at different points of the path, steep and gentle
    gen = torch.Generator().manual_seed(0)
    w = torch.rand(6, 4, generator=gen, dtype=D)
    model = TanhSum(
        [0.0] * 4,
        [1.0, -0.5, 0.8, 0.3, -0.7, 0.6],
        [40.0, 8.0, 120.0, 3.0, 60.0, 15.0],
        w,
        (w.sum(1) * torch.tensor([0.15, 0.3, 0.45, 0.5, 0.7, 0.85], dtype=D)).tolist(),
    )
    x = torch.ones(1, 4, dtype=D)
    ig = IntegratedGradients(model)
    res = ig.attribute_detailed(x, n_steps="auto", tol=0.01)
    exact = model.exact(x)
    assert float(completeness_error(res)) <= 0.01
    err = float((res.attributions[0] - exact).abs().max() / exact.abs().max())
    assert err <= 0.02, err
    assert not res.warnings


def test_per_example_rows_carry_their_own_additional_arguments():
    # F(v, s) = tanh(s * v.w): the per-example scale s travels with each example's rows
    w = torch.tensor([0.5, -0.3, 0.8], dtype=D)

    def f(v, s):
        return torch.tanh(s * (v @ w))

    f.row_wise = True  # each row on its own, its scale passed along: rows may be packed
    x = torch.tensor([[1.0, 1.0, 1.0], [2.0, -1.0, 0.5], [0.3, 0.2, 0.1]], dtype=D)
    s = torch.tensor([40.0, 0.5, 3.0], dtype=D)
    ig = IntegratedGradients(f)
    res = ig.attribute_detailed(x, additional_forward_args=(s,), n_steps="auto", tol=1e-3)
    for i in range(3):
        alone = ig.attribute_detailed(
            x[i : i + 1], additional_forward_args=(s[i : i + 1],), n_steps="auto", tol=1e-3
        )
        assert torch.allclose(res.attributions[0][i], alone.attributions[0][0], rtol=1e-12)
        # one unit: IG_j = w_j x_j / (w.x) * (F(x) - F(0)) exactly
        exact = w * x[i] / (w @ x[i]) * torch.tanh(s[i] * (w @ x[i]))
        err = (res.attributions[0][i] - exact).abs().max() / exact.abs().max()
        assert float(err) <= 1e-3, (i, float(err))


def test_quantile_panels_follow_a_step_near_the_baseline():
    # most of F's change within alpha 0.03-0.07: panels equidistributing the probed
    # variation crowd there, a few nodes each
    def f(a):
        return (torch.tanh(100 * (a - 0.05)) + 0.3 * torch.tanh(20 * (a - 0.1))).unsqueeze(1)

    def h(a):
        return (
            100 / torch.cosh(100 * (a - 0.05)) ** 2 + 6 / torch.cosh(20 * (a - 0.1)) ** 2
        ).unsqueeze(1)

    f_b, f_x = f(torch.zeros(1, dtype=D))[0], f(torch.ones(1, dtype=D))[0]
    plan = probe.integrate(f, h, f_b, f_x, 0.01, 1024, D)
    assert plan.strategy.startswith("quantile panels"), (plan.strategy, plan.shadow)
    assert plan.error <= 0.01
    # the exact integral is f(1) - f(0): the planned rule's total is within tol of it
    total = sum(float(p.weights @ h(p.alphas)[:, 0]) for p in plan.panels)
    assert abs(total - float(f_x - f_b)) <= 0.01 * abs(float(f_x - f_b))
    edges = [p.a for p in plan.panels] + [1.0]
    assert any(0.03 < e < 0.07 for e in edges)  # an edge inside the step
    # the fewest nodes of one uniform Gauss-Legendre rule meeting 1%, with hindsight
    oracle = next(
        n
        for n in range(1, 400)
        if float((quadrature_total(h, n) - (f_x - f_b)).abs().max() / (f_x - f_b).abs().max())
        <= 0.01
    )
    assert plan.n_grad * 2.5 <= oracle, (plan.n_grad, oracle)


def quadrature_total(h, n):
    w, a = (torch.tensor(v, dtype=D) for v in quadrature.rule("gausslegendre", n))
    return w @ h(a)


def test_a_callable_that_pairs_rows_with_examples_gets_shared_nodes():
    """A forward that is not a module may rely on row r belonging to example r mod batch
    (the engine's layout, as captum's): here it adds a per-example offset by that rule.
    The batch then shares its nodes in that layout: results equal the module that takes
    the example along, planned with shared nodes (a trace asks for them)."""
    torch.manual_seed(3)
    net = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 2)).double().eval()
    x = torch.randn(3, 4, dtype=D) * torch.tensor([0.3, 2.0, 8.0], dtype=D).view(-1, 1)
    offsets = torch.randn(3, 4, dtype=D)

    def by_layout(v):  # row r is example r mod batch
        idx = torch.arange(v.shape[0]) % 3
        return net(v + offsets[idx])

    class ByRow(nn.Module):  # the same function with the example passed along
        def forward(self, v, example):
            return net(v + offsets[example])

    examples = torch.arange(3)
    closure = IntegratedGradients(by_layout).attribute_detailed(
        x, target=1, n_steps="auto", tol=1e-3
    )
    shared = IntegratedGradients(ByRow()).attribute_detailed(
        x, target=1, n_steps="auto", tol=1e-3, additional_forward_args=(examples,), trace=True
    )
    for a, b in zip(closure.attributions, shared.attributions, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-9, atol=1e-12)
    assert closure.n_evals == shared.n_evals
    assert bool((completeness_error(closure) < 1e-3).all())
    # the module alone, without a trace, plans each example on its own nodes: fewer
    own = IntegratedGradients(ByRow()).attribute_detailed(
        x, target=1, n_steps="auto", tol=1e-3, additional_forward_args=(examples,)
    )
    assert own.n_evals < closure.n_evals


def test_a_layer_forward_packs_rows_and_a_wrapped_one_shares_nodes():
    from ig_widget.engine.layer import embedding_forward

    torch.manual_seed(4)

    class Tiny(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(20, 8)
            self.head = nn.Linear(8, 2)

        def forward(self, ids):
            return self.head(torch.tanh(self.emb(ids)).mean(1))

    m = Tiny().double().eval()
    with torch.no_grad():  # examples of very different steepness
        m.emb.weight.mul_(torch.linspace(0.2, 20.0, 20, dtype=D).view(-1, 1))
    ids = torch.tensor([[1, 2, 3, 4, 5], [6, 7, 8, 9, 10], [15, 16, 17, 18, 19]])
    emb, f = embedding_forward(m, m.emb, ids)
    kw = dict(target=0, n_steps="auto", tol=1e-3)
    # the layer forward pairs rows with examples itself (``for_rows``): packed rows
    direct = IntegratedGradients(f).attribute_detailed(emb, **kw)
    alone = [
        IntegratedGradients(embedding_forward(m, m.emb, ids[i : i + 1])[1]).attribute_detailed(
            emb[i : i + 1], **kw
        )
        for i in range(3)
    ]
    for i, one in enumerate(alone):
        torch.testing.assert_close(direct.attributions[0][i : i + 1], one.attributions[0])
    assert direct.n_evals == math.ceil(sum(one.n_evals for one in alone) / 3)
    # a wrapper hides ``for_rows``: the batch shares its nodes (as with a trace)
    wrapped = IntegratedGradients(lambda e: f(e)).attribute_detailed(emb, **kw)
    shared = IntegratedGradients(f).attribute_detailed(emb, trace=True, **kw)
    torch.testing.assert_close(wrapped.attributions[0], shared.attributions[0])
    assert wrapped.n_evals == shared.n_evals > direct.n_evals
    for res in (direct, wrapped):
        assert bool((completeness_error(res) < 1e-3).all())


def test_a_layer_forward_around_a_closure_keeps_the_engine_layout():
    """A layer attribution whose forward is a closure pairing row r with example
    r mod batch: the layer forward must not pack rows (the closure would pair them with
    the wrong examples); the batch shares its nodes, and results equal the module that
    takes the same data per row, planned with shared nodes (a trace asks for them)."""
    from ig_widget.engine.layer_integrated_gradients import LayerIntegratedGradients

    torch.manual_seed(0)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b = nn.Linear(6, 8), nn.Linear(8, 4)

        def forward(self, x, scale):
            return self.b(torch.tanh(self.a(x) * scale.unsqueeze(1)))

    net = Net().double().eval()
    x = torch.randn(4, 6, dtype=D)
    scale = torch.tensor([0.3, 1.0, 5.0, 20.0], dtype=D)

    def closure(rows):  # row r is example r mod batch
        return net(rows, scale[torch.arange(rows.shape[0]) % 4])

    kw = dict(target=0, n_steps="auto", tol=1e-4)
    by_layout = LayerIntegratedGradients(closure, net.a).attribute_detailed(x, **kw)
    by_row = LayerIntegratedGradients(net, net.a).attribute_detailed(
        x, additional_forward_args=(scale,), trace=True, **kw
    )
    torch.testing.assert_close(
        by_layout.attributions[0], by_row.attributions[0], rtol=1e-9, atol=1e-12
    )
    assert by_layout.n_evals == by_row.n_evals
    assert bool((completeness_error(by_layout) < 1e-4).all())
    assert by_layout.warnings == []


def test_a_callable_marked_row_wise_packs_rows():
    """``fn.row_wise = True`` says a callable sees each row on its own: its rows are
    packed per example as a module's are, where an unmarked one shares nodes across
    the batch (the steepest example's)."""
    torch.manual_seed(3)
    net = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 2)).double().eval()
    x = torch.randn(3, 4, dtype=D) * torch.tensor([0.3, 2.0, 8.0], dtype=D).view(-1, 1)

    def marked(v):
        return net(v)

    marked.row_wise = True
    kw = dict(target=1, n_steps="auto", tol=1e-3)
    packed = IntegratedGradients(marked).attribute_detailed(x, **kw)
    shared = IntegratedGradients(lambda v: net(v)).attribute_detailed(x, **kw)
    alone = [IntegratedGradients(net).attribute_detailed(x[i : i + 1], **kw) for i in range(3)]
    assert packed.n_evals == math.ceil(sum(a.n_evals for a in alone) / 3)
    assert shared.n_evals > packed.n_evals
    for i, a in enumerate(alone):
        torch.testing.assert_close(packed.attributions[0][i : i + 1], a.attributions[0])
