"""Tests of gdlab.optim against torch.optim and against closed forms (float64)."""

import dataclasses
import math
import re

import numpy as np
import pytest
import torch

from gdlab import optim

STEPS = 50


@pytest.fixture(autouse=True)
def torch_float64():
    """torch.optim keeps some scalars (NAdam's mu_product) in the default dtype."""
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(old)


# ---------------------------------------------------------------------------
# Problems: random ill-conditioned quadratics and Rosenbrock (gradients inline)
# ---------------------------------------------------------------------------

def make_quadratic(seed, shape, kappa=100.0):
    """J(θ) = ½ θᵀAθ − bᵀθ on flattened θ, eigenvalues of A log-spaced in [1, κ]."""
    rng = np.random.default_rng(seed)
    n = math.prod(shape)
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    A = Q @ np.diag(np.logspace(0, np.log10(kappa), n)) @ Q.T
    b = rng.standard_normal(n)

    def grad(theta):
        return (A @ theta.ravel() - b).reshape(shape)

    return grad, rng.standard_normal(shape)


def rosenbrock_grad(theta):
    """∇ of (1 − x)² + 100 (y − x²)²."""
    x, y = theta
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


PROBLEMS = {
    "quadratic6": make_quadratic(0, (6,)),
    "quadratic2x3": make_quadratic(1, (2, 3), kappa=1000.0),
    "rosenbrock": (rosenbrock_grad, np.array([-1.5, 2.0])),
}


def torch_path(name, kwargs, grad_fn, theta0, steps=STEPS):
    """Trajectory of torch.optim.<name>(**kwargs) fed with grad_fn (float64)."""
    p = torch.tensor(theta0, dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, name)([p], foreach=False, **kwargs)
    path = [theta0.copy()]
    for _ in range(steps):
        p.grad = torch.from_numpy(grad_fn(p.detach().numpy().copy()))
        opt.step()
        path.append(p.detach().numpy().copy())
    return np.array(path)


def rel_err(a, b):
    """Largest, over steps, of max|a_t − b_t| / max|b_t| (row-wise relative error)."""
    a, b = np.asarray(a), np.asarray(b)
    axes = tuple(range(1, b.ndim))
    return float(np.max(np.max(np.abs(a - b), axis=axes) / np.max(np.abs(b), axis=axes)))


# ---------------------------------------------------------------------------
# like_torch == torch.optim, step for step
# ---------------------------------------------------------------------------

TORCH_CASES = [
    ("SGD", {}),
    ("SGD", dict(lr=5e-4, momentum=0.9)),
    ("SGD", dict(lr=5e-4, momentum=0.9, dampening=0.5)),
    ("SGD", dict(lr=5e-4, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=5e-4, momentum=0.5, weight_decay=0.1, nesterov=True)),
    ("SGD", dict(lr=5e-4, weight_decay=0.3)),
    ("Adagrad", {}),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05)),
    ("Adagrad", dict(lr=0.1, initial_accumulator_value=0.5, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.05, eps=1e-3)),
    ("Adadelta", {}),
    ("Adadelta", dict(lr=0.5)),
    ("Adadelta", dict(rho=0.5)),
    ("Adadelta", dict(eps=1e-5)),
    ("Adadelta", dict(weight_decay=0.2)),
    ("Adadelta", dict(lr=0.5, rho=0.5, eps=1e-4, weight_decay=0.1)),
    ("Adadelta", dict(lr=1e-3, rho=1.0)),                    # rho = 1 (torch's bound): plain SGD
    ("RMSprop", {}),
    ("RMSprop", dict(lr=1e-3, alpha=0.9, centered=True)),
    ("RMSprop", dict(lr=1e-3, momentum=0.9)),
    ("RMSprop", dict(lr=1e-3, alpha=1.0, eps=1.0)),           # alpha = 1: s_t stays 0
    ("RMSprop", dict(lr=1e-3, alpha=0.9, eps=1e-4, weight_decay=0.1, momentum=0.5,
                     centered=True)),
    ("Adam", dict(lr=1e-2)),
    ("Adam", dict(lr=1e-2, amsgrad=True)),
    ("Adam", dict(lr=1e-2, weight_decay=0.1)),
    ("Adam", dict(lr=1e-2, betas=(0.5, 0.9), eps=1e-3, weight_decay=0.1, amsgrad=True)),
    ("AdamW", dict(lr=1e-2)),
    ("AdamW", dict(lr=1e-2, weight_decay=0.5, amsgrad=True)),
    ("AdamW", dict(lr=1e-2, betas=(0.5, 0.9), eps=1e-4)),
    ("NAdam", {}),
    ("NAdam", dict(lr=1e-2, momentum_decay=0.1)),
    ("NAdam", dict(lr=1e-2, betas=(0.8, 0.97), weight_decay=0.1)),
    ("Adamax", {}),
    ("Adamax", dict(lr=1e-2, betas=(0.5, 0.9))),
    ("Adamax", dict(lr=1e-2, eps=1e-3, weight_decay=0.1)),
]


@pytest.mark.parametrize("problem", PROBLEMS)
@pytest.mark.parametrize(
    "name, kwargs", TORCH_CASES,
    ids=[f"{n}-" + ",".join(f"{k}={v}" for k, v in kw.items()) for n, kw in TORCH_CASES])
def test_like_torch_matches_torch(name, kwargs, problem):
    grad_fn, theta0 = PROBLEMS[problem]
    ours = optim.run(optim.like_torch(name, **kwargs), grad_fn, theta0, STEPS)
    theirs = torch_path(name, kwargs, grad_fn, theta0)
    assert rel_err(ours, theirs) < 1e-10
    assert rel_err(ours[-1:], ours[:1]) > 1e-3      # the iterates did move


def test_torch_nadam_with_a_float32_default_dtype_differs_by_about_1e_11():
    """TorchNAdam's docstring: torch keeps mu_product in the default dtype; with float32 the
    iterates on Rosenbrock differ from ours by ~1e-11 (relative) after 50 steps."""
    grad_fn, theta0 = PROBLEMS["rosenbrock"]
    ours = optim.run(optim.like_torch("NAdam"), grad_fn, theta0, STEPS)
    assert rel_err(ours, torch_path("NAdam", {}, grad_fn, theta0)) < 1e-15     # float64 default
    torch.set_default_dtype(torch.float32)                                    # the fixture restores it
    err = rel_err(ours, torch_path("NAdam", {}, grad_fn, theta0))
    assert 3e-12 < err < 5e-11, err


