"""Tests of gdlab.schedules against torch.optim.lr_scheduler, epoch by epoch."""

import math
import re

import numpy as np
import pytest
import torch

from gdlab import schedules as S


def torch_lrs(make_scheduler, lr0, n_epochs):
    """Learning rate of each epoch t = 0..n-1 as torch's scheduler sets it."""
    param = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([param], lr=lr0)
    sched = make_scheduler(opt)
    out = []
    for _ in range(n_epochs):
        out.append(sched.get_last_lr()[0])
        assert opt.param_groups[0]["lr"] == out[-1]
        opt.step()
        sched.step()
    return np.array(out, dtype=np.float64)


@pytest.mark.parametrize("lr0, step_size, gamma", [(0.1, 30, 0.1), (1.0, 1, 0.5), (0.05, 7, 0.9), (0.3, 3, 1.0)])
def test_step_decay_equals_steplr(lr0, step_size, gamma):
    n = 200
    expected = torch_lrs(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size, gamma), lr0, n)
    got = S.step_decay(np.arange(n), lr0, step_size, gamma)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0)


@pytest.mark.parametrize("lr0, gamma", [(0.1, 0.95), (1.0, 0.5), (0.01, 0.999), (0.2, 1.0)])
def test_exponential_decay_equals_exponentiallr(lr0, gamma):
    n = 300
    expected = torch_lrs(lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma), lr0, n)
    np.testing.assert_allclose(S.exponential_decay(np.arange(n), lr0, gamma), expected, rtol=1e-12, atol=0)


@pytest.mark.parametrize("lr0, tau", [(0.1, 100.0), (1.0, 1.0), (0.5, 1e300), (0.05, 2.7)])
def test_inverse_time_decay_equals_lambdalr(lr0, tau):
    n = 300
    expected = torch_lrs(lambda o: torch.optim.lr_scheduler.LambdaLR(o, lambda t: 1 / (1 + t / tau)), lr0, n)
    np.testing.assert_allclose(S.inverse_time_decay(np.arange(n), lr0, tau), expected, rtol=1e-15, atol=0)
    assert S.inverse_time_decay(tau, lr0, tau=tau) == pytest.approx(lr0 / 2, rel=1e-15)


@pytest.mark.parametrize("T_max, eta_min", [(1, 0.0), (2, 0.0), (7, 0.0), (10, 0.01), (50, 0.0), (100, 1e-3)])
def test_cosine_annealing_equals_torch_over_three_half_periods(T_max, eta_min):
    """torch's recursive update follows the closed form beyond T_max too (it rises again)."""
    lr0 = 0.1
    n = 3 * T_max + 1
    expected = torch_lrs(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max, eta_min), lr0, n)
    got = S.cosine_annealing(np.arange(n), lr0, T_max, eta_min)
    # round-off of the recursion only: about 1e-16 absolute in our runs
    np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-15)
    assert got[T_max] == pytest.approx(eta_min, abs=1e-15)
    if n > 2 * T_max:
        assert expected[2 * T_max] == pytest.approx(lr0, rel=1e-12)  # back at lr0: no restart, a full cosine period


@pytest.mark.parametrize("T_0, T_mult, eta_min", [(5, 1, 0.0), (3, 2, 0.001), (2, 3, 0.0), (1, 1, 0.0)])
def test_cosine_warm_restarts_equals_torch(T_0, T_mult, eta_min):
    n = 120
    expected = torch_lrs(
        lambda o: torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, T_0, T_mult, eta_min), 0.1, n
    )
    np.testing.assert_allclose(S.cosine_warm_restarts(np.arange(n), 0.1, T_0, T_mult, eta_min), expected,
                               rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(
    "start_factor, end_factor, total_iters",
    [(1 / 3, 1.0, 5), (0.01, 1.0, 10), (1.0, 0.1, 20), (0.5, 0.5, 3), (0.2, 0.0, 1)],
)
def test_linear_warmup_equals_linearlr(start_factor, end_factor, total_iters):
    n = 60
    expected = torch_lrs(
        lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor, end_factor, total_iters), 0.1, n
    )
    got = S.linear_warmup(np.arange(n), 0.1, start_factor, end_factor, total_iters)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-16)


