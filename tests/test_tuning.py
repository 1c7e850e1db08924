"""gdlab.tuning: the grid, the score, the choice of a rate, the line search and the table numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdlab import optim, surfaces, tuning


# --------------------------------------------------------------------------- log_grid
def test_log_grid_points_line_up_whatever_the_bounds():
    full = tuning.log_grid(1e-4, 1e2)
    assert len(full) == 13 and full[0] == pytest.approx(1e-4) and full[-1] == pytest.approx(100)
    np.testing.assert_allclose(np.diff(np.log10(full)), 0.5)
    part = tuning.log_grid(2e-3, 0.5)            # bounds off the grid are rounded inwards
    np.testing.assert_allclose(part, full[(full >= 2e-3) & (full <= 0.5)])
    assert tuning.log_grid(0.1, 0.1).tolist() == [pytest.approx(0.1)]
    np.testing.assert_allclose(tuning.log_grid(1, 1000, per_decade=3)[:4], 10 ** (np.arange(4) / 3))


@pytest.mark.parametrize("args, error, words", [
    ((0.0, 1.0), ValueError, "low must be a finite number > 0"),
    ((1.0, 0.1), ValueError, "low must be <= high"),
    ((0.2, 0.25), ValueError, "no grid point"),
    ((1e-3, 1.0, 0), ValueError, "per_decade must be an integer >= 1"),
    (("0.1", 1.0), TypeError, "low must be a real number"),
    ((1e-3, 1.0, 2.0), TypeError, "per_decade must be an integer"),
])
def test_log_grid_refuses_bad_arguments(args, error, words):
    with pytest.raises(error, match=words):
        tuning.log_grid(*args)


# --------------------------------------------------------------------------- search_score
def test_search_score_is_the_median_unless_a_run_diverged():
    values = np.array([[3.0, 1.0, 2.0, 10.0], [0.1, 0.2, 0.3, 0.4], [1.0, np.nan, 1.0, 1.0]])
    diverged = np.zeros((3, 4), dtype=int)
    np.testing.assert_allclose(tuning.search_score(values, diverged), [2.5, 0.25, np.inf])
    diverged[1, 3] = 7
    assert tuning.search_score(values, diverged)[1] == np.inf
    assert tuning.search_score([1.0, 5.0, 2.0], [False, False, False]) == 2.0
    tiny = tuning.search_score([[3e-15, 1e-16, 0.0], [1e-13, 2e-12, 5e-12]], np.zeros((2, 3), int),
                               floor=1e-12)
    np.testing.assert_array_equal(tiny, [1e-12, 2e-12])
    assert tuning.best_rate([0.1, 0.3, 1.0], tuning.search_score(
        [[1e-16], [1e-15], [1e-17]], [[0], [0], [0]], floor=1e-12)) == 0.1   # round-off ties
    with pytest.raises(ValueError, match="floor must be a finite number >= 0"):
        tuning.search_score([1.0], [0], floor=-1.0)


def test_search_score_matches_run_many_on_a_surface():
    """The score of the chapter's search: median gap over held-out starts, inf on a divergence."""
    bowl = surfaces.quadratic(kappa=10.0)
    starts = np.random.default_rng(0).uniform(-1, 1, (5, 2))
    rates = np.array([0.01, 0.1, 1.0])          # 2 / L = 0.2: the last one diverges
    runs = optim.run_many(optim.GD(lr=0.1), lambda th: bowl.grad(th.T).T,
                          np.tile(starts, (3, 1)), 400, lr=np.repeat(rates, 5),
                          on_divergence="stop")
    with np.errstate(over="ignore"):              # the diverged run's frozen iterate is huge
        gaps = bowl.f(runs.path[-1].T).reshape(3, 5)
    scores = tuning.search_score(gaps, runs.diverged_at.reshape(3, 5))
    assert scores[2] == np.inf and scores[1] < scores[0] < 1
    assert tuning.best_rate(rates, scores) == 0.1


def test_search_score_refuses_bad_arguments():
    with pytest.raises(ValueError, match="same shape"):
        tuning.search_score(np.ones((2, 3)), np.zeros((3, 2), dtype=int))
    with pytest.raises(TypeError, match="diverged must hold booleans"):
        tuning.search_score(np.ones(3), np.zeros(3))
    with pytest.raises(TypeError, match="values must be an array of real numbers"):
        tuning.search_score(["a", "b"], [0, 0])
    with pytest.raises(ValueError, match="at least one value"):
        tuning.search_score([], [])


# --------------------------------------------------------------------------- best_rate
def test_best_rate_takes_the_lowest_score_and_the_smaller_rate_on_ties():
    assert tuning.best_rate([0.3, 0.1, 0.03], [1.0, 0.5, 0.5]) == 0.03
    assert tuning.best_rate(np.array([1e-3, 1e-2]), np.array([np.inf, 2.0])) == 1e-2
    assert isinstance(tuning.best_rate([1, 2], [0, 1]), float)


@pytest.mark.parametrize("rates, scores, error, words", [
    ([0.1, 1.0], [np.inf, np.inf], ValueError, "every rate scored inf"),
    ([0.1, 1.0], [0.2, np.nan], ValueError, "must not be NaN"),
    ([0.1, -1.0], [0.2, 0.3], ValueError, "rates must be finite and > 0"),
    ([0.1, 1.0], [0.2], ValueError, "same length"),
    (["x"], [0.2], TypeError, "rates must be an array of real numbers"),
])
def test_best_rate_refuses_bad_arguments(rates, scores, error, words):
    with pytest.raises(error, match=words):
        tuning.best_rate(rates, scores)