@pytest.mark.parametrize("name, kwargs", [
    ("SGD", dict(lr=5e-4, momentum=0.9, dampening=1.5)),     # torch accepts any dampening
    ("SGD", dict(lr=5e-4, momentum=0.9, dampening=-0.5)),
    ("RMSprop", dict(lr=1e-11, alpha=1.0)),                  # alpha = 1: a step of lr g / eps
    ("Adadelta", dict(lr=1e-3, rho=1.0)),
])
def test_like_torch_accepts_settings_that_torch_accepts(name, kwargs):
    """Odd but legal in torch 2.x; 10 steps (dampening > 1 climbs and diverges later)."""
    for problem in PROBLEMS:
        grad_fn, theta0 = PROBLEMS[problem]
        ours = optim.run(optim.like_torch(name, **kwargs), grad_fn, theta0, 10)
        theirs = torch_path(name, kwargs, grad_fn, theta0, steps=10)
        assert rel_err(ours, theirs) < 1e-10, problem
        assert rel_err(ours[-1:], ours[:1]) > 1e-4, problem


def test_like_torch_returns_torch_forms_with_torch_defaults():
    opt = optim.like_torch("AdamW")
    assert isinstance(opt, optim.TorchAdamW)
    assert (opt.lr, opt.betas, opt.eps, opt.weight_decay, opt.amsgrad) == (1e-3, (0.9, 0.999), 1e-8, 0.01, False)
    assert optim.like_torch("Adadelta").lr == 1.0
    assert optim.like_torch("RMSprop").alpha == 0.99
    assert optim.like_torch("Adagrad").eps == 1e-10
    assert optim.like_torch("NAdam").momentum_decay == 4e-3


def test_like_torch_unknown_name_and_keyword():
    with pytest.raises(ValueError, match=r"unknown torch optimizer 'Adamw' \(did you mean 'AdamW'\?\)"):
        optim.like_torch("Adamw")
    with pytest.raises(ValueError, match="'LBFGS'"):
        optim.like_torch("LBFGS")
    with pytest.raises(TypeError, match="'maximize'"):
        optim.like_torch("Adam", maximize=True)
    with pytest.raises(TypeError, match="'momentum'"):
        optim.like_torch("Adam", momentum=0.9)
    with pytest.raises(TypeError, match="string"):
        optim.like_torch(torch.optim.Adam)


# ---------------------------------------------------------------------------
# Paper forms vs torch: where they coincide (maybe under a change of variables)
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("problem", PROBLEMS)
def test_gd_equals_torch_sgd(problem):
    grad_fn, theta0 = PROBLEMS[problem]
    ours = optim.run(optim.GD(lr=5e-4), grad_fn, theta0, STEPS)
    assert rel_err(ours, torch_path("SGD", dict(lr=5e-4), grad_fn, theta0)) < 1e-12


def run_with_states(opt, grad_fn, theta0, steps=STEPS):
    """Like optim.run, but also returns the states."""
    theta, state = theta0, opt.init(theta0)
    thetas, states = [theta0], [state]
    for _ in range(steps):
        theta, state = opt.step(theta, grad_fn(opt.grad_point(theta, state)), state)
        thetas.append(theta)
        states.append(state)
    return np.array(thetas), states


@pytest.mark.parametrize("problem", PROBLEMS)
def test_momentum_equals_torch_sgd_momentum_with_v_equal_lr_times_buffer(problem):
    grad_fn, theta0 = PROBLEMS[problem]
    lr, gamma = 5e-4, 0.9
    thetas, states = run_with_states(optim.Momentum(lr=lr, gamma=gamma), grad_fn, theta0)
    p = torch.tensor(theta0, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr, momentum=gamma, foreach=False)
    for t in range(1, STEPS + 1):
        p.grad = torch.from_numpy(grad_fn(p.detach().numpy().copy()))
        opt.step()
        buf = opt.state[p]["momentum_buffer"].numpy()
        assert rel_err(thetas[t][None], p.detach().numpy()[None]) < 1e-12
        assert rel_err(states[t].velocity[None], lr * buf[None]) < 1e-12


@pytest.mark.parametrize("problem", PROBLEMS)
def test_nag_lookahead_points_are_torch_nesterov_iterates(problem):
    grad_fn, theta0 = PROBLEMS[problem]
    lr, gamma = 5e-4, 0.9
    thetas, states = run_with_states(optim.NAG(lr=lr, gamma=gamma), grad_fn, theta0)
    lookahead = np.array([th - gamma * s.velocity for th, s in zip(thetas, states)])
    theirs = torch_path("SGD", dict(lr=lr, momentum=gamma, nesterov=True), grad_fn, theta0)
    assert rel_err(lookahead, theirs) < 1e-12
    # θ_t itself is a different sequence: it differs from torch's by γ v_t.
    assert rel_err(thetas, theirs) > 1e-4
    assert np.allclose(thetas - theirs, gamma * np.array([s.velocity for s in states]),
                       rtol=1e-9, atol=1e-13)


@pytest.mark.parametrize("problem", PROBLEMS)
def test_damped_momentum_is_momentum_with_a_smaller_lr_but_an_undamped_first_gradient(problem):
    """SGD(momentum=μ, dampening=τ): b_1 = g_1, b_t = μ b_{t-1} + (1 − τ) g_t. Momentum(lr(1 − τ))
    differs only by torch's undamped first gradient: setting v_1 = lr g_1 makes them coincide."""
    grad_fn, theta0 = PROBLEMS[problem]
    lr, mu, tau = 5e-4, 0.9, 0.9
    damped = torch_path("SGD", dict(lr=lr, momentum=mu, dampening=tau), grad_fn, theta0)
    paper = optim.Momentum(lr=lr * (1 - tau), gamma=mu)
    plain = optim.run(paper, grad_fn, theta0, STEPS)
    assert rel_err(plain, damped) > 1e-3                  # the change of lr alone is not enough
    g1 = grad_fn(theta0)
    theta, state = paper.step(theta0, g1, paper.init(theta0))
    state = state._replace(velocity=lr * g1)               # torch's first step: lr * g_1, undamped
    theta, path = theta0 - lr * g1, [theta0, theta0 - lr * g1]
    for _ in range(STEPS - 1):
        theta, state = paper.step(theta, grad_fn(theta), state)
        path.append(theta)
    assert rel_err(np.array(path), damped) < 1e-10


