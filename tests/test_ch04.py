"""Chapter 4 (challenges): the exercise checkers and data helper it added to gdlab, and the
regression checks that used to be visible asserts on the page (numbers quoted in the prose,
"ours == gdlab's" on more cases).

The chapter's numbers are read from its own variables: the notebook's code cells run once per test
process (`namespace`), and the tests below share that run.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from gdlab import calculus, check, data, schedules, surfaces
from nbrun import namespace  # tests/nbrun.py
from expect import checker_fails as _fails  # tests/expect.py


@pytest.fixture(scope="module")
def ns():
    return namespace("04_challenges")


# --------------------------------------------------------------------------- check_steps_needed
def steps_needed(eigenvalues, lr, tol=1e-6):
    rho = max(abs(1 - lr * lam) for lam in eigenvalues)
    if rho >= 1:
        return math.inf
    if rho == 0:
        return 1
    return math.ceil(math.log(tol) / math.log(rho))


def test_steps_needed_correct(capsys):
    check.check_steps_needed(steps_needed)
    check.check_steps_needed(steps_needed, n_cases=20, seed=5)

    def with_numpy(eigenvalues, lr, tol=1e-6):   # floats, np.inf and log10 are fine too
        rho = np.max(np.abs(1 - lr * np.asarray(eigenvalues)))
        if rho >= 1:
            return np.inf
        return 1.0 if rho == 0 else float(np.ceil(np.log10(tol) / np.log10(rho)))

    check.check_steps_needed(with_numpy)
    assert capsys.readouterr().out.count("✓") == 3


@pytest.mark.parametrize("wrong, hint", [
    (lambda e, lr, tol=1e-6: math.ceil(math.log(tol) / math.log(abs(1 - lr * max(e)))),
     "only the largest eigenvalue"),
    (lambda e, lr, tol=1e-6: math.ceil(math.log(tol) / math.log(abs(1 - lr * e[0])))
     if abs(1 - lr * e[0]) > 0 else 1, "eigenvalue"),
    (lambda e, lr, tol=1e-6: steps_needed(e, lr, tol) - 1 if steps_needed(e, lr, tol) > 1
     else 1, "round up"),
    (lambda e, lr, tol=1e-6: steps_needed(e, lr, 1e-6), "ignored tol"),
    (lambda e, lr, tol=1e-6: math.log(tol) / math.log(max(abs(1 - lr * x) for x in e)),
     "whole number"),
])
def test_steps_needed_wrong(wrong, hint):
    assert hint in _fails(check.check_steps_needed, wrong)


def test_steps_needed_divergence_zero_rate_and_errors():
    def no_divergence(e, lr, tol=1e-6):
        rho = max(abs(1 - lr * x) for x in e)
        return 1 if rho == 0 else math.ceil(math.log(tol) / math.log(rho))

    message = _fails(check.check_steps_needed, no_divergence)
    assert "math.inf" in message or "raised" in message

    def no_zero_case(e, lr, tol=1e-6):
        rho = max(abs(1 - lr * x) for x in e)
        return math.inf if rho >= 1 else math.ceil(math.log(tol) / math.log(rho))

    assert "Return 1 when ρ = 0" in _fails(check.check_steps_needed, no_zero_case)

    def swapped(lr, eigenvalues, tol=1e-6):
        return steps_needed(eigenvalues, lr, tol)

    assert "other order" in _fails(check.check_steps_needed, swapped)

    def starter(eigenvalues, lr, tol=1e-6):
        ...

    with pytest.raises(check.NotImplementedYet, match="not implemented yet"):
        check.check_steps_needed(starter)

    def sorts_in_place(eigenvalues, lr, tol=1e-6):
        eigenvalues.sort()
        return steps_needed(eigenvalues, lr, tol)

    assert "in place" in _fails(check.check_steps_needed, sorts_in_place)
    with pytest.raises(ValueError):
        check.check_steps_needed(steps_needed, n_cases=2)
    with pytest.raises(TypeError):
        check.check_steps_needed("steps_needed")


# --------------------------------------------------------------------------- check_standardise
def standardise(X):
    Z = np.array(X, dtype=float, copy=True)
    Z[:, 1:] = (X[:, 1:] - X[:, 1:].mean(axis=0)) / X[:, 1:].std(axis=0)
    return Z


def test_standardise_correct(capsys):
    check.check_standardise(standardise)
    check.check_standardise(standardise, n_cases=10, seed=2)
    assert capsys.readouterr().out.count("✓") == 2


@pytest.mark.parametrize("wrong, hint", [
    (lambda X: (X - X.mean(axis=0)) / X.std(axis=0), "standard deviation 0"),
    (lambda X: np.hstack([np.zeros((len(X), 1)), standardise(X)[:, 1:]]), "unchanged"),
    (lambda X: np.hstack([X[:, :1], X[:, 1:] / X[:, 1:].std(axis=0)]), "subtract"),
    (lambda X: np.hstack([X[:, :1], (X[:, 1:] - X[:, 1:].mean(axis=0))
                          / X[:, 1:].std(axis=0, ddof=1)]), "ddof"),
    (lambda X: np.hstack([X[:, :1], X[:, 1:] - X[:, 1:].mean(axis=0)]), "divide"),
    (lambda X: standardise(X)[:, 1:], "wrong shape"),
    (lambda X: np.sort(standardise(X), axis=0), "column by column"),
])
def test_standardise_wrong(wrong, hint):
    assert hint in _fails(check.check_standardise, wrong)


def test_standardise_in_place_and_errors():
    def in_place(X):
        X[:, 1:] = (X[:, 1:] - X[:, 1:].mean(axis=0)) / X[:, 1:].std(axis=0)
        return X

    assert "in place" in _fails(check.check_standardise, in_place)

    def raises(X):
        return X[:, 1:] / X.std(axis=1)          # a broadcasting error

    assert "raised ValueError" in _fails(check.check_standardise, raises)
    with pytest.raises(check.NotImplementedYet):
        check.check_standardise(lambda X: None)
    with pytest.raises(ValueError):
        check.check_standardise(standardise, n_cases=0)


# --------------------------------------------------------------------------- check_largest_curvature
def largest_curvature(grad_fn, w, iterations=100, h=1e-4):
    v = np.random.default_rng(0).standard_normal(np.shape(w))
    v /= np.linalg.norm(v)
    for _ in range(iterations):
        hv = (grad_fn(w + h * v) - grad_fn(w - h * v)) / (2 * h)
        estimate = v @ hv
        v = hv / np.linalg.norm(hv)
    return estimate


def test_largest_curvature_correct(capsys):
    check.check_largest_curvature(largest_curvature)
    check.check_largest_curvature(largest_curvature, n_cases=8, seed=4)
    # gdlab's own power iteration is a right answer too
    check.check_largest_curvature(lambda g, w: calculus.largest_eigenvalue(g, w))
    assert capsys.readouterr().out.count("✓") == 3


def _smallest(grad_fn, w, h=1e-4):
    d = len(w)
    H = np.array([(grad_fn(w + h * e) - grad_fn(w - h * e)) / (2 * h) for e in np.eye(d)])
    return np.linalg.eigvalsh((H + H.T) / 2)[0]


@pytest.mark.parametrize("wrong, hint", [
    (_smallest, "smallest eigenvalue"),
    (lambda g, w: largest_curvature(g, w) ** 2, "|Hv|²"),
    (lambda g, w: 2 * largest_curvature(g, w), "2h"),
    (lambda g, w: -largest_curvature(g, w), "sign"),
    (lambda g, w: largest_curvature(g, w, iterations=1), "iterations"),
])
def test_largest_curvature_wrong(wrong, hint):
    assert hint in _fails(check.check_largest_curvature, wrong)


def test_largest_curvature_swapped_in_place_and_errors():
    def swapped(w, grad_fn):
        return largest_curvature(grad_fn, w)

    assert "other order" in _fails(check.check_largest_curvature, swapped)

    def moves_w(grad_fn, w):
        w += 1e-3
        return largest_curvature(grad_fn, w - 1e-3)

    assert "in place" in _fails(check.check_largest_curvature, moves_w)

    def starter(grad_fn, w, iterations=100, h=1e-4):
        ...

    with pytest.raises(check.NotImplementedYet):
        check.check_largest_curvature(starter)
    with pytest.raises(ValueError):
        check.check_largest_curvature(largest_curvature, rtol=0)


# --------------------------------------------------------------------------- data.sparse_problem
def test_sparse_problem_fields_and_gradient():
    problem = data.sparse_problem(n_samples=3000, n_features=8, seed=3, min_frequency=0.01)
    X, y = problem.X, problem.y
    np.testing.assert_allclose(problem.H, X.T @ X / len(y))
    np.testing.assert_allclose(problem.b, X.T @ y / len(y))
    np.testing.assert_allclose(np.diag(problem.H), problem.p_hat)
    np.testing.assert_allclose(problem.p_hat, X.mean(axis=0))
    assert problem.L == pytest.approx(np.linalg.eigvalsh(problem.H)[-1])
    np.testing.assert_allclose(problem.w_star, np.linalg.lstsq(X, y, rcond=None)[0], atol=1e-10)
    w = np.random.default_rng(0).standard_normal(8)
    result = calculus.gradient_check(problem.loss, problem.grad, w)
    assert result.ok
    w_t = torch.tensor(w, requires_grad=True)
    ((torch.tensor(X) @ w_t - torch.tensor(y)) ** 2).sum().div(2 * len(y)).backward()
    np.testing.assert_allclose(problem.grad(w), w_t.grad.numpy(), rtol=1e-10, atol=1e-12)
    stack = np.random.default_rng(1).standard_normal((3, 8))      # run_many's (runs, d)
    np.testing.assert_allclose(problem.grad(stack), np.array([problem.grad(s) for s in stack]))
    same = data.sparse_problem(n_samples=3000, n_features=8, seed=3, min_frequency=0.01)
    np.testing.assert_array_equal(same.X, problem.X)


def test_sparse_problem_defaults_are_the_chapter_problem():
    problem = data.sparse_problem()
    X, y, w_true, frequencies = data.sparse_features(n_samples=5000, n_features=20, seed=0,
                                                     min_frequency=0.002)
    np.testing.assert_array_equal(problem.X, X)
    np.testing.assert_array_equal(problem.frequencies, np.geomspace(0.5, 0.002, 20))
    assert problem.X.sum(axis=0).min() > 0


def test_sparse_problem_refuses_an_absent_feature():
    with pytest.raises(ValueError, match="occurs in none"):
        data.sparse_problem(n_samples=50, n_features=10, min_frequency=0.001)
    with pytest.raises(ValueError):
        data.sparse_problem(n_samples=0)


# --------------------------------------------------------------------------- the chapter's numbers
def test_learning_rate_numbers(ns):
    iterations, k_best = ns["iterations"], ns["k_best"]
    assert iterations[k_best] == iterations.min() == 69
    assert iterations[0] == 6856 and round(math.log(1e6) / (ns["etas"][0] * ns["mu"])) == 6908
    assert (iterations <= ns["predicted"]).all()


def test_ravine_numbers(ns):
    assert ns["steps_kappa"]["best"][[0, 4, 8, 12]].tolist() == [1, 69, 691, 6908]
    eigs = ns["rosen_eigs"]
    assert round(eigs[0], 1) == 0.4 and round(eigs[1]) == 1002
    pixels_kappa = ns["nonzero"][-1] / ns["nonzero"][0]
    assert ns["eig_pixels"].size - ns["nonzero"].size == 4 and 4e6 < pixels_kappa < 6e6


def test_schedule_numbers(ns):
    rates, torch_rates = ns["rates"], ns["torch_rates"]
    assert len(rates) == 6
    for name in rates:
        np.testing.assert_allclose(rates[name], torch_rates[name], rtol=1e-12, err_msg=name)
    assert schedules.inverse_time_decay(10, 0.1, tau=5) == pytest.approx(0.1 / 3)
    history = ns["errors"]
    assert round(history[-1, 1], 2) == 0.67 and 2000 < history[:, 2].max() < 10_000


def test_sparse_numbers(ns):
    assert 50 <= ns["steps_frequent"] <= 60 and 2000 <= ns["steps_rare"] <= 2200
    assert 30 <= ns["steps_rare"] / ns["steps_frequent"] <= 45
    assert -0.75 < ns["slope"] < -0.6


def test_saddle_and_plateau_numbers(ns):
    np.testing.assert_array_equal(ns["escape"], ns["predicted_escape"])
    assert set(np.diff(ns["escape"])) <= {12, 13}
    assert round(ns["per_decade"], 1) == 58.5
    assert set(np.diff(ns["plateau_end"])[1:].tolist()) <= {58, 59}
    (grads_1, history_1), (grads_01, history_01) = ns["digit_runs"][1.0], ns["digit_runs"][0.1]
    assert history_01.val_accuracy[-1] < 0.15 and history_1.val_accuracy[-1] > 0.4


def test_critical_point_type_agrees_with_gdlab(ns):
    critical_point_type = ns["critical_point_type"]
    for ev in ([1.0, 2.0], [-1.0, -3.0], [2.0, -2.0], [2.0, 0.0, -1.0], [2.0, 0.0], [0.0, 0.0],
               [1e-13, 1.0], [-1.0, 0.0]):
        assert critical_point_type(ev) == surfaces.classify_critical_point(ev), ev


def test_basins_numbers(ns):
    assert (np.abs(ns["shares"] - 0.25) < 0.03).all()


def test_tilted_himmelblau_shares(ns):
    # exercise 7 states the share of each minimum of the tilted surface; its target range
    # [0.245, 0.25] must hold the global minimum's share and none of the others
    which, found = ns["which"].ravel(), ns["found"]
    shares = np.bincount(which) / which.size
    best = int(np.argmin(ns["tilted"].f(found.T)))
    assert round(shares[best], 3) == 0.247 and 0.245 <= shares[best] <= 0.25
    others = np.delete(shares, best)
    assert sorted(np.round(others, 3).tolist()) == [0.235, 0.243, 0.275]
    assert not ((0.245 <= others) & (others <= 0.25)).any()
