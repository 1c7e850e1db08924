"""Chapter 8 (optimizers side by side): the exercise checkers of gdlab.check, and regression checks of
the chapter's numbers (the verdict table, the searched rates, the results table).

The chapter's numbers are read from its own variables: the notebook's code cells run once per test
process (`namespace`), and the tests below share that run.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdlab import check, tuning
from nbrun import namespace  # tests/nbrun.py
from expect import checker_fails as _fails  # tests/expect.py


# --------------------------------------------------------------------------- check_best_rate
def best_rate(rates, scores):
    rates, scores = np.asarray(rates, dtype=float), np.asarray(scores, dtype=float)
    return float(rates[scores == scores.min()].min())


def test_best_rate_correct(capsys):
    check.check_best_rate(best_rate)
    check.check_best_rate(lambda r, s: tuning.best_rate(r, s), n_cases=30, seed=4)

    def by_sorting(rates, scores):                  # another right answer
        return min(sorted(zip(scores, rates)))[1]

    check.check_best_rate(by_sorting)
    assert capsys.readouterr().out.count("✓") == 3


def test_best_rate_wrong():
    assert "take the smaller rate" in _fails(
        check.check_best_rate, lambda r, s: r[int(np.argmin(s))])
    assert "position of the best rate" in _fails(
        check.check_best_rate, lambda r, s: float(np.argmin(s)))
    assert "arguments swapped" in _fails(check.check_best_rate, lambda r, s: best_rate(s, r))
    assert "highest finite score" in _fails(
        check.check_best_rate,
        lambda r, s: float(np.asarray(r)[np.asarray(s) == np.max(np.asarray(s)[np.isfinite(s)])][0]))

    def scores_first(scores, rates):
        return best_rate(rates, scores)

    assert "the order is best_rate(rates, scores)" in _fails(check.check_best_rate, scores_first)
    message = _fails(check.check_best_rate, lambda r, s: best_rate(r))
    assert "raised TypeError" in message and "rates  =" in message

    def starter(rates, scores):
        ...

    with pytest.raises(check.NotImplementedYet, match="not implemented yet"):
        check.check_best_rate(starter)
    with pytest.raises(TypeError):
        check.check_best_rate(0.1)
    with pytest.raises(ValueError):
        check.check_best_rate(best_rate, n_cases=1)


# --------------------------------------------------------------------------- check_escape_steps
def escape_steps(y0, lr):
    return math.ceil(math.log(1 / abs(y0)) / math.log(1 + 2 * lr))


def test_escape_steps_correct(capsys):
    check.check_escape_steps(escape_steps)
    check.check_escape_steps(escape_steps, n_cases=40, seed=7)

    def by_iterating(y0, lr):                       # the rule itself, step by step
        y, t = abs(y0), 0
        while y < 1:
            y, t = (1 + 2 * lr) * y, t + 1
        return t

    check.check_escape_steps(by_iterating, n_cases=20, seed=3)
    assert capsys.readouterr().out.count("✓") == 3


def test_escape_steps_wrong():
    assert "off by one" in _fails(check.check_escape_steps,
                                  lambda y0, lr: math.floor(math.log(1 / abs(y0)) / math.log(1 + 2 * lr)))
    assert "not 1 + lr" in _fails(check.check_escape_steps,
                                  lambda y0, lr: math.ceil(math.log(1 / abs(y0)) / math.log(1 + lr)))
    assert "whole number" in _fails(check.check_escape_steps,
                                    lambda y0, lr: math.log(1 / abs(y0)) / math.log(1 + 2 * lr))
    message = _fails(check.check_escape_steps,
                     lambda y0, lr: math.ceil(math.log(1 / y0) / math.log(1 + 2 * lr)))
    assert "raised ValueError" in message and "y0 = -" in message   # log of a negative number
    assert "arguments look swapped" in _fails(check.check_escape_steps,
                                              lambda y0, lr: escape_steps(lr, y0))

    def lr_first(lr, y0):
        return escape_steps(y0, lr)

    assert "the order is escape_steps(y0, lr)" in _fails(check.check_escape_steps, lr_first)

    def starter(y0, lr):
        ...

    with pytest.raises(check.NotImplementedYet, match="not implemented yet"):
        check.check_escape_steps(starter)


# --------------------------------------------------------------------------- check_steps_to_target
def steps_to_target(curve, target, every):
    hits = np.flatnonzero(np.asarray(curve) >= target)
    return int(hits[0]) * every if hits.size else None


def test_steps_to_target_correct(capsys):
    check.check_steps_to_target(steps_to_target)
    check.check_steps_to_target(lambda c, t, e: tuning.steps_to_target(c, t, e), n_cases=40, seed=2)

    def looping(curve, target, every):
        for k, value in enumerate(curve):
            if value >= target:
                return k * every
        return None

    check.check_steps_to_target(looping)
    assert capsys.readouterr().out.count("✓") == 3


def test_steps_to_target_wrong():
    def index_only(curve, target, every):
        hits = np.flatnonzero(np.asarray(curve) >= target)
        return int(hits[0]) if hits.size else None

    assert "multiply by every" in _fails(check.check_steps_to_target, index_only)

    def one_late(curve, target, every):
        hits = np.flatnonzero(np.asarray(curve) >= target)
        return (int(hits[0]) + 1) * every if hits.size else None

    assert "one record late" in _fails(check.check_steps_to_target, one_late)

    def strictly(curve, target, every):
        hits = np.flatnonzero(np.asarray(curve) > target)
        return int(hits[0]) * every if hits.size else None

    assert "compare with >=" in _fails(check.check_steps_to_target, strictly)

    def minus_one(curve, target, every):
        result = steps_to_target(curve, target, every)
        return -1 if result is None else result

    assert "return None when no record" in _fails(check.check_steps_to_target, minus_one)

    def crashes(curve, target, every):
        return int(np.flatnonzero(np.asarray(curve) >= target)[0]) * every

    message = _fails(check.check_steps_to_target, crashes)
    assert "raised IndexError" in message and "return None instead" in message

    def value(curve, target, every):
        hits = np.flatnonzero(np.asarray(curve) >= target)
        return curve[int(hits[0])] if hits.size else None

    assert "a value of the curve" in _fails(check.check_steps_to_target, value)

    def target_first(target, curve, every):
        return steps_to_target(curve, target, every)

    assert "the order is steps_to_target(curve, target, every)" in _fails(
        check.check_steps_to_target, target_first)

    def starter(curve, target, every):
        ...

    with pytest.raises(check.NotImplementedYet, match="not implemented yet"):
        check.check_steps_to_target(starter)


# --------------------------------------------------------------------------- the chapter's numbers
@pytest.fixture(scope="module")
def ns():
    return namespace("08_comparison")


def test_verdicts_of_the_fair_pictures(ns):
    assert ns["verdicts"] == {
        "Adagrad, Adadelta, RMSprop head the right way at once": "it depends",
        "... and converge similarly fast": "refuted",
        "Momentum and NAG overshoot, like a ball": "it depends on the rates",
        "NAG corrects its course sooner than Momentum": "confirmed",
        "adaptive methods converge best in these scenarios": "it depends",
        "saddle: SGD, Momentum, NAG struggle to break symmetry": "it depends on the rates",
        "saddle: Momentum and NAG escape eventually": "confirmed",
        "saddle: Adagrad, RMSprop, Adadelta head down quickly": "it depends on the rates",
        "saddle: Adadelta leads": "rarely",
    }


def test_search_protocol(ns):
    grid = ns["GRID"]
    assert len(grid) == 13 and np.isclose(grid[0], 1e-4) and np.isclose(grid[-1], 100)
    assert set(ns["BUDGET"].values()) == {300, 100}
    for (surface, name), rate in ns["rates"].items():
        assert rate in grid, (surface, name)
        scores = ns["search_scores"][surface, name]
        assert tuning.best_rate(grid, scores) == rate
    # the held-out starts are never the shown start, and lie in the stated box
    for surface, start in ns["STARTS"].items():
        held = ns["starts_around"](surface, 12, seed=1)
        assert not np.any(np.all(np.isclose(held, start), axis=1))
        assert np.all(np.abs(held - start) <= ns["SPREAD"][surface])
    # Adadelta's rate is the multiplier of torch's form
    assert ns["OPTIMIZERS"]["Adadelta"].lr == 1.0 and type(ns["OPTIMIZERS"]["Adadelta"]).__name__ == "TorchAdadelta"


def test_results_table(ns):
    runs = ns["digit_runs"]
    assert set(runs) == set(ns["TORCH"]) and all(len(r) == 3 for r in runs.values())
    for name, results in runs.items():
        for val_loss, test_acc, curve, seconds in results:
            assert math.isfinite(val_loss) and 0.5 < test_acc <= 1
            assert len(curve) == len(seconds) == 21 and seconds[0] == 0
            assert np.all(np.diff(seconds) >= 0)
    for (name, passes), losses in ns["sparse_loss"].items():
        assert passes in (1, 5) and losses.shape == (3,) and np.all(losses > 0.004)
    assert ns["sparse_rates"]["Adagrad", 1] in ns["GRID"]


def test_saddle_surface_is_x2_minus_y2_near_the_ridge(ns):
    saddle = ns["saddle"]
    y = np.linspace(-0.1, 0.1, 21)
    for x in (-1.0, 0.0, 0.7):
        assert np.max(np.abs(saddle.f(np.stack([np.full_like(y, x), y])) - (x**2 - y**2))) < 3e-5
    assert saddle.f_min == pytest.approx(-1.0)
    np.testing.assert_allclose(saddle.grad(np.array([0.0, 2**0.5])), [0, 0], atol=1e-12)