def test_damped_momentum_gap_for_the_same_gradients():
    """Fed the same gradients, torch's damped iterate is lr τ g_1 (1 − μ^t)/(1 − μ) further along
    −g_1 than Momentum(lr(1 − τ)): 9 lr g_1 in the limit for τ = μ = 0.9 (8.95 lr g_1 at t = 50)."""
    grads = np.random.default_rng(3).standard_normal((STEPS, 4))
    lr, mu, tau = 0.01, 0.9, 0.9
    feed = iter(grads)
    damped = torch_path("SGD", dict(lr=lr, momentum=mu, dampening=tau), lambda th: next(feed), np.zeros(4))
    feed = iter(grads)
    paper, _ = run_with_states(optim.Momentum(lr=lr * (1 - tau), gamma=mu), lambda th: next(feed), np.zeros(4))
    t = np.arange(STEPS + 1)[:, None]
    np.testing.assert_allclose(paper - damped, lr * tau * grads[0] * (1 - mu**t) / (1 - mu),
                               rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose((paper - damped)[-1] / (lr * grads[0]), 8.9536, rtol=1e-4)


@pytest.mark.parametrize("problem", PROBLEMS)
def test_adadelta_equals_torch_adadelta_with_lr_1(problem):
    grad_fn, theta0 = PROBLEMS[problem]
    for rho, eps in [(0.9, 1e-6), (0.95, 1e-4)]:
        ours = optim.run(optim.Adadelta(rho=rho, eps=eps), grad_fn, theta0, STEPS)
        theirs = torch_path("Adadelta", dict(lr=1.0, rho=rho, eps=eps), grad_fn, theta0)
        assert rel_err(ours, theirs) < 1e-10


@pytest.mark.parametrize("problem", PROBLEMS)
def test_adam_equals_torch_adam(problem):
    grad_fn, theta0 = PROBLEMS[problem]
    for kw in [dict(lr=1e-2), dict(lr=3e-2, beta1=0.5, beta2=0.9, eps=1e-3)]:
        ours = optim.run(optim.Adam(**kw), grad_fn, theta0, STEPS)
        torch_kw = dict(lr=kw["lr"], betas=(kw.get("beta1", 0.9), kw.get("beta2", 0.999)),
                        eps=kw.get("eps", 1e-8))
        assert rel_err(ours, torch_path("Adam", torch_kw, grad_fn, theta0)) < 1e-10


@pytest.mark.parametrize("problem", PROBLEMS)
def test_adamw_equals_torch_adamw_with_weight_decay_over_lr(problem):
    grad_fn, theta0 = PROBLEMS[problem]
    lr, lam = 1e-2, 1e-3          # paper λ: fraction of θ removed per step
    ours = optim.run(optim.AdamW(lr=lr, weight_decay=lam), grad_fn, theta0, STEPS)
    theirs = torch_path("AdamW", dict(lr=lr, weight_decay=lam / lr), grad_fn, theta0)
    assert rel_err(ours, theirs) < 1e-10
    # Defaults: AdamW() == torch.optim.AdamW() (λ = 0.001 · 0.01).
    ours = optim.run(optim.AdamW(), grad_fn, theta0, STEPS)
    assert rel_err(ours, torch_path("AdamW", {}, grad_fn, theta0)) < 1e-10


@pytest.mark.parametrize("problem", PROBLEMS)
def test_eps_placement_is_the_only_difference_for_adagrad_rmsprop_adamax(problem):
    """With ε → 0 (1e-300) the paper forms and torch's coincide."""
    grad_fn, theta0 = PROBLEMS[problem]
    tiny = 1e-300
    pairs = [
        (optim.Adagrad(lr=0.1, eps=tiny), "Adagrad", dict(lr=0.1, eps=tiny)),
        (optim.RMSprop(lr=1e-2, gamma=0.9, eps=tiny), "RMSprop", dict(lr=1e-2, alpha=0.9, eps=tiny)),
        (optim.AdaMax(lr=1e-2), "Adamax", dict(lr=1e-2, eps=tiny)),
    ]
    for ours_opt, name, kw in pairs:
        ours = optim.run(ours_opt, grad_fn, theta0, STEPS)
        assert rel_err(ours, torch_path(name, kw, grad_fn, theta0)) < 1e-10, name


# ---------------------------------------------------------------------------
# Paper forms vs torch: where they differ, and by how much
# ---------------------------------------------------------------------------

def first_step(opt, theta, grad):
    theta = np.asarray(theta, dtype=float)
    new, _ = opt.step(theta, np.asarray(grad, dtype=float), opt.init(theta))
    return new - theta


def torch_first_step(name, kwargs, theta, grad):
    return torch_path(name, kwargs, lambda th: np.asarray(grad, dtype=float),
                      np.asarray(theta, dtype=float), steps=1)[1] - theta


def test_adagrad_eps_inside_vs_outside_the_root():
    lr, eps, g = 0.1, 1e-8, np.array([1e-4, 1.0])
    paper = first_step(optim.Adagrad(lr=lr, eps=eps), [0.0, 0.0], g)
    torch_step = torch_first_step("Adagrad", dict(lr=lr, eps=eps), [0.0, 0.0], g)
    np.testing.assert_allclose(paper, -lr * g / np.sqrt(g**2 + eps), rtol=1e-14)
    np.testing.assert_allclose(torch_step, -lr * g / (np.abs(g) + eps), rtol=1e-14)
    ratio = paper / torch_step
    # A small gradient (1e-4): the paper's first step is 1/√2 of torch's; g = 1: equal to 1e-8.
    assert ratio[0] == pytest.approx(1.0001 / math.sqrt(2), rel=1e-12)
    assert abs(ratio[1] - 1) < 1e-8


def test_rmsprop_eps_inside_vs_outside_the_root():
    lr, gamma, eps, g = 1e-2, 0.9, 1e-8, np.array([1e-4, 1.0])
    paper = first_step(optim.RMSprop(lr=lr, gamma=gamma, eps=eps), [0.0, 0.0], g)
    torch_step = torch_first_step("RMSprop", dict(lr=lr, alpha=gamma, eps=eps), [0.0, 0.0], g)
    np.testing.assert_allclose(paper, -lr * g / np.sqrt((1 - gamma) * g**2 + eps), rtol=1e-14)
    np.testing.assert_allclose(torch_step, -lr * g / (math.sqrt(1 - gamma) * np.abs(g) + eps),
                               rtol=1e-14)
    ratio = paper / torch_step
    assert ratio[0] == pytest.approx(0.30161, abs=1e-5)     # 3.3 times smaller
    assert abs(ratio[1] - 1) < 1e-7


def test_adamax_eps_in_the_max():
    g = np.array([1e-4, 1.0])
    paper = first_step(optim.AdaMax(lr=1e-2), [0.0, 0.0], g)
    torch_step = torch_first_step("Adamax", dict(lr=1e-2), [0.0, 0.0], g)
    np.testing.assert_allclose(paper, [-1e-2, -1e-2], rtol=1e-14)
    np.testing.assert_allclose(torch_step, -1e-2 * g / (g + 1e-8), rtol=1e-14)
    assert paper[0] / torch_step[0] == pytest.approx(1.0001, rel=1e-12)


def test_nadam_paper_vs_torch_first_step():
    lr, b1, eps, g = 1e-2, 0.9, 1e-8, np.array([0.5, -2.0])
    paper = first_step(optim.Nadam(lr=lr), [0.0, 0.0], g)
    torch_step = torch_first_step("NAdam", dict(lr=lr), [0.0, 0.0], g)
    mu1, mu2 = (b1 * (1 - 0.5 * 0.96 ** (t * 0.004)) for t in (1, 2))
    unit = g / (np.abs(g) + eps)
    np.testing.assert_allclose(paper, -lr * (1 + b1) * unit, rtol=1e-14)                 # 1.9 lr
    np.testing.assert_allclose(torch_step, -lr * (1 + mu2 * (1 - b1) / (1 - mu1 * mu2)) * unit,
                               rtol=1e-14)                                              # 1.0565 lr
    assert paper[0] / torch_step[0] == pytest.approx(1.7984, abs=1e-4)


@pytest.mark.parametrize("problem", PROBLEMS)
def test_nadam_paper_vs_torch_trajectories(problem):
    """Two differences: torch's μ_t schedule, and the (t + 1) in its momentum correction.

    With momentum_decay = 1e9, torch's μ_t = β1 for all t; the remaining difference is
    exactly the bias correction 1 − β1^(t+1) (torch) vs 1 − β1^t (paper form).
    """
    grad_fn, theta0 = PROBLEMS[problem]
    lr, b1, b2, eps = 1e-2, 0.9, 0.999, 1e-8
    paper = optim.run(optim.Nadam(lr=lr), grad_fn, theta0, STEPS)
    torch_default = torch_path("NAdam", dict(lr=lr), grad_fn, theta0)
    torch_const_mu = torch_path("NAdam", dict(lr=lr, momentum_decay=1e9), grad_fn, theta0)
    assert rel_err(paper, torch_default) > 1e-3
    assert rel_err(paper, torch_const_mu) > 1e-4

    def ruder_nadam(shift):
        """Ruder's (2016) Nadam, written out, with m̂ corrected by 1 − β1^(t + shift)."""
        theta, m, v, path = theta0, 0 * theta0, 0 * theta0, [theta0]
        for t in range(1, STEPS + 1):
            g = grad_fn(theta)
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            m_hat = m / (1 - b1 ** (t + shift))
            v_hat = v / (1 - b2**t)
            theta = theta - lr / (np.sqrt(v_hat) + eps) * (b1 * m_hat + (1 - b1) * g / (1 - b1**t))
            path.append(theta)
        return np.array(path)

    # With m̂ corrected by 1 − β1^(t+1) the written-out loop is torch's constant-μ NAdam ...
    assert rel_err(ruder_nadam(1), torch_const_mu) < 1e-10
    # ... and with 1 − β1^t (the survey's formula) it is gdlab's paper form.
    assert rel_err(ruder_nadam(0), paper) < 1e-12


def test_amsgrad_paper_vs_torch_bias_correction():
    """Constant gradient: paper/torch step ratio is (1 − β1^t) / √(1 − β2^t)."""
    b1, b2, lr = 0.9, 0.999, 1e-3
    g = np.array([0.3, -2.0])
    steps = 3000
    paper = optim.run(optim.AMSGrad(lr=lr, eps=1e-300), lambda th: g, np.zeros(2), steps)
    theirs = torch_path("Adam", dict(lr=lr, amsgrad=True, eps=1e-300), lambda th: g,
                        np.zeros(2), steps)
    t = np.arange(1, steps + 1)
    ratio = np.diff(paper, axis=0)[:, 0] / np.diff(theirs, axis=0)[:, 0]
    np.testing.assert_allclose(ratio, (1 - b1**t) / np.sqrt(1 - b2**t), rtol=1e-9)
    assert ratio[0] == pytest.approx(0.1 / math.sqrt(0.001))       # 3.162
    assert ratio[-1] == pytest.approx(1.0258, abs=1e-4)             # still 2.6 % larger at t = 3000


@pytest.mark.parametrize("problem", PROBLEMS)
def test_amsgrad_paper_and_torch_keep_the_same_max(problem):
    """Both keep max of the *uncorrected* v: AMSGrad's v_hat is torch's max_exp_avg_sq
    when fed the same gradients."""
    grad_fn, theta0 = PROBLEMS[problem]
    paper, torch_form = optim.AMSGrad(lr=1e-2), optim.like_torch("Adam", lr=1e-2, amsgrad=True)
    theta, s1, s2 = theta0, paper.init(theta0), torch_form.init(theta0)
    for _ in range(STEPS):
        g = grad_fn(theta)
        theta, s1 = paper.step(theta, g, s1)
        _, s2 = torch_form.step(theta, g, s2)
    np.testing.assert_allclose(s1.v_hat, s2.max_exp_avg_sq, rtol=1e-12)


def test_sgd_l2_penalty_equals_decoupled_decay_with_lr_times_lambda():
    grad_fn, theta0 = PROBLEMS["quadratic6"]
    lr, lam = 5e-3, 0.3
    l2 = torch_path("SGD", dict(lr=lr, weight_decay=lam), grad_fn, theta0)
    # GD on J + λ/2 |θ|²
    gd = optim.run(optim.GD(lr=lr), lambda th: grad_fn(th) + lam * th, theta0, STEPS)
    # decoupled: θ ← (1 − lr λ) θ − lr ∇J
    theta, path = theta0, [theta0]
    for _ in range(STEPS):
        theta = (1 - lr * lam) * theta - lr * grad_fn(theta)
        path.append(theta)
    assert rel_err(gd, l2) < 1e-12
    assert rel_err(np.array(path), l2) < 1e-12


def test_sgd_momentum_l2_differs_from_decoupled_decay():
    """With momentum, the L2 term enters the velocity (and is amplified up to 1/(1 − μ) = 10×);
    SGDW (Loshchilov & Hutter, Alg. 1) applies lr·λ·θ once. Our run: 22 % apart after 50 steps."""
    grad_fn, theta0 = PROBLEMS["quadratic6"]
    lr, mu, lam = 5e-3, 0.9, 0.3
    l2 = torch_path("SGD", dict(lr=lr, momentum=mu, weight_decay=lam), grad_fn, theta0)
    theta, b, path = theta0, np.zeros_like(theta0), [theta0]
    for _ in range(STEPS):
        b = mu * b + grad_fn(theta)
        theta = theta - lr * b - lr * lam * theta
        path.append(theta)
    err = rel_err(np.array(path), l2)
    assert 0.15 < err < 0.3


def test_adam_l2_vs_adamw_decoupled_at_a_stationary_point():
    """Loss gradient 0: Adam + L2 moves every coordinate by ~lr, AdamW by lr·λ·θ."""
    theta, lr, lam = np.array([1.0, 10.0]), 1e-3, 0.01
    zero = np.zeros(2)
    adam_l2 = torch_first_step("Adam", dict(lr=lr, weight_decay=lam), theta, zero)
    adamw = torch_first_step("AdamW", dict(lr=lr, weight_decay=lam), theta, zero)
    np.testing.assert_allclose(adam_l2, -lr * (lam * theta) / (lam * theta + 1e-8), rtol=1e-12)
    np.testing.assert_allclose(adamw, -lr * lam * theta, rtol=1e-10)
    np.testing.assert_allclose(adam_l2 / adamw, [100.0, 10.0], rtol=1e-5)
    # ours agree with both
    np.testing.assert_allclose(first_step(optim.like_torch("Adam", lr=lr, weight_decay=lam), theta, zero),
                               adam_l2, rtol=1e-12)
    np.testing.assert_allclose(first_step(optim.AdamW(lr=lr, weight_decay=lr * lam), theta, zero),
                               adamw, rtol=1e-10)


def test_adam_l2_vs_adamw_on_a_quadratic():
    grad_fn, theta0 = PROBLEMS["quadratic6"]
    l2 = torch_path("Adam", dict(lr=1e-2, weight_decay=0.1), grad_fn, theta0)
    decoupled = torch_path("AdamW", dict(lr=1e-2, weight_decay=0.1), grad_fn, theta0)
    plain = torch_path("Adam", dict(lr=1e-2), grad_fn, theta0)
    # Gradients here are O(1..100): the L2 term 0.1 θ barely changes Adam's normalised
    # direction (1e-4 after 50 steps), while removing lr·λ = 1e-3 of θ per step, outside
    # the normalisation, moves the path by 5 %.
    assert 5e-5 < rel_err(l2, plain) < 5e-4
    assert 2e-2 < rel_err(decoupled, plain) < 1e-1


# ---------------------------------------------------------------------------
# run
# ---------------------------------------------------------------------------

PAPER_FORMS = [optim.GD(lr=0.01), optim.Momentum(), optim.NAG(), optim.Adagrad(lr=0.1),
               optim.Adadelta(), optim.RMSprop(), optim.Adam(), optim.AdaMax(), optim.Nadam(),
               optim.AMSGrad(), optim.AdamW(weight_decay=1e-3)]
TORCH_FORMS = [optim.like_torch(name, **kw) for name, kw in TORCH_CASES]
ALL_FORMS = PAPER_FORMS + TORCH_FORMS


@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (2, 1, 2)])
@pytest.mark.parametrize("opt", [optim.NAG(), optim.Adam(), optim.like_torch("RMSprop", centered=True)],
                         ids=["NAG", "Adam", "TorchRMSprop"])