def test_scalar_and_array_epochs_agree():
    fns = [
        lambda t: S.step_decay(t, 0.1, 3, 0.5),
        lambda t: S.exponential_decay(t, 0.1, 0.9),
        lambda t: S.inverse_time_decay(t, 0.1, 5.0),
        lambda t: S.cosine_annealing(t, 0.1, 10, 0.01),
        lambda t: S.cosine_warm_restarts(t, 0.1, 4, 2),
        lambda t: S.linear_warmup(t, 0.1, 0.1, 1.0, 5),
    ]
    epochs = np.arange(30)
    for fn in fns:
        arr = fn(epochs)
        assert isinstance(arr, np.ndarray) and arr.shape == (30,)
        scalars = [fn(int(t)) for t in epochs]
        assert all(isinstance(v, float) for v in scalars)
        np.testing.assert_array_equal(arr, scalars)
        assert fn(np.arange(6).reshape(2, 3)).shape == (2, 3)


def test_closed_forms_by_hand():
    assert S.step_decay(65, 1.0, 30, 0.1) == pytest.approx(0.01)
    assert S.exponential_decay(2.5, 1.0, 0.25) == pytest.approx(0.25**2.5)
    assert S.cosine_annealing(5, 1.0, 10) == pytest.approx(0.5)
    assert S.cosine_annealing(2.5, 1.0, 10, 0.2) == pytest.approx(0.2 + 0.4 * (1 + math.cos(math.pi / 4)))
    assert S.linear_warmup(2.5, 1.0, 0.5, 1.0, 5) == pytest.approx(0.75)
    assert S.cosine_warm_restarts(7, 1.0, 3, 2) == pytest.approx(0.5 * (1 + math.cos(math.pi * 4 / 6)))


