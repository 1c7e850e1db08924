"""Regression checks of chapter 5 (Momentum and Nesterov) and tests of its exercise checker.

The chapter's numbers quoted in the prose and in its verdict table are asserted here, on the
chapter's own variables (``nbrun.namespace`` runs the notebook once per test process), so that
the text cannot drift from what the code computes. ``check_momentum_rate`` gets a correct
submission and the wrong ones it must recognise.
"""

from __future__ import annotations

import numpy as np
import pytest
from nbrun import namespace

from gdlab import check


@pytest.fixture(scope="module")
def ns():
    return namespace("05_momentum")


def test_ravine_numbers_quoted_in_the_text(ns):
    paths = ns["paths"]                       # (steps + 1, 3 runs: γ = 0, 0.5, 0.9, 2)
    x20, y20 = np.abs(paths[20, :, 0]), np.abs(paths[20, :, 1])
    assert x20[1] < x20[0] / 100 and y20[1] < y20[0] / 50       # "a hundred times closer"
    assert x20[2] > x20[0] and y20[2] > y20[0]                   # γ = 0.9 worse than GD
    along, across = ns["v_ratio"][-1, 1:, 0], ns["v_ratio"][-1, 1:, 1]     # γ = 0.5, 0.9
    assert np.round(along, 1).tolist() == [2.0, 3.2] and np.round(across, 2).tolist() == [0.78, 0.54]
    rate = ns["momentum_rate"]
    assert round(float(max(rate(2 / 21, 0.5), rate(40 / 21, 0.5))), 2) == 0.71
    assert round(float(max(rate(2 / 21, 0.9), rate(40 / 21, 0.9))), 3) == 0.949
    dist, floor = ns["ros_dist"], ns["ros_floor"]
    assert np.flatnonzero(dist[:, 1] < 1e-3)[0] == 1580 and dist[:, 0].min() > 0.13
    assert round(float(floor[5:, 1].max()), 2) == 0.35 and floor[5:, 0].max() < 0.01


def test_quadratic_theory_and_step_counts(ns):
    assert ns["gd_steps"].tolist() == [69, 219, 691, 2185, 6908, 21845, 69078]
    assert ns["hb_steps"][[0, -1]].tolist() == [26, 1027]
    assert ns["nag_steps"][[0, -1]].tolist() == [44, 1651]
    slope = ns["slope"]
    assert round(slope(ns["gd_steps"]), 2) == 1.00
    assert round(slope(ns["hb_steps"]), 2) == 0.53 and round(slope(ns["nag_steps"]), 2) == 0.52
    # momentum counts above ln ε / ln ρ*: by about 20 % at κ = 10, 50 % at κ = 10^4
    k = ns["kappas"]
    line = np.log(1e-6) / np.log((np.sqrt(k) - 1) / (np.sqrt(k) + 1))
    excess = ns["hb_steps"] / line - 1
    assert 0.15 < excess[0] < 0.25 and 0.45 < excess[-1] < 0.55
    # the best pair for κ = 20 and the best γ at η = 2/21 (player and static figure)
    rate = ns["momentum_rate"]
    gammas = np.linspace(0, 0.95, 951)
    worst = np.maximum(rate(2 / 21, gammas), rate(40 / 21, gammas))
    assert abs(gammas[worst.argmin()] - 0.48) < 0.005 and round(worst.min(), 2) == 0.69
    assert gammas[np.argmax(worst > 19 / 21)] == pytest.approx(0.82, abs=0.005)


def test_player_is_small(ns):
    html = ns["player"].data
    assert html.count("data:image/jpeg;base64") == 10
    assert len(html.encode()) < 1_500_000


def test_nesterov_numbers(ns):
    assert np.flatnonzero(ns["nag_dist"] < 1e-3)[0] == 1621
    assert ns["nag_floor"][5:].max() < 0.0085
    assert np.linalg.norm(ns["hb20"][-1], axis=-1).max() < 0.3
    assert np.linalg.norm(ns["nag20"][-1], axis=-1).min() > 1e6


def test_convex_slopes_and_noise(ns):
    slope = ns["loglog_slope"]
    assert round(slope(ns["gd_gap"]), 2) == -1.00 and round(slope(ns["nag_gap"]), 2) == -1.98
    gd, nag = slope(ns["gd_noisy"]), slope(ns["nag_noisy"])
    assert (np.round(gd, 1) == -1.0).all() and (np.round(nag, 1) == 1.0).all()
    ratio = ns["nag_noisy"][-1] / ns["gd_noisy"][-1]
    assert ratio.min() > 30 and ratio.max() < 45


def test_momentum_ramp_table(ns):
    steps = ns["ramp_steps"]
    assert steps["γ = 0.9"] == [1580, 1004, 861, 509]
    assert steps["0.5, then 0.9"] == [1787, 1213, 931, 642]
    delays = np.subtract(steps["0.5, then 0.9"], steps["γ = 0.9"])
    assert delays.min() >= 70 and delays.max() <= 210
    assert steps["γ = 0.99"] == [455, None, None, None]
    assert steps["0.5, then 0.99"] == [796, 796, 476, 426]


# ------------------------------------------------------------------ check_momentum_rate
def heavy_ball_rate(eta, gamma, lam):
    step = np.array([[1 - eta * lam, -gamma], [eta * lam, gamma]])
    return np.abs(np.linalg.eigvals(step)).max()