def test_run_shape_and_start(opt, shape):
    theta0 = np.linspace(-1, 1, math.prod(shape)).reshape(shape) + 0.5
    before = theta0.copy()
    path = optim.run(opt, lambda th: 2 * th, theta0, 7)
    assert path.shape == (8, *shape)
    assert path.dtype == np.float64
    assert np.array_equal(path[0], theta0)
    assert np.array_equal(theta0, before)
    assert optim.run(opt, lambda th: 2 * th, theta0, 0).shape == (1, *shape)


@pytest.mark.parametrize("opt", ALL_FORMS, ids=lambda o: repr(o)[:60])
def test_run_is_reproducible_and_step_is_pure(opt):
    grad_fn, theta0 = PROBLEMS["quadratic2x3"]
    a = optim.run(opt, grad_fn, theta0, 10)
    b = optim.run(opt, grad_fn, theta0, 10)
    assert np.array_equal(a, b)
    # step mutates nothing: theta, grad, state arrays
    theta, state = a[5], opt.init(a[0])
    for _ in range(3):
        theta, state = opt.step(theta, grad_fn(opt.grad_point(theta, state)), state)
    saved = (theta.copy(), [np.copy(x) for x in state])
    grad = grad_fn(theta)
    grad_saved = grad.copy()
    opt.grad_point(theta, state)
    opt.step(theta, grad, state)
    assert np.array_equal(theta, saved[0]) and np.array_equal(grad, grad_saved)
    for x, y in zip(state, saved[1]):
        assert np.array_equal(np.asarray(x), y)