# --------------------------------------------------------------------------- log_line_search
def _u_shape(best):
    return lambda rate: (math.log10(rate) - math.log10(best)) ** 2


@pytest.mark.parametrize("start", [1e-4, 1e-3, 0.01, 0.1, 1.0, 10.0])
def test_line_search_finds_the_grid_minimum_from_any_start(start):
    result = tuning.log_line_search(_u_shape(start * 10 ** 1.5), start, max_evals=12)
    assert result.rate == pytest.approx(start * 10 ** 1.5)
    assert result.score == pytest.approx(0.0, abs=1e-20)
    assert len(result.tried) <= 6                 # 0, +1, +2, +3 and one more to see it rise
    rates = list(result.tried)
    assert rates[0] == start and rates[1] == pytest.approx(start * 10 ** 0.5)


def test_line_search_steps_down_from_a_diverging_start():
    def score(rate):
        return math.inf if rate > 0.05 else (math.log10(rate) + 3) ** 2   # best 1e-3

    result = tuning.log_line_search(score, 1.0)
    assert result.rate == pytest.approx(1e-3)
    assert list(result.tried.values())[:3] == [math.inf] * 3


def test_line_search_stays_put_when_both_neighbours_are_worse():
    result = tuning.log_line_search(_u_shape(0.01), 0.01)
    assert result.rate == 0.01 and len(result.tried) == 3


def test_line_search_respects_max_evals_and_nan():
    calls = []

    def falling(rate):
        calls.append(rate)
        return -rate                               # always better further up

    result = tuning.log_line_search(falling, 1.0, max_evals=4)
    assert len(calls) == 4 and result.rate == pytest.approx(10 ** 1.5)
    nan_above = tuning.log_line_search(lambda r: float("nan") if r > 1 else -r, 1.0)
    assert nan_above.rate == 1.0 and math.isinf(nan_above.tried[10 ** 0.5])


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(score_fn=0.1, start=1.0), TypeError, "score_fn must be callable"),
    (dict(score_fn=abs, start=0.0), ValueError, "start must be a finite number > 0"),
    (dict(score_fn=abs, start=1.0, factor=1.0), ValueError, "factor must be a finite number > 1"),
    (dict(score_fn=abs, start=1.0, max_evals=1), ValueError, "max_evals must be an integer >= 2"),
    (dict(score_fn=lambda r: "low", start=1.0), TypeError, "must return a real number"),
    (dict(score_fn=lambda r: math.inf, start=1.0), ValueError, "every rate tried failed"),
])
def test_line_search_refuses_bad_arguments(kwargs, error, words):
    with pytest.raises(error, match=words):
        tuning.log_line_search(**kwargs)


# --------------------------------------------------------------------------- steps_to_target
def test_steps_to_target():
    assert tuning.steps_to_target([0.2, 0.5, 0.9], 0.2) == 0          # reached at the start
    assert tuning.steps_to_target([0.2, 0.5, 0.9], 0.5, every=10) == 10  # equal counts
    assert tuning.steps_to_target([0.2, np.nan, 0.9], 0.8, every=3) == 6
    assert tuning.steps_to_target([0.2, 0.5], 0.95) is None
    assert tuning.steps_to_target([5.0, 2.0, 0.5], 1.0, higher_is_better=False) == 2
    assert isinstance(tuning.steps_to_target(np.array([0.0, 1.0]), 1.0), int)


@pytest.mark.parametrize("args, kwargs, error, words", [
    (([],), dict(target=0.5), ValueError, "at least one value"),
    (([[0.1, 0.2]],), dict(target=0.5), ValueError, "must be 1-D"),
    (([0.1],), dict(target=float("nan")), ValueError, "target must be a finite number"),
    (([0.1],), dict(target=0.5, every=0), ValueError, "every must be an integer >= 1"),
    (([0.1],), dict(target=0.5, higher_is_better=1), TypeError, "higher_is_better must be True"),
    ((0.5, [0.1, 0.6]), {}, TypeError, r"swapped\? the order is steps_to_target\(curve, target"),
])
def test_steps_to_target_refuses_bad_arguments(args, kwargs, error, words):
    with pytest.raises(error, match=words):
        tuning.steps_to_target(*args, **kwargs)


# --------------------------------------------------------------------------- mean_std
def test_mean_std():
    assert tuning.mean_std([1.0, 2.0, 3.0]) == "2.0 ± 1.0"
    assert tuning.mean_std([0.5], scale=100, digits=0) == "50"
    assert tuning.mean_std([10, float("nan"), 20, None], digits=0) == "15 ± 7 (2/4)"
    assert tuning.mean_std([None]) == "—"
    with pytest.raises(ValueError, match="at least one"):
        tuning.mean_std([])
    with pytest.raises(TypeError, match=r"values\[1\] must be a real number or None"):
        tuning.mean_std([1.0, "2"])
    with pytest.raises(ValueError, match="digits must be an integer >= 0"):
        tuning.mean_std([1.0], digits=-1)