@pytest.mark.parametrize(
    "call, exc, pattern",
    [
        (lambda: S.step_decay(0, -0.1, 10), ValueError, r"lr0 must be a finite number >= 0, got -0\.1"),
        (lambda: S.step_decay(0, 0.1, 0), ValueError, r"step_size must be an integer >= 1, got 0"),
        (lambda: S.step_decay(0, 0.1, 2.5), TypeError, r"step_size must be an integer, got 2\.5"),
        (lambda: S.step_decay(0, 0.1, 10, gamma=1.5), ValueError, r"gamma .* got 1\.5"),
        (lambda: S.step_decay(0, 0.1, 10, gamma=0.0), ValueError, r"gamma must be a finite number in \(0, 1\], got 0\.0"),
        (lambda: S.exponential_decay(0, 0.1, -0.5), ValueError, r"gamma .* got -0\.5"),
        (lambda: S.exponential_decay(-1, 0.1, 0.5), ValueError, r"epoch must be finite and >= 0, got -1\.0"),
        (lambda: S.exponential_decay(float("nan"), 0.1, 0.5), ValueError, r"epoch .* got nan"),
        (lambda: S.exponential_decay("3", 0.1, 0.5), TypeError, r"epoch .* got '3'"),
        (lambda: S.exponential_decay(True, 0.1, 0.5), TypeError, r"epoch .* got True"),
        (lambda: S.inverse_time_decay(0, 0.1, -1.0), ValueError, r"tau .* got -1\.0"),
        (lambda: S.inverse_time_decay(0, 0.1, 0.0), ValueError, r"tau .* got 0\.0"),
        (lambda: S.inverse_time_decay(0, float("inf"), 1.0), ValueError, r"lr0 .* got inf"),
        (lambda: S.inverse_time_decay(0, 10**400, 1.0), ValueError, r"lr0 .* too large for a float"),
        (lambda: S.cosine_annealing(0, 0.1, 0), ValueError, r"T_max must be an integer >= 1, got 0"),
        (lambda: S.cosine_annealing(0, 0.1, 10, eta_min=0.5), ValueError, r"eta_min .* got 0\.5"),
        (lambda: S.cosine_warm_restarts(0, 0.1, 5, T_mult=0), ValueError, r"T_mult must be an integer >= 1, got 0"),
        (lambda: S.cosine_warm_restarts(0, 0.1, 5.0), TypeError, r"T_0 must be an integer, got 5\.0"),
        (lambda: S.linear_warmup(0, 0.1, start_factor=0.0), ValueError, r"start_factor .* got 0\.0"),
        (lambda: S.linear_warmup(0, 0.1, end_factor=1.5), ValueError, r"end_factor .* got 1\.5"),
        (lambda: S.linear_warmup(0, 0.1, total_iters=0), ValueError, r"total_iters must be an integer >= 1, got 0"),
        (lambda: S.linear_warmup([0, -2], 0.1), ValueError, r"epoch .* got -2\.0"),
        (lambda: S.ReduceOnPlateau(mode=1), TypeError, r"mode must be a string, got 1"),
    ],
)
def test_validation(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()


def test_numpy_numbers_are_accepted():
    assert S.step_decay(np.int64(4), np.float32(0.5), np.int32(2), gamma=np.float64(0.5)) == 0.125
    assert S.ReduceOnPlateau(patience=np.int64(3)).patience == 3


# ----------------------------------------------------------------- plateau
def plateau_metrics(seed, n=150):
    """A loss that improves, then plateaus (constant or with small noise), then improves again."""
    rng = np.random.default_rng(seed)
    pieces, level = [], 1.0
    while sum(len(p) for p in pieces) < n:
        k = int(rng.integers(1, 15))
        kind = rng.integers(3)
        if kind == 0:  # improving
            pieces.append(level * 0.9 ** np.arange(1, k + 1))
            level = pieces[-1][-1]
        elif kind == 1:  # flat plateau
            pieces.append(np.full(k, level))
        else:  # noisy plateau, sometimes slightly better within the threshold
            pieces.append(level * (1 + rng.uniform(-2e-4, 2e-3, k)))
    return np.concatenate(pieces)[:n]


CONFIGS = [
    {},
    {"factor": 0.5, "patience": 2},
    {"factor": 0.5, "patience": 0, "cooldown": 2},
    {"factor": 0.3, "patience": 3, "cooldown": 1, "min_lr": 1e-3},
    {"factor": 0.5, "patience": 1, "threshold": 0.01, "threshold_mode": "abs"},
    {"factor": 0.5, "patience": 2, "threshold": 0.05, "threshold_mode": "rel", "cooldown": 3},
    {"factor": 0.9, "patience": 1, "eps": 0.02},  # eps blocks reductions smaller than 0.02
    {"mode": "max", "factor": 0.5, "patience": 2},
    {"mode": "max", "factor": 0.5, "patience": 1, "threshold": 0.01, "threshold_mode": "abs", "min_lr": 0.01},
]


@pytest.mark.parametrize("config", CONFIGS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_reduce_on_plateau_equals_torch_step_by_step(config, seed):
    metrics = plateau_metrics(seed)
    if config.get("mode") == "max":
        metrics = 2.0 - metrics  # an accuracy-like metric that should increase
    lr0 = 0.1
    param = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([param], lr=lr0)
    ref = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **config)
    ours = S.ReduceOnPlateau(**config)
    state = ours.init(lr0)
    n_reductions = 0
    for t, m in enumerate(metrics):
        opt.step()
        ref.step(float(m))
        lr, new_state = ours.step(state, float(m))
        assert lr == opt.param_groups[0]["lr"], (t, lr, opt.param_groups[0]["lr"])
        assert new_state.best == ref.best
        assert new_state.num_bad_epochs == ref.num_bad_epochs
        assert new_state.cooldown_counter == ref.cooldown_counter
        assert new_state.epoch == ref.last_epoch == t + 1
        n_reductions += lr < state.lr
        state = new_state
    if "eps" not in config:
        assert n_reductions >= 1  # the sequences do trigger reductions


def test_reduce_on_plateau_eps_blocks_small_reductions():
    # 0.1 -> 0.09 is a change of 0.01 < eps = 0.02: torch and we keep 0.1
    lrs = S.reduce_on_plateau([1.0] * 10, lr0=0.1, factor=0.9, patience=1, eps=0.02)
    assert np.all(lrs == 0.1)


def test_reduce_on_plateau_is_pure_and_helper_matches_loop():
    sched = S.ReduceOnPlateau(factor=0.5, patience=1, cooldown=1)
    state = sched.init(1.0)
    metrics = [5.0, 4.0, 4.0, 4.0, 4.0, 4.0, 3.0, 3.0, 3.0, 3.0]
    lrs = []
    for m in metrics:
        a = sched.step(state, m)
        b = sched.step(state, m)  # same input, same output: no hidden state
        assert a == b
        lr, state = a
        lrs.append(lr)
    assert lrs == S.reduce_on_plateau(metrics, 1.0, factor=0.5, patience=1, cooldown=1).tolist()
    # by hand: bad epochs at t = 2, 3 -> reduce at t = 3 (patience 1); t = 4 is cool-down;
    # t = 5 bad (1), t = 6 better; t = 7, 8 bad -> reduce at t = 8
    assert lrs == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25]