def test_run_evaluates_nag_gradient_at_the_lookahead_point():
    points = []

    def grad_fn(th):
        points.append(th.copy())
        return 2 * th

    opt = optim.NAG(lr=0.1, gamma=0.9)
    path = optim.run(opt, grad_fn, np.array([1.0, -1.0]), 5)
    thetas, states = run_with_states(opt, lambda th: 2 * th, np.array([1.0, -1.0]), 5)
    np.testing.assert_array_equal(path, thetas)
    expected = [th - 0.9 * s.velocity for th, s in zip(thetas[:-1], states[:-1])]
    np.testing.assert_array_equal(np.array(points), np.array(expected))
    assert not np.allclose(points[2], path[2])


def test_run_integer_start_becomes_float():
    path = optim.run(optim.GD(lr=0.25), lambda th: 2 * th, np.array([1, 2]), 2)
    assert path.dtype == np.float64
    assert path[-1].tolist() == [0.25, 0.5]


def test_run_raises_divergence_error():
    with pytest.raises(optim.DivergenceError) as info:
        optim.run(optim.GD(lr=10.0), lambda th: th, np.array([1.0, 0.5]), 1000)
    assert isinstance(info.value, ArithmeticError)
    assert re.fullmatch(r"diverged at step 323: theta contains inf/nan "
                        r"\(last finite \|theta\| = 1\.8e\+307\)", str(info.value))
    assert info.value.step == 323 and np.all(np.isfinite(info.value.last_theta))
    # Rosenbrock with a too large step: the gradient overflows first
    with pytest.raises(optim.DivergenceError, match=r"diverged at step \d+: the gradient"):
        optim.run(optim.GD(lr=0.01), rosenbrock_grad, np.array([-1.5, 2.0]), 100)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(steps=-1), ValueError, "steps must be >= 0, got -1"),
    (dict(steps=2.0), TypeError, "steps must be an integer, got 2.0"),
    (dict(theta0=np.array([1.0, np.nan])), ValueError, "theta0 must be finite"),
    (dict(theta0=np.array(["a", "b"])), TypeError, "theta0 must be an array of real numbers"),
    (dict(grad_fn=lambda th: np.zeros(3)), ValueError, r"shape of theta \(2,\), got shape \(3,\)"),
    (dict(grad_fn=None), TypeError, "grad_fn must be callable"),
    (dict(optimizer=torch.optim.SGD), TypeError, "optimizer must have init, grad_point and step"),
])
def test_run_bad_input(kwargs, error, match):
    args = dict(optimizer=optim.GD(lr=0.1), grad_fn=lambda th: th, theta0=np.ones(2), steps=3)
    args.update(kwargs)
    with pytest.raises(error, match=match):
        optim.run(**args)


