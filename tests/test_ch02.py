"""Chapter 2 (the gradient): the exercise checkers of gdlab.check, and the regression checks that
used to be visible asserts on the page (numbers quoted in the prose, "ours == gdlab's" on more cases).

The chapter's numbers are read from its own variables: the notebook's code cells run once per test
process (`namespace`), and the tests below share that run.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdlab import calculus, check, data, optim
from nbrun import namespace  # tests/nbrun.py
from expect import checker_fails as _fails  # tests/expect.py


# --------------------------------------------------------------------------- check_flat_direction
def flat_direction(grad):
    axis = np.zeros(3)
    axis[np.argmin(np.abs(grad))] = 1.0
    u = np.cross(grad, axis)
    return u / np.linalg.norm(u)


def test_flat_direction_correct(capsys):
    check.check_flat_direction(flat_direction)
    check.check_flat_direction(flat_direction, n_random=20, seed=3)

    def by_projection(g):  # another right answer: project an axis onto the plane ⟂ g
        e = np.eye(3)[np.argmin(np.abs(g))]
        u = e - (e @ g) / (g @ g) * g
        return u / np.linalg.norm(u)

    check.check_flat_direction(by_projection)
    out = capsys.readouterr().out
    assert out.count("✓") == 3 and "in all 9 cases" in out and "in all 25 cases" in out


def test_flat_direction_wrong(capsys):
    with np.errstate(invalid="ignore"):
        message = _fails(check.check_flat_direction,
                         lambda g: np.cross(g, [1.0, 0, 0]) / np.linalg.norm(np.cross(g, [1.0, 0, 0])))
    assert "case 2 of 9" in message and "parallel vector is 0" in message

    def zero_on_axis(g):
        return np.cross(g, [1.0, 0.0, 0.0]) / max(np.linalg.norm(np.cross(g, [1.0, 0, 0])), 1e-300)

    assert "zero vector" in _fails(check.check_flat_direction, zero_on_axis)

    def fixed_vector(g):  # a cross product with (1, 1, 1): right except along (1, 1, 1)
        u = np.cross(g, np.ones(3))
        return u / np.linalg.norm(u)

    with np.errstate(invalid="ignore"):
        message = _fails(check.check_flat_direction, fixed_vector)
    assert "case 5 of 9" in message and "parallel to (1, 1, 1)" in message

    def fixed_vector_guarded(g):  # the same, but it returns the zero vector, not NaN
        u = np.cross(g, np.ones(3))
        return u / max(np.linalg.norm(u), 1e-300)

    message = _fails(check.check_flat_direction, fixed_vector_guarded)
    assert "zero vector" in message and "parallel to (1, 1, 1)" in message
    assert "opposite of flat" in _fails(check.check_flat_direction, lambda g: g / np.linalg.norm(g))
    assert "divide u by its length" in _fails(check.check_flat_direction,
                                              lambda g: np.cross(g, [0.0, 1.0, 0.0]))
    assert "not perpendicular" in _fails(check.check_flat_direction, lambda g: np.ones(3) / math.sqrt(3))
    assert "expected shape (3,)" in _fails(check.check_flat_direction, lambda g: flat_direction(g)[:2])
    message = _fails(check.check_flat_direction, lambda g: flat_direction(g, 1))
    assert "raised TypeError" in message and "grad = [8, 7, 27]" in message

    def starter(grad):
        ...

    with pytest.raises(check.NotImplementedYet, match="not implemented yet"):
        check.check_flat_direction(starter)
    assert capsys.readouterr().out == ""


def test_flat_direction_bad_arguments():
    with pytest.raises(TypeError):
        check.check_flat_direction(np.array([8.0, 7.0, 27.0]))
    with pytest.raises(ValueError):
        check.check_flat_direction(flat_direction, n_random=-1)


# --------------------------------------------------------------------------- check_stable_rate
def test_stable_rate_correct(capsys):
    check.check_stable_rate(lambda H: 2 / np.linalg.eigvalsh(H).max())
    check.check_stable_rate(lambda H: 2 / np.max(np.linalg.eigvals(H).real), n_random=8, seed=5)
    out = capsys.readouterr().out
    assert out.count("✓") == 2 and "converges at 0.98" in out and "diverges at 1.02" in out


@pytest.mark.parametrize("wrong, hint", [
    (lambda H: 2 / np.linalg.eigvalsh(H).min(), "smallest eigenvalue"),
    (lambda H: 1 / np.linalg.eigvalsh(H).max(), "starts to oscillate"),
    (lambda H: np.linalg.eigvalsh(H).max() / 2, "upside down"),
    (lambda H: 2 / np.max(np.diag(H)), "only when H is diagonal"),
    (lambda H: 2 / np.linalg.eigvalsh(H), "return one number"),
    (lambda H: 2 / np.linalg.eigvalsh(H).max() > 0, "(a bool)"),
])
def test_stable_rate_wrong(wrong, hint, capsys):
    assert hint in _fails(check.check_stable_rate, wrong)
    assert capsys.readouterr().out == ""


def test_stable_rate_names_the_matrix():
    message = _fails(check.check_stable_rate, lambda H: 2 / np.max(np.diag(H)))
    assert "H = [[3, 1], [1, 3]]" in message and "expected: 0.5" in message

    def broken(H):
        return 2 / np.linalg.eigvalsh(H[0]).max()

    assert "raised" in _fails(check.check_stable_rate, broken)


# --------------------------------------------------------------------------- check_widrow_hoff_pass
def widrow_hoff_pass(w, X, y, lr):
    for x_d, y_d in zip(X, y):
        w = w + lr * (y_d - w @ x_d) * x_d
    return w


def test_widrow_hoff_correct(capsys):
    check.check_widrow_hoff_pass(widrow_hoff_pass)
    check.check_widrow_hoff_pass(widrow_hoff_pass, n_cases=10, seed=7)
    assert capsys.readouterr().out.count("✓") == 2


def _in_place(w, X, y, lr):
    for x_d, y_d in zip(X, y):
        w += lr * (y_d - w @ x_d) * x_d
    return w


def _first_only(w, X, y, lr):
    for x_d, y_d in zip(X, y):
        return w + lr * (y_d - w @ x_d) * x_d


def _stale_copy(w, X, y, lr):
    new = w
    for x_d, y_d in zip(X, y):
        new = w + lr * (y_d - w @ x_d) * x_d
    return new


@pytest.mark.parametrize("wrong, hint", [
    (lambda w, X, y, lr: w + lr * X.T @ (y - X @ w), "batch delta rule"),
    (_first_only, "only the first example"),
    (_stale_copy, "only the last example"),
    (lambda w, X, y, lr: widrow_hoff_pass(w, X, y, -lr), "moved the wrong way"),
    (lambda w, X, y, lr: widrow_hoff_pass(w, X[::-1], y[::-1], lr), "reverse order"),
    (_in_place, "changed its input w in place"),
    (lambda w, X, y, lr: widrow_hoff_pass(w, X, y, lr)[:, None], "expected shape"),
    (lambda w, X, y, lr: widrow_hoff_pass(w, X, y, lr) + 1, "off by the same amount"),
])
def test_widrow_hoff_wrong(wrong, hint, capsys):
    message = _fails(check.check_widrow_hoff_pass, wrong)
    assert hint in message and "problem 1 of 4" in message
    assert capsys.readouterr().out == ""


def test_widrow_hoff_not_implemented_and_raising():
    with pytest.raises(check.NotImplementedYet):
        check.check_widrow_hoff_pass(lambda w, X, y, lr: None)
    assert "raised ValueError" in _fails(check.check_widrow_hoff_pass,
                                         lambda w, X, y, lr: w + lr * X @ (y - X @ w))


# --------------------------------------------------------------------------- the chapter
@pytest.fixture(scope="module")
def ch():
    return namespace("02_gradient")


def test_chapter_numbers_quoted_in_the_prose(ch):
    assert math.isclose(ch["slope_x"], 2.1, rel_tol=1e-9)
    assert np.asarray(ch["g"]).tolist() == [8.0, 7.0, 27.0]
    assert np.asarray(ch["bowl"].start).tolist() == [-1.8, 0.8]  # the valley's start
    assert round(float(np.linalg.norm(ch["g"])), 2) == 29.02
    assert round(float(ch["f"](ch["descended"])), 2) == 30.24
    # learning rates in 1-D: 0.12, 1e-14, 0.12, 6.7 after 20 steps
    ends = {lr: path[-1] for lr, path in ch["paths_1d"].items()}
    assert round(abs(ends[0.05]), 2) == round(abs(ends[0.95]), 2) == 0.12
    assert round(math.log10(abs(ends[0.4]))) == -14 and round(ends[1.05], 1) == 6.7
    # the valley: ρ, 55°, the four regimes
    rhos = [round(float(np.max(np.abs(1 - lr * ch["curvatures"]))), 2) for lr in ch["paths_2d"]]
    assert rhos == [0.98, 0.85, 0.90, 1.10]
    assert round(float(np.degrees(np.arccos(ch["cos_angle"])))) == 55
    assert round(float(ch["paths_2d"][0.02][-1][0]), 2) == -0.80
    # two valleys: stationary points and which start ends where
    assert [round(float(ch[k]), 2) for k in ("left_min", "ridge", "right_min")] == [-1.30, 0.17, 1.13]
    assert np.sum(np.isclose(ch["ends"], ch["left_min"])) + np.sum(
        np.isclose(ch["ends"], ch["right_min"])) == 81
    # the delta rule
    assert ch["lr_delta"] < 2 / ch["lam_max"] and round(float(ch["lam_max"]), 1) == 106.4
    np.testing.assert_allclose(ch["w_path"][-1], ch["w_lstsq"], atol=1e-10)
    # gradient checking
    assert ch["result"].ok and ch["result"].max_rel_error < 1e-8
    assert math.isclose(ch["kink"], 0.1, rel_tol=1e-6)


def test_chapter_taylor_ratio_tends_to_one(ch):
    A, g, fun = ch["A_point"], ch["g"], ch["f"]
    for lr in [1e-2, 1e-3, 1e-4]:
        ratio = (fun(A) - fun(A - lr * g)) / (lr * g @ g)
        assert abs(1 - ratio) < 10 * lr


def test_chapter_functions_equal_gdlab_on_more_cases(ch):
    rng = np.random.default_rng(12)
    for x0 in rng.normal(scale=3, size=10):
        assert ch["numerical_derivative"](np.sin, x0) == calculus.numerical_derivative(np.sin, x0)
    for shape in [(4,), (2, 3), (2, 2, 2)]:
        theta = rng.standard_normal(shape)
        np.testing.assert_allclose(ch["numerical_gradient"](lambda t: np.sum(t**3), theta),
                                   calculus.numerical_gradient(lambda t: np.sum(t**3), theta),
                                   rtol=1e-12)
    for _ in range(3):  # gradient descent on random quadratics
        M = rng.standard_normal((3, 3))
        H = M @ M.T + np.eye(3)
        lr = 1 / np.linalg.eigvalsh(H).max()
        start = rng.standard_normal(3)
        np.testing.assert_allclose(ch["gradient_descent"](lambda t: H @ t, start, lr, 25),
                                   optim.run(optim.GD(lr=lr), lambda t: H @ t, start, 25),
                                   rtol=1e-12, atol=1e-15)
    X, y, _ = data.linear_regression(n_samples=30, n_features=3, noise=0.5, seed=4, bias=True)
    lr = 1 / np.linalg.eigvalsh(X.T @ X).max()
    np.testing.assert_allclose(ch["delta_rule"](X, y, lr, 40),
                               optim.run(optim.GD(lr=lr), lambda w: -X.T @ (y - X @ w),
                                         np.zeros(4), 40), rtol=1e-12, atol=1e-15)


def test_chapter_exercise_solutions(ch):
    # exercise 2: the direction named in the solution
    u = ch["flat_direction"](np.array([8.0, 7.0, 27.0]))
    np.testing.assert_allclose(u, np.array([-27.0, 0.0, 8.0]) / math.sqrt(793))
    # exercise 3: the matrix named in the solution
    assert math.isclose(ch["largest_stable_rate"](np.array([[3.0, 1.0], [1.0, 3.0]])), 0.5)
    # exercise 4: close to least squares but not equal, and closer with a smaller step
    assert 1e-3 < ch["distance"] < 1e-2
    smaller_step = ch["distance_to_least_squares"](ch["X"], ch["y_data"], 0.001, 300)
    assert smaller_step < ch["distance"] / 5
    # exercise 5: the buggy gradient is D = 50 times the right one
    np.testing.assert_allclose(ch["ratio"], np.full(3, len(ch["y_cls"])), rtol=1e-6)