def test_reduce_on_plateau_nan_counts_as_bad_like_torch():
    metrics = [1.0, float("nan"), float("nan"), float("nan")]
    param = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([param], lr=1.0)
    ref = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=1)
    ours = S.reduce_on_plateau(metrics, 1.0, factor=0.5, patience=1)
    for m, lr in zip(metrics, ours):
        ref.step(m)
        assert lr == opt.param_groups[0]["lr"]


@pytest.mark.parametrize(
    "kwargs, exc, text",
    [
        ({"mode": "minimum"}, ValueError, "'minimum'"),
        ({"threshold_mode": "relative"}, ValueError, "'relative'"),
        ({"factor": 1.0}, ValueError, "1.0"),
        ({"factor": 0.0}, ValueError, "0.0"),
        ({"patience": -1}, ValueError, "-1"),
        ({"patience": 2.5}, TypeError, "2.5"),
        ({"cooldown": -2}, ValueError, "-2"),
        ({"threshold": -0.1}, ValueError, "-0.1"),
        ({"min_lr": -1e-3}, ValueError, "-0.001"),
    ],
)
def test_reduce_on_plateau_validation(kwargs, exc, text):
    with pytest.raises(exc, match=re.escape(text)):
        S.ReduceOnPlateau(**kwargs)


def test_reduce_on_plateau_bad_inputs_to_init_and_step():
    sched = S.ReduceOnPlateau()
    with pytest.raises(ValueError, match="-0.5"):
        sched.init(-0.5)
    with pytest.raises(TypeError, match="PlateauState"):
        sched.step((0.1, 1.0, 0, 0, 0), 1.0)
    with pytest.raises(TypeError, match="'loss'"):
        sched.step(sched.init(0.1), "loss")
    # 0-d arrays and torch scalars are accepted as metrics
    lr, _ = sched.step(sched.init(0.1), torch.tensor(1.5))
    assert lr == 0.1


# ---------------------------------------------------------------------------
# torch_rates: the rate torch's optimizer uses, against the closed forms
# ---------------------------------------------------------------------------
LRS = torch.optim.lr_scheduler