# ---------------------------------------------------------------------------
# Bad hyper-parameters and gradients
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("make, error, match", [
    (lambda: optim.GD(lr=-0.1), ValueError, r"lr must be a finite number >= 0, got -0\.1"),
    (lambda: optim.GD(lr=float("nan")), ValueError, "lr must be a finite number >= 0, got nan"),
    (lambda: optim.Adam(lr=float("inf")), ValueError, "lr must be a finite number >= 0, got inf"),
    (lambda: optim.GD(lr="0.1"), TypeError, r"lr must be a real number, got '0\.1' of type str"),
    (lambda: optim.Momentum(lr=True), TypeError, "lr must be a real number, got True"),
    (lambda: optim.Momentum(gamma=1.0), ValueError, r"gamma must be a finite number in \[0, 1\), got 1\.0"),
    (lambda: optim.NAG(gamma=-0.1), ValueError, r"gamma .* got -0\.1"),
    (lambda: optim.Adam(beta1=1.0), ValueError, r"beta1 must be a finite number in \[0, 1\), got 1\.0"),
    (lambda: optim.Adam(beta2=1.5), ValueError, r"beta2 .* got 1\.5"),
    (lambda: optim.Adam(beta1=-0.1), ValueError, r"beta1 must be a finite number in \[0, 1\), got -0\.1"),
    (lambda: optim.AdamW(beta2=float("inf")), ValueError, "beta2 .* got inf"),
    (lambda: optim.like_torch("NAdam", betas=(-0.5, 0.999)), ValueError, r"betas\[0\] .* got -0\.5"),
    (lambda: optim.like_torch("Adam", betas=(0.9, float("nan"))), ValueError, r"betas\[1\] .* got nan"),
    (lambda: optim.like_torch("Adagrad", lr=float("-inf")), ValueError, "lr .* got -inf"),
    (lambda: optim.like_torch("Adamax", eps=-1e-8), ValueError, r"eps must be a finite number > 0, got -1e-08"),
    (lambda: optim.like_torch("RMSprop", eps=float("nan")), ValueError, "eps .* got nan"),
    (lambda: optim.AdaMax(beta2=-0.5), ValueError, r"beta2 .* got -0\.5"),
    (lambda: optim.Nadam(beta1=float("nan")), ValueError, "beta1 .* got nan"),
    (lambda: optim.Adam(eps=0.0), ValueError, r"eps must be a finite number > 0, got 0\.0"),
    (lambda: optim.Adagrad(eps=-1e-8), ValueError, r"eps must be a finite number > 0, got -1e-08"),
    (lambda: optim.RMSprop(eps="1e-8"), TypeError, "eps must be a real number"),
    (lambda: optim.Adadelta(rho=1.0), ValueError, r"rho .* got 1\.0"),
    (lambda: optim.AMSGrad(lr=-1.0), ValueError, r"lr .* got -1\.0"),
    (lambda: optim.AdamW(weight_decay=-0.01), ValueError, r"weight_decay must be a finite number >= 0, got -0\.01"),
    (lambda: optim.like_torch("SGD", lr=-1), ValueError, "lr .* got -1"),
    (lambda: optim.like_torch("SGD", nesterov=True), ValueError, "nesterov=True requires momentum > 0"),
    (lambda: optim.like_torch("SGD", momentum=0.9, nesterov="yes"), TypeError, "nesterov must be True or False, got 'yes'"),
    (lambda: optim.like_torch("SGD", momentum=0.9, dampening=float("nan")), ValueError, r"dampening .* got nan"),
    (lambda: optim.like_torch("Adam", betas=(0.9, 1.0)), ValueError, r"betas\[1\] .* got 1\.0"),
    (lambda: optim.like_torch("Adam", betas=0.9), TypeError, r"betas must be a pair"),
    (lambda: optim.like_torch("Adam", amsgrad=1), TypeError, "amsgrad must be True or False"),
    (lambda: optim.like_torch("AdamW", eps=0), ValueError, "eps .* got 0"),
    (lambda: optim.like_torch("Adagrad", lr_decay=-1.0), ValueError, "lr_decay"),
    (lambda: optim.like_torch("Adagrad", initial_accumulator_value=-1.0), ValueError, "initial_accumulator_value"),
    (lambda: optim.like_torch("RMSprop", alpha=1.5), ValueError, r"alpha must be a finite number in \[0, 1\], got 1\.5"),
    (lambda: optim.GD(lr=10**400), ValueError, r"lr must be a finite number >= 0, got 10000000\.\.\. \(an integer of 401 digits\), too large"),
    (lambda: optim.GD(lr=-(10**400)), ValueError, "lr .* too large for a float"),
    (lambda: optim.AdaMax(beta2=0.0), ValueError, r"beta2 must be a finite number in \(0, 1\), got 0\.0"),
    (lambda: optim.like_torch("Adadelta", rho=1.5), ValueError, r"rho must be a finite number in \[0, 1\], got 1\.5"),
    (lambda: optim.like_torch("RMSprop", centered="no"), TypeError, "centered"),
    (lambda: optim.like_torch("RMSprop", momentum=-0.9), ValueError, "momentum"),
    (lambda: optim.like_torch("NAdam", momentum_decay=-1.0), ValueError, "momentum_decay"),
    (lambda: optim.like_torch("Adamax", betas=(1.0, 0.9)), ValueError, r"betas\[0\]"),
    (lambda: optim.like_torch("Adadelta", rho=2.0), ValueError, "rho"),
])
def test_bad_hyperparameters(make, error, match):
    with pytest.raises(error, match=match):
        make()


@pytest.mark.parametrize("opt", ALL_FORMS, ids=lambda o: repr(o)[:60])
def test_bad_gradients(opt):
    theta = np.array([1.0, 2.0])
    state = opt.init(theta)
    with pytest.raises(ValueError, match=r"grad must have the shape of theta \(2,\), got shape \(3,\)"):
        opt.step(theta, np.ones(3), state)
    with pytest.raises(ValueError, match=r"grad must be finite, got nan at index \(1,\)"):
        opt.step(theta, np.array([0.0, np.nan]), state)
    with pytest.raises(ValueError, match=r"grad must be finite, got -inf at index \(0,\)"):
        opt.step(theta, np.array([-np.inf, 1.0]), state)
    with pytest.raises(TypeError, match="grad must be an array of real numbers"):
        opt.step(theta, np.array(["1", "2"]), state)


def test_states_are_inspectable_named_tuples():
    opt = optim.Adam()
    theta, state = opt.step(np.ones(2), np.array([1.0, -1.0]), opt.init(np.ones(2)))
    assert state._fields == ("step", "m", "v")
    assert state.step == 1
    np.testing.assert_allclose(state.m, [0.1, -0.1])
    assert optim.Momentum().init(np.ones(2))._fields == ("step", "velocity")
    assert optim.Adagrad().init(np.ones(2))._fields == ("step", "sum_sq_grad")
    with pytest.raises(dataclasses.FrozenInstanceError):
        opt.lr = 0.1          # frozen


# ---------------------------------------------------------------------------
# as_torch_optimizer
# ---------------------------------------------------------------------------

def linear_problem(seed=0):
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(32, 3, generator=g, dtype=torch.float64)
    y = X @ torch.tensor([[1.0, -2.0], [0.5, 0.0], [3.0, 1.0]], dtype=torch.float64) + 0.1
    model = torch.nn.Linear(3, 2).double()
    with torch.no_grad():
        model.weight.copy_(torch.randn(2, 3, generator=g, dtype=torch.float64))
        model.bias.copy_(torch.randn(2, generator=g, dtype=torch.float64))
    return X, y, model