def nag_rate(eta, gamma, lam):
    a = eta * lam
    step = np.array([[1 - a, -gamma * (1 - a)], [a, gamma * (1 - a)]])
    return np.abs(np.linalg.eigvals(step)).max()


@pytest.mark.parametrize("seed", [None, 0, 7])
def test_check_momentum_rate_accepts_correct_rates(seed, capsys):
    check.check_momentum_rate(heavy_ball_rate, seed=seed)
    check.check_momentum_rate(nag_rate, nesterov=True, seed=seed)
    assert capsys.readouterr().out.count("✓") == 2


@pytest.mark.parametrize("reader, nesterov, message", [
    (heavy_ball_rate, True, "this is the heavy ball's rate"),
    (nag_rate, False, "this is NAG's rate"),
    (lambda eta, gamma, lam: heavy_ball_rate(gamma, eta, lam), False, "you swapped eta and gamma"),
    (lambda eta, gamma, lam: np.abs(np.linalg.eigvals(
        np.array([[1 - eta * lam, -gamma], [eta * lam, gamma]]))).min(), False, "smaller modulus"),
    (lambda eta, gamma, lam: np.linalg.eigvals(
        np.array([[1 - eta * lam, -gamma], [eta * lam, gamma]]))[0] + 0j, False, "modulus"),
    (lambda eta, gamma, lam: np.abs(np.linalg.eigvals(
        np.array([[1 - eta * lam, -gamma], [eta * lam, gamma]]))), False, "return one number"),
    (lambda eta, gamma, lam: 1 / 0, False, "raised ZeroDivisionError"),
])
def test_check_momentum_rate_rejects_wrong_rates(reader, nesterov, message):
    with pytest.raises(AssertionError, match=message):
        check.check_momentum_rate(reader, nesterov=nesterov, seed=0)


def test_check_momentum_rate_starter_and_bad_arguments():
    def starter(eta, gamma, lam):
        ...

    with pytest.raises(check.NotImplementedYet, match="not implemented yet"):
        check.check_momentum_rate(starter)
    with pytest.raises(TypeError):
        check.check_momentum_rate(42)
    with pytest.raises(TypeError):
        check.check_momentum_rate(heavy_ball_rate, nesterov="yes")
    with pytest.raises(ValueError):
        check.check_momentum_rate(heavy_ball_rate, n_cases=1)
    with pytest.raises(ValueError):
        check.check_momentum_rate(heavy_ball_rate, seed=-1)


def test_check_momentum_rate_draws_fresh_cases():
    seen = []

    def recording(eta, gamma, lam):
        seen.append((eta, gamma, lam))
        return heavy_ball_rate(eta, gamma, lam)

    check.check_momentum_rate(recording)
    check.check_momentum_rate(recording)
    first, second = set(seen[:12]), set(seen[12:])
    assert len(first) == 12 and len(first - second) >= 9      # only the two fixed cases repeat
    seen.clear()
    check.check_momentum_rate(recording, seed=0)
    rates = [heavy_ball_rate(*case) for case in seen]
    assert min(rates) < 1 < max(rates)                        # stable and unstable cases


def test_numbers_of_the_review(ns):
    """Numbers quoted in the prose, a caption and a solution that no cell prints."""
    rosen = ns["rosen"]
    assert int(np.linalg.norm(rosen.grad(rosen.start))) == 232           # "‖∇f‖ = 232"
    # static slider figure: γ = 0.48 at η = 2/21, loss after 40 steps 2e-11 (GD: 3e-3)
    runs = ns["heavy_ball"](ns["grad20"], np.tile(ns["bowl20"].start, (2, 1)), 2 / 21,
                            np.array([[0.0], [0.48]]), 40)
    loss = 0.5 * (runs[-1] ** 2 * np.array([1.0, 20.0])).sum(axis=-1)
    assert f"{loss[0]:.0e}" == "3e-03" and f"{loss[1]:.0e}" == "2e-11"
    # noisy NAG: stops falling at step 150-250, crosses GD's near step 500
    nag, gd = ns["nag_noisy"], ns["gd_noisy"]
    assert (150 <= nag.argmin(axis=0)).all() and (nag.argmin(axis=0) <= 250).all()
    cross = [np.flatnonzero(nag[10:, r] > gd[10:, r])[0] + 10 for r in range(5)]
    assert 450 <= min(cross) and max(cross) <= 600
    # Rosenbrock momentum below 1e-6 of the minimum within about 3300 steps (alt text)
    assert 3000 < np.flatnonzero(ns["ros_dist"][:, 1] < 1e-6)[0] < 3400


def test_exercise_3_edge_depends_on_the_path(ns):
    """Solution note: 0.0033 diverges at step 21, 0.0034 converges again."""
    from gdlab import optim
    rosen = ns["rosen"]
    with pytest.raises(optim.DivergenceError, match="step 21"):
        optim.run(optim.Momentum(lr=0.0033, gamma=0.9), rosen.grad, rosen.start, 1000)
    path = optim.run(optim.Momentum(lr=0.0034, gamma=0.9), rosen.grad, rosen.start, 1000)
    assert np.isfinite(path).all()