@pytest.mark.parametrize(
    "make, closed_form",
    [
        (lambda o: LRS.StepLR(o, step_size=7, gamma=0.5), lambda t, lr0: S.step_decay(t, lr0, 7, 0.5)),
        (lambda o: LRS.ExponentialLR(o, gamma=0.93), lambda t, lr0: S.exponential_decay(t, lr0, 0.93)),
        (lambda o: LRS.LambdaLR(o, lambda e: 1 / (1 + e / 5.0)), lambda t, lr0: S.inverse_time_decay(t, lr0, 5.0)),
        (lambda o: LRS.CosineAnnealingLR(o, T_max=15, eta_min=0.01),
         lambda t, lr0: S.cosine_annealing(t, lr0, 15, eta_min=0.01)),
        (lambda o: LRS.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2),
         lambda t, lr0: S.cosine_warm_restarts(t, lr0, 3, 2)),
        (lambda o: LRS.LinearLR(o, start_factor=0.1, total_iters=5),
         lambda t, lr0: S.linear_warmup(t, lr0, start_factor=0.1, total_iters=5)),
    ],
    ids=["step", "exponential", "inverse_time", "cosine", "warm_restarts", "warmup"],
)
@pytest.mark.parametrize("lr0", [0.1, 0.7])
def test_torch_rates_equal_the_closed_forms(make, closed_form, lr0):
    n = 45
    rates = S.torch_rates(make, n, lr0=lr0)
    assert rates.shape == (n,) and rates.dtype == np.float64
    np.testing.assert_allclose(rates, closed_form(np.arange(n), lr0), rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(rates, torch_lrs(make, lr0, n))  # and the scheduler's own get_last_lr()


def test_torch_rates_reduce_on_plateau_equals_gdlab_shifted_by_one_epoch():
    metrics = plateau_metrics(3, n=60)
    rates = S.torch_rates(lambda o: LRS.ReduceLROnPlateau(o, factor=0.5, patience=3), 60, lr0=0.2, metrics=metrics)
    after = S.reduce_on_plateau(metrics, 0.2, factor=0.5, patience=3)
    np.testing.assert_array_equal(rates, np.concatenate([[0.2], after[:-1]]))
    assert len(set(rates.tolist())) > 2  # the test is not vacuous: the rate was cut more than once


def test_torch_rates_sequential_warmup_then_cosine_by_hand():
    def make(o):
        return LRS.SequentialLR(o, [LRS.LinearLR(o, start_factor=0.1, total_iters=5),
                                    LRS.CosineAnnealingLR(o, T_max=35)], milestones=[5])

    expected = [0.1 * (0.1 + 0.9 * t / 5) if t < 5 else 0.05 * (1 + math.cos(math.pi * (t - 5) / 35))
                for t in range(40)]
    np.testing.assert_allclose(S.torch_rates(make, 40, lr0=0.1), expected, rtol=1e-12)


def test_torch_rates_default_lr0_and_extra_metrics_are_ignored():
    assert S.torch_rates(lambda o: LRS.StepLR(o, 1, 0.5), 3).tolist() == [0.1, 0.05, 0.025]
    metrics = [3.0, 2.0, 1.0, 0.0, 9.0]  # more metrics than epochs: only the first 2 are used
    assert S.torch_rates(lambda o: LRS.ReduceLROnPlateau(o), 2, lr0=1.0, metrics=metrics).tolist() == [1.0, 1.0]


def test_torch_rates_validation():
    step = lambda o: LRS.StepLR(o, 2)  # noqa: E731
    plateau = lambda o: LRS.ReduceLROnPlateau(o)  # noqa: E731
    cases = [
        ((None, 5), {}, TypeError, "make_scheduler must be a callable"),
        ((step, 0), {}, ValueError, "epochs must be an integer >= 1, got 0"),
        ((step, 5.0), {}, TypeError, "epochs must be an integer, got 5.0"),
        ((step, 5), {"lr0": -0.1}, ValueError, r"lr0 must be a finite number >= 0, got -0.1"),
        ((step, 5), {"lr0": "0.1"}, TypeError, "lr0 must be a real number"),
        ((plateau, 5), {}, ValueError, "ReduceLROnPlateau needs metrics"),
        ((plateau, 5), {"metrics": [1.0, 2.0]}, ValueError, "at least epochs = 5 values, got 2"),
        ((plateau, 2), {"metrics": ["a", "b"]}, TypeError, "metrics must be a 1-D sequence of real numbers"),
        ((step, 2), {"metrics": [1.0, 2.0]}, ValueError, "metrics are only for ReduceLROnPlateau; StepLR"),
        ((lambda o: object(), 2), {}, TypeError, "a scheduler with a step\\(\\) method, got object"),
    ]
    for args, kwargs, exc, pattern in cases:
        with pytest.raises(exc, match=pattern):
            S.torch_rates(*args, **kwargs)
    other = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match="attach the scheduler to the optimizer it is given"):
        S.torch_rates(lambda o: LRS.StepLR(other, 2), 3)