def train(model, opt, X, y, steps=20, use_closure=False):
    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(X), y)
        loss.backward()
        return loss

    for _ in range(steps):
        if use_closure:
            opt.step(closure)
        else:
            closure()
            opt.step()
    return [p.detach().numpy().copy() for p in model.parameters()]


@pytest.mark.parametrize("use_closure", [False, True])
def test_as_torch_optimizer_adam_equals_torch_adam(use_closure):
    X, y, model = linear_problem()
    X2, y2, model2 = linear_problem()
    adapter = optim.as_torch_optimizer(optim.like_torch("Adam", lr=1e-2), model.parameters())
    assert isinstance(adapter, torch.optim.Optimizer)
    assert isinstance(adapter, optim.TorchAdapter)
    ours = train(model, adapter, X, y, use_closure=use_closure)
    theirs = train(model2, torch.optim.Adam(model2.parameters(), lr=1e-2, foreach=False), X2, y2)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    assert not np.allclose(ours[0], linear_problem()[2].weight.detach().numpy())
    states = [adapter.state[p]["gdlab"] for p in model.parameters()]
    assert [s.step for s in states] == [20, 20]
    assert states[0].exp_avg.shape == (2, 3)


def test_as_torch_optimizer_nag_needs_closure_and_matches_torch_nesterov():
    lr, gamma = 0.05, 0.9
    X, y, model = linear_problem()
    X2, y2, model2 = linear_problem()
    adapter = optim.as_torch_optimizer(optim.NAG(lr=lr, gamma=gamma), model.parameters())
    with pytest.raises(ValueError, match="look-ahead point: call step\\(closure\\)"):
        train(model, adapter, X, y, steps=1)
    ours = train(model, adapter, X, y, use_closure=True)
    theirs = train(model2, torch.optim.SGD(model2.parameters(), lr=lr, momentum=gamma,
                                           nesterov=True, foreach=False), X2, y2)
    for p, a, b in zip(model.parameters(), ours, theirs):
        lookahead = a - gamma * adapter.state[p]["gdlab"].velocity
        np.testing.assert_allclose(lookahead, b, rtol=1e-12, atol=1e-14)


def test_as_torch_optimizer_float32_model_and_bad_optimizer():
    w = torch.tensor([1.0, -2.0], dtype=torch.float32, requires_grad=True)
    opt = optim.as_torch_optimizer(optim.Momentum(lr=0.1), [w])
    for _ in range(3):
        opt.zero_grad()
        (w ** 2).sum().backward()
        opt.step()
    expected = optim.run(optim.Momentum(lr=0.1), lambda th: 2 * th, np.array([1.0, -2.0]), 3)[-1]
    assert w.dtype == torch.float32
    np.testing.assert_allclose(w.detach().numpy(), expected, rtol=1e-6)
    with pytest.raises(TypeError, match="gdlab optimizer"):
        optim.as_torch_optimizer(torch.optim.SGD, [w])


# ---------------------------------------------------------------------------
# Review fixes: dtypes, copies, hashing, aliasing, divergence details, param groups
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("opt", ALL_FORMS + [optim.like_torch("Adagrad", initial_accumulator_value=0.5)],
                         ids=lambda o: repr(o)[:60])
def test_integer_theta_gets_float_state_and_the_float_update(opt):
    theta_int, theta_float = np.array([1, -2, 3]), np.array([1.0, -2.0, 3.0])
    state = opt.init(theta_int)
    for x in state:
        if isinstance(x, np.ndarray):
            assert x.dtype == np.float64, state
    grad = np.array([0.5, -1.5, 2.0])
    new_int, state_int = opt.step(theta_int, grad, state)
    new_float, state_float = opt.step(theta_float, grad, opt.init(theta_float))
    np.testing.assert_array_equal(new_int, new_float)
    assert new_int.dtype == np.float64
    for a, b in zip(state_int, state_float):
        np.testing.assert_array_equal(np.asarray(a, dtype=float) if a is not None else 0,
                                      np.asarray(b, dtype=float) if b is not None else 0)


def test_torch_adagrad_initial_accumulator_is_not_truncated_for_integer_theta():
    opt = optim.like_torch("Adagrad", initial_accumulator_value=0.5)
    assert opt.init(np.array([1, 2])).sum.tolist() == [0.5, 0.5]


@pytest.mark.parametrize("name", ["Adam", "AdamW", "NAdam", "Adamax"])
def test_betas_given_as_a_list_become_a_hashable_tuple(name):
    opt = optim.like_torch(name, betas=[0.8, 0.99])
    assert opt.betas == (0.8, 0.99) and isinstance(opt.betas, tuple)
    assert hash(opt) == hash(optim.like_torch(name, betas=(0.8, 0.99)))
    assert opt == optim.like_torch(name, betas=(0.8, 0.99))
    assert len({opt, optim.like_torch(name, betas=(0.8, 0.99))}) == 1


def test_amsgrad_init_arrays_are_separate():
    state = optim.AMSGrad().init(np.zeros(3))
    arrays = [state.m, state.v, state.v_hat]
    for i in range(3):
        for j in range(i + 1, 3):
            assert not np.shares_memory(arrays[i], arrays[j])
    state.m[0] = 1.0                      # a reader's in-place bug in m must not show up in v
    assert state.v[0] == 0.0 and state.v_hat[0] == 0.0


@pytest.mark.parametrize("opt", [optim.Momentum(lr=0.1), optim.Adam(lr=0.1)], ids=["Momentum", "Adam"])
@pytest.mark.parametrize("shape", [(), (4,), (2, 3)])
def test_results_written_into_one_block_do_not_overlap(opt, shape):
    theta = np.full(shape, 1.0)
    new, state = opt.step(theta, np.full(shape, 2.0), opt.init(theta))
    arrays = [new] + [x for x in state if isinstance(x, np.ndarray)]
    for a in arrays:
        assert a.shape == shape and a.dtype == np.float64
    for i in range(len(arrays)):
        for j in range(i + 1, len(arrays)):
            assert not np.shares_memory(arrays[i], arrays[j])
    expected = [np.copy(a) for a in arrays[1:]]
    new += 100.0                          # changing the new theta changes no state array
    for a, b in zip(arrays[1:], expected):
        np.testing.assert_array_equal(a, b)


def test_run_gives_grad_fn_a_copy_of_theta0():
    theta0 = np.array([1.0, -2.0])
    seen = []

    def grad_fn(th):
        seen.append(th)
        return 2 * th

    optim.run(optim.GD(lr=0.1), grad_fn, theta0, 3)
    assert not any(np.shares_memory(th, theta0) for th in seen)

    def vandal(th):
        th[0] = 99.0                      # a careless grad_fn that writes into its argument
        return 2 * th

    optim.run(optim.GD(lr=0.1), vandal, theta0, 1)
    assert theta0.tolist() == [1.0, -2.0]


@pytest.mark.parametrize("opt", [optim.GD(lr=0.1), optim.Momentum(lr=0.1), optim.Adam(lr=0.1),
                                 optim.like_torch("RMSprop", lr=0.01)], ids=lambda o: type(o).__name__)
def test_run_float32_theta0_with_float64_gradients_stays_float32(opt):
    """The rule: everything is computed in np.result_type(theta0, 1.0); path[t] is the point
    where the next gradient is taken, exactly."""
    A = np.array([[3.0, 0.5], [0.5, 1.0]])
    seen = []

    def grad_fn(th):
        seen.append(th.copy())
        return A @ th.astype(np.float64)          # float64 gradient

    path = optim.run(opt, grad_fn, np.array([1.0, -1.0], dtype=np.float32), 5)
    assert path.dtype == np.float32
    assert all(th.dtype == np.float32 for th in seen)
    np.testing.assert_array_equal(np.array(seen), path[:-1])
    # the same as a run fed with float32 gradients
    path32 = optim.run(opt, lambda th: (A @ th.astype(np.float64)).astype(np.float32),
                       np.array([1.0, -1.0], dtype=np.float32), 5)
    np.testing.assert_array_equal(path, path32)
    assert not np.array_equal(path[-1], optim.run(opt, grad_fn, np.array([1.0, -1.0]), 5)[-1])


def test_run_bad_gradient_keeps_the_detail_and_the_cause():
    def sqrt_abs_grad(th):               # gradient of sqrt|w|: infinite at 0
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.sign(th) / (2 * np.sqrt(np.abs(th))) + 0 / np.abs(th) * 0

    with pytest.raises(optim.DivergenceError) as info:
        optim.run(optim.GD(lr=0.1), sqrt_abs_grad, np.array([0.0, 1.0]), 3)
    err = info.value
    assert re.fullmatch(r"diverged at step 1: the gradient contains inf/nan \(\|theta\| = 1\.0e\+00\): "
                        r"grad must be finite, got nan at index \(0,\)", str(err))
    assert isinstance(err.__cause__, ValueError) and "index (0,)" in str(err.__cause__)
    assert err.step == 1 and err.last_theta.tolist() == [0.0, 1.0]


def test_run_nonfinite_theta0_names_the_first_bad_index():
    with pytest.raises(ValueError, match=r"^theta0 must be finite, got inf at index \(1, 0\)$"):
        optim.run(optim.GD(lr=0.1), lambda th: th, np.array([[1.0, 2.0], [np.inf, np.nan]]), 1)


def test_one_divergence_error_class():
    from gdlab import train
    assert train.DivergenceError is optim.DivergenceError
    assert issubclass(optim.DivergenceError, FloatingPointError)
    err = optim.DivergenceError(epoch=3, step=7, loss=float("nan"))
    assert (err.epoch, err.step, err.last_theta) == (3, 7, None) and math.isnan(err.loss)
    assert str(err) == "training diverged at epoch 3, step 7: loss = nan (try a smaller learning rate)"
    err = optim.DivergenceError("custom", step=2, last_theta=np.ones(2))
    assert str(err) == "custom" and err.step == 2 and err.epoch is None and err.loss is None
    with pytest.raises(TypeError, match="positional"):
        optim.DivergenceError(3, 7, float("nan"))      # the attributes are keyword-only
    with pytest.raises(TypeError, match="message must be a string, got 3"):
        optim.DivergenceError(3)


def test_adamax_beta2_zero_is_refused_but_small_beta2_works():
    with pytest.raises(ValueError, match=r"beta2 .* \(0, 1\)"):
        optim.AdaMax(beta2=0)
    opt = optim.AdaMax(lr=0.1, beta2=1e-3)
    theta, state = opt.step(np.ones(1), np.array([2.0]), opt.init(np.ones(1)))
    theta, state = opt.step(theta, np.array([0.0]), state)     # u = 2e-3 > 0: still moves
    assert state.u[0] == pytest.approx(2e-3) and theta[0] < 0.9


def _scheduled_run(make_optimizer, steps=9, scheduler=True):
    """Fit a linear model with a StepLR schedule (halve the lr every 3 steps)."""
    X, y, model = linear_problem(1)
    opt = make_optimizer(model.parameters())
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5) if scheduler else None
    lrs = []
    for _ in range(steps):
        opt.zero_grad()
        torch.nn.functional.mse_loss(model(X), y).backward()
        opt.step()
        lrs.append(opt.param_groups[0]["lr"])
        if sched is not None:
            sched.step()
    return [p.detach().numpy().copy() for p in model.parameters()], lrs


@pytest.mark.parametrize("ours, theirs", [
    (lambda ps: optim.as_torch_optimizer(optim.GD(lr=0.1), ps),
     lambda ps: torch.optim.SGD(ps, lr=0.1, foreach=False)),
    (lambda ps: optim.as_torch_optimizer(optim.Adam(lr=0.1), ps),
     lambda ps: torch.optim.Adam(ps, lr=0.1, foreach=False)),
    (lambda ps: optim.as_torch_optimizer(optim.like_torch("SGD", lr=0.1, momentum=0.9), ps),
     lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, foreach=False)),
], ids=["GD-SGD", "Adam-Adam", "TorchSGD-SGD"])
def test_adapter_follows_a_torch_lr_scheduler(ours, theirs):
    w_ours, lrs = _scheduled_run(ours)
    w_torch, lrs_torch = _scheduled_run(theirs)
    assert lrs == lrs_torch == [0.1] * 3 + [0.05] * 3 + [0.025] * 3
    for a, b in zip(w_ours, w_torch):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    w_constant, _ = _scheduled_run(ours, scheduler=False)
    assert not np.allclose(w_constant[0], w_ours[0], rtol=1e-6)      # the schedule mattered


def test_adapter_param_groups_override_hyperparameters():
    X, y, model = linear_problem(2)
    X2, y2, model2 = linear_problem(2)
    ours = optim.as_torch_optimizer(optim.like_torch("Adam", lr=0.01), [
        {"params": [model.weight], "lr": 0.1, "betas": [0.5, 0.9]}, {"params": [model.bias]}])
    theirs = torch.optim.Adam([{"params": [model2.weight], "lr": 0.1, "betas": (0.5, 0.9)},
                               {"params": [model2.bias]}], lr=0.01, foreach=False)
    assert ours.defaults == dict(lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False)
    for a, b in zip(train(model, ours, X, y), train(model2, theirs, X2, y2)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    with pytest.raises(ValueError, match=r"lr must be a finite number >= 0, got -1"):
        ours.param_groups[1]["lr"] = -1
        ours.step()
