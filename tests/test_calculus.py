"""Tests of gdlab.calculus against independent references (sympy, torch.autograd, closed forms)."""

import math
import re

import numpy as np
import pytest
import sympy as sp
import torch

from gdlab import calculus, surfaces

RNG_SEED = 20240601

# ---------------------------------------------------------------------------
# numerical_derivative against sympy
# ---------------------------------------------------------------------------
x_sym = sp.Symbol("x")
ONE_VARIABLE = [
    x_sym**3,
    sp.sin(x_sym) * sp.exp(x_sym),
    sp.log(1 + x_sym**2),
    sp.tanh(2 * x_sym) - x_sym**5 / 7,
    sp.cos(3 * x_sym) / (2 + sp.sin(x_sym)),
]


@pytest.mark.parametrize("expr", ONE_VARIABLE, ids=str)
def test_numerical_derivative_matches_sympy(expr):
    f = sp.lambdify(x_sym, expr, "math")
    df = sp.lambdify(x_sym, sp.diff(expr, x_sym), "math")
    rng = np.random.default_rng(RNG_SEED)
    for x in rng.uniform(-2, 2, size=5):
        assert math.isclose(calculus.numerical_derivative(f, x), df(x), rel_tol=1e-7, abs_tol=1e-8)


def test_numerical_derivative_is_the_central_difference():
    f = math.exp
    for h in (1e-1, 1e-3):
        expected = (math.exp(0.3 + h) - math.exp(0.3 - h)) / (2 * h)
        assert calculus.numerical_derivative(f, 0.3, h=h) == expected


def test_central_difference_error_is_second_order():
    # error ~ h^2 f'''/6: halving h divides the error by 4 (a forward difference would give 2)
    errors = [abs(calculus.numerical_derivative(math.exp, 0.0, h=h) - 1.0) for h in (1e-2, 5e-3)]
    assert errors[0] / errors[1] == pytest.approx(4.0, rel=1e-3)
    assert errors[0] == pytest.approx(1e-4 / 6, rel=1e-3)


def test_numerical_derivative_accepts_numpy_and_int_scalars():
    assert calculus.numerical_derivative(lambda x: x**2, np.float32(1.5)) == pytest.approx(3.0)
    assert calculus.numerical_derivative(lambda x: x**2, 2) == pytest.approx(4.0)
    assert isinstance(calculus.numerical_derivative(lambda x: np.float64(x) ** 2, 1.0), float)


# ---------------------------------------------------------------------------
# numerical_gradient against sympy and torch
# ---------------------------------------------------------------------------
def test_numerical_gradient_worked_example():
    def f(p):
        x, y, z = p
        return x**2 + 3 * x * y + y**2 + z**3

    g = calculus.numerical_gradient(f, np.array([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(g, [8.0, 7.0, 27.0], rtol=1e-9)


def test_numerical_gradient_matches_sympy_at_random_points():
    x, y, z = sp.symbols("x y z")
    expr = sp.exp(x * y) * sp.sin(z) + x**2 * z - sp.log(1 + y**2) + x * y * z
    f = sp.lambdify([(x, y, z)], expr, "numpy")
    grad = sp.lambdify([(x, y, z)], [sp.diff(expr, v) for v in (x, y, z)], "numpy")
    rng = np.random.default_rng(RNG_SEED)
    for theta in rng.uniform(-1.5, 1.5, size=(10, 3)):
        np.testing.assert_allclose(
            calculus.numerical_gradient(f, theta), grad(theta), rtol=1e-7, atol=1e-8
        )


def _torch_function(t):
    """A smooth non-separable scalar function of a tensor of any shape."""
    return (torch.sin(t) * t).sum() + torch.log1p((t**2).sum()) + t.sum() ** 3 / 10


@pytest.mark.parametrize("shape", [(), (1,), (5,), (2, 3), (2, 2, 3)])
def test_numerical_gradient_matches_torch_autograd(shape):
    rng = np.random.default_rng(RNG_SEED)
    theta = rng.normal(size=shape)
    t = torch.tensor(theta, requires_grad=True)
    _torch_function(t).backward()
    expected = t.grad.numpy()

    def f(a):
        return _torch_function(torch.from_numpy(a)).item()

    g = calculus.numerical_gradient(f, theta)
    assert g.shape == theta.shape
    assert g.dtype == np.float64
    np.testing.assert_allclose(g, expected, rtol=1e-7, atol=1e-8)


def test_numerical_gradient_of_matrix_function():
    # f(W) = 1/2 ||X W - Y||^2 has gradient X^T (X W - Y)
    rng = np.random.default_rng(RNG_SEED)
    X, Y, W = rng.normal(size=(6, 3)), rng.normal(size=(6, 2)), rng.normal(size=(3, 2))
    g = calculus.numerical_gradient(lambda W: 0.5 * np.sum((X @ W - Y) ** 2), W)
    np.testing.assert_allclose(g, X.T @ (X @ W - Y), rtol=1e-7, atol=1e-8)


def test_numerical_gradient_leaves_theta_alone_and_converts_ints():
    theta = np.array([1.0, -2.0, 0.5])
    before = theta.copy()
    calculus.numerical_gradient(lambda p: np.sum(p**3), theta)
    np.testing.assert_array_equal(theta, before)
    g = calculus.numerical_gradient(lambda p: np.sum(p**2), [1, 2, 3])
    assert g.dtype == np.float64
    np.testing.assert_allclose(g, [2.0, 4.0, 6.0], rtol=1e-9)


def test_numerical_gradient_is_robust_to_f_mutating_its_argument():
    def f(p):
        value = float(np.sum(p**2))
        p[...] = 1e6  # a careless f: must not change the result
        return value

    np.testing.assert_allclose(calculus.numerical_gradient(f, [1.0, 2.0]), [2.0, 4.0], rtol=1e-9)


def test_numerical_gradient_of_empty_array():
    g = calculus.numerical_gradient(lambda p: 0.0, np.zeros((0, 3)))
    assert g.shape == (0, 3)


# ---------------------------------------------------------------------------
# directional_derivative
# ---------------------------------------------------------------------------
def test_directional_derivative_matches_derivative_along_a_line():
    x, y, z = sp.symbols("x y z")
    expr = x**2 + 3 * x * y + y**2 + z**3 + sp.sin(x * z)
    f = sp.lambdify([(x, y, z)], expr, "numpy")
    grad = sp.lambdify([(x, y, z)], [sp.diff(expr, v) for v in (x, y, z)], "numpy")
    rng = np.random.default_rng(RNG_SEED)
    for _ in range(5):
        theta, u = rng.normal(size=3), rng.normal(size=3)
        u_hat = u / np.linalg.norm(u)
        along_line = calculus.numerical_derivative(lambda t: f(theta + t * u_hat), 0.0)
        got = calculus.directional_derivative(np.array(grad(theta)), u)
        assert isinstance(got, float)
        assert got == pytest.approx(along_line, rel=1e-7, abs=1e-8)


def test_directional_derivative_stack_scale_and_shape():
    rng = np.random.default_rng(RNG_SEED)
    g = rng.normal(size=(2, 3))
    U = rng.normal(size=(7, 2, 3))
    values = calculus.directional_derivative(g, U)
    assert values.shape == (7,)
    expected = [np.sum(g * u) / np.linalg.norm(u) for u in U]
    np.testing.assert_allclose(values, expected, rtol=1e-12)
    # only the direction matters
    np.testing.assert_allclose(calculus.directional_derivative(g, 5.0 * U), values, rtol=1e-12)


def test_gradient_is_steepest_ascent_cauchy_schwarz():
    rng = np.random.default_rng(RNG_SEED)
    g = np.array([8.0, 7.0, 27.0])
    values = calculus.directional_derivative(g, rng.normal(size=(2000, 3)))
    norm = np.linalg.norm(g)
    assert np.all(np.abs(values) <= norm * (1 + 1e-12))
    assert calculus.directional_derivative(g, g) == pytest.approx(norm, rel=1e-12)
    assert calculus.directional_derivative(g, -g) == pytest.approx(-norm, rel=1e-12)
    assert values.max() > 0.99 * norm


# ---------------------------------------------------------------------------
# gradient_check and assert_gradient_close
# ---------------------------------------------------------------------------
def _np_f(a):
    return _torch_function(torch.from_numpy(a)).item()


def _torch_grad(a):
    t = torch.tensor(a, requires_grad=True)
    _torch_function(t).backward()
    return t.grad.numpy()


@pytest.mark.parametrize("shape", [(), (4,), (3, 2)])
def test_gradient_check_accepts_a_correct_gradient(shape):
    theta = np.random.default_rng(RNG_SEED).normal(size=shape)
    result = calculus.gradient_check(_np_f, _torch_grad, theta)
    assert isinstance(result, tuple)
    assert result._fields == ("ok", "max_abs_error", "max_rel_error", "numerical", "analytic")
    assert result.ok is True
    assert result.max_rel_error < 1e-7
    assert result.numerical.shape == result.analytic.shape == theta.shape
    # the errors are what the docstring says they are
    a, n = result.analytic, result.numerical
    assert result.max_abs_error == pytest.approx(np.max(np.abs(a - n)), rel=1e-12, abs=1e-300)
    rel = np.abs(a - n) / np.maximum(np.maximum(np.abs(a), np.abs(n)), np.finfo(float).tiny)
    assert result.max_rel_error == pytest.approx(np.max(rel), rel=1e-12, abs=1e-300)


def test_gradient_check_rejects_a_wrong_gradient():
    theta = np.random.default_rng(RNG_SEED).normal(size=(3, 2))

    def buggy(a):
        g = _torch_grad(a)
        g[1, 0] *= 1.01  # a 1 % error in one coordinate
        return g

    result = calculus.gradient_check(_np_f, buggy, theta)
    assert result.ok is False
    assert result.max_rel_error == pytest.approx(0.01 / 1.01, rel=1e-4)


def test_gradient_check_zero_gradient_has_zero_relative_error():
    result = calculus.gradient_check(lambda p: 1.0, lambda p: np.zeros_like(p), np.ones(3))
    assert result.ok and result.max_rel_error == 0.0 and result.max_abs_error == 0.0


def test_gradient_check_tolerances_are_used():
    f = lambda p: float(np.sum(p**2))  # noqa: E731
    slightly_off = lambda p: 2 * p * (1 + 1e-4)  # noqa: E731
    theta = np.array([1.0, 2.0])
    assert not calculus.gradient_check(f, slightly_off, theta).ok
    assert calculus.gradient_check(f, slightly_off, theta, rtol=1e-3).ok
    assert calculus.gradient_check(f, slightly_off, theta, rtol=0.0, atol=1e-3).ok


def test_assert_gradient_close_names_the_worst_coordinate():
    theta = np.random.default_rng(RNG_SEED).normal(size=(3, 2))
    ok = calculus.assert_gradient_close(_np_f, _torch_grad, theta)
    assert ok.ok

    def buggy(a):
        g = _torch_grad(a)
        g[2, 1] += 0.5
        g[0, 0] += 1e-3
        return g

    with pytest.raises(AssertionError, match=re.escape("coordinate (2, 1)")) as info:
        calculus.assert_gradient_close(_np_f, buggy, theta)
    assert "2 of 6 coordinates" in str(info.value)


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("h", [0.0, -1e-6, float("nan"), float("inf")])
def test_bad_h_raises_value_error_naming_it(h):
    message = re.escape(repr(h))
    with pytest.raises(ValueError, match=message):
        calculus.numerical_derivative(math.sin, 1.0, h=h)
    with pytest.raises(ValueError, match=message):
        calculus.numerical_gradient(np.sum, np.ones(2), h=h)
    with pytest.raises(ValueError, match=message):
        calculus.gradient_check(np.sum, np.ones_like, np.ones(2), h=h)


@pytest.mark.parametrize("h", ["0.1", None, True, 1j])
def test_non_numeric_h_raises_type_error(h):
    with pytest.raises(TypeError, match="h must be a real number"):
        calculus.numerical_gradient(np.sum, np.ones(2), h=h)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_f_returning_non_finite_raises_value_error_naming_value(bad):
    with pytest.raises(ValueError, match=re.escape(repr(bad))):
        calculus.numerical_derivative(lambda x: bad, 1.0)
    with pytest.raises(ValueError, match=re.escape(repr(bad)) + ".*coordinate"):
        calculus.numerical_gradient(lambda p: bad, np.ones(3))


def test_f_returning_non_finite_only_near_one_coordinate():
    def f(p):
        return np.log(p[1])  # log of a negative number is nan

    with pytest.raises(ValueError, match=re.escape("coordinate (1,)")):
        with np.errstate(invalid="ignore"):
            calculus.numerical_gradient(f, [1.0, 1e-7], h=1e-6)


def test_f_returning_an_array_raises_type_error():
    with pytest.raises(TypeError, match=re.escape("shape (2,)")):
        calculus.numerical_gradient(lambda p: p, np.ones(2))
    with pytest.raises(TypeError, match="scalar"):
        calculus.numerical_derivative(lambda x: "1.0", 1.0)


@pytest.mark.parametrize("theta", [[1.0, float("nan")], [float("inf")]])
def test_non_finite_theta_raises_value_error(theta):
    with pytest.raises(ValueError, match="theta must contain only finite numbers"):
        calculus.numerical_gradient(np.sum, theta)


@pytest.mark.parametrize("theta", [[1 + 2j], ["a", "b"], [True, False]])
def test_non_real_theta_raises_type_error(theta):
    with pytest.raises(TypeError, match="theta must be an array of real numbers"):
        calculus.numerical_gradient(np.sum, theta)


@pytest.mark.parametrize("x", [float("nan"), float("inf")])
def test_numerical_derivative_non_finite_x(x):
    with pytest.raises(ValueError, match=re.escape(repr(x))):
        calculus.numerical_derivative(math.sin, x)


def test_numerical_derivative_array_x_raises_type_error():
    with pytest.raises(TypeError, match="x must be a real number"):
        calculus.numerical_derivative(math.sin, np.ones(2))


def test_gradient_check_wrong_shape_and_bad_tolerances():
    with pytest.raises(ValueError, match=re.escape("got shape (3,)")):
        calculus.gradient_check(np.sum, lambda p: np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match=re.escape("rtol must be a finite number >= 0, got -1.0")):
        calculus.gradient_check(np.sum, np.ones_like, np.ones(2), rtol=-1.0)
    with pytest.raises(ValueError, match=re.escape("atol must be a finite number >= 0, got nan")):
        calculus.assert_gradient_close(np.sum, np.ones_like, np.ones(2), atol=float("nan"))
    with pytest.raises(ValueError, match="grad_fn"):
        calculus.gradient_check(np.sum, lambda p: np.full_like(p, np.nan), np.ones(2))


def test_directional_derivative_bad_input():
    with pytest.raises(ValueError, match="non-zero"):
        calculus.directional_derivative([1.0, 2.0], [0.0, 0.0])
    with pytest.raises(ValueError, match=re.escape("got shape (3,)")):
        calculus.directional_derivative([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="finite"):
        calculus.directional_derivative([1.0, 2.0], [1.0, float("nan")])


def test_huge_integers_and_numpy_numbers():
    with pytest.raises(ValueError, match=r"h must be a finite number > 0, got .*too large for a float"):
        calculus.numerical_derivative(lambda x: x * x, 1.0, h=10**400)
    with pytest.raises(ValueError, match=r"x must be a finite number, got .*too large for a float"):
        calculus.numerical_derivative(lambda x: x * x, 10**400)
    assert round(calculus.numerical_derivative(lambda x: x * x, np.int64(3), h=np.float32(1e-3)), 6) == 6.0


# ---------------------------------------------------------------------------
# hessian_vector_product and largest_eigenvalue against np.linalg.eigvalsh of
# known Hessians (gdlab.surfaces, hand-written quadratics)
# ---------------------------------------------------------------------------
def test_hessian_vector_product_matches_the_symbolic_hessian():
    rng = np.random.default_rng(RNG_SEED)
    for name in ("rosenbrock", "beale", "himmelblau", "monkey_saddle"):
        s = surfaces.SURFACES[name]
        for _ in range(3):
            theta = rng.uniform(-1.5, 1.5, size=2)
            v = rng.standard_normal(2) * rng.choice([1e-3, 1.0, 1e3])   # the size of v does not matter
            expected = s.hessian(theta) @ v
            got = calculus.hessian_vector_product(s.grad, theta, v)
            np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6 * np.abs(expected).max())


def test_hessian_vector_product_of_a_quadratic_is_exact_and_any_shape_works():
    rng = np.random.default_rng(RNG_SEED)
    A = rng.standard_normal((6, 6))
    A = A + A.T
    theta, v = rng.standard_normal((3, 2)), rng.standard_normal((3, 2))
    grad = lambda W: (A @ W.ravel()).reshape(W.shape)  # noqa: E731
    np.testing.assert_allclose(calculus.hessian_vector_product(grad, theta, v),
                               (A @ v.ravel()).reshape(3, 2), rtol=1e-8, atol=1e-10)
    assert calculus.hessian_vector_product(grad, theta, np.zeros((3, 2))).tolist() == [[0.0, 0.0]] * 3


def test_hessian_vector_product_against_torch_double_backward():
    rng = np.random.default_rng(RNG_SEED)
    theta, v = rng.standard_normal(4), rng.standard_normal(4)

    def f_torch(t):
        return torch.sum(torch.sin(t) * t.roll(1)) + torch.sum(t**4) / 4

    def grad(p):
        t = torch.tensor(p, requires_grad=True)
        (g,) = torch.autograd.grad(f_torch(t), t)
        return g.numpy()

    _, hvp = torch.autograd.functional.hvp(f_torch, torch.tensor(theta), torch.tensor(v))
    np.testing.assert_allclose(calculus.hessian_vector_product(grad, theta, v), hvp.numpy(), rtol=1e-6, atol=1e-8)


def _largest_magnitude(H):
    eig = np.linalg.eigvalsh(H)
    return eig[np.argmax(np.abs(eig))]


@pytest.mark.parametrize("surface", [surfaces.quadratic(10.0), surfaces.quadratic(50.0, angle=0.7),
                                     surfaces.SURFACES["rosenbrock"], surfaces.SURFACES["himmelblau"],
                                     surfaces.SURFACES["beale"]], ids=lambda s: s.title)
def test_largest_eigenvalue_at_the_minima(surface):
    for point in surface.minima:
        expected = np.linalg.eigvalsh(surface.hessian(point))[-1]   # >= 0 eigenvalues: the largest is L
        got = calculus.largest_eigenvalue(surface.grad, point)
        assert math.isclose(got, expected, rel_tol=1e-6), (surface.name, point, got, expected)


def test_largest_eigenvalue_returns_the_largest_magnitude_with_its_sign():
    # Himmelblau's maximum: both eigenvalues negative; the saddles: mixed signs
    h = surfaces.SURFACES["himmelblau"]
    checked_negative = 0
    for point in h.maxima + h.saddles:
        H = h.hessian(point)
        eig = np.linalg.eigvalsh(H)
        if abs(abs(eig[0]) - abs(eig[-1])) < 0.1 * abs(eig).max():
            continue  # a near tie: power iteration would converge too slowly for 100 iterations
        expected = _largest_magnitude(H)
        got = calculus.largest_eigenvalue(h.grad, point, iterations=200)
        assert math.isclose(got, expected, rel_tol=1e-6), (point, got, eig)
        checked_negative += expected < 0
    assert checked_negative >= 2  # the behaviour we pin: a negative eigenvalue, not lambda_max
    # a hand-made saddle: eigenvalues 1 and -5 in a rotated basis
    c, s = math.cos(0.4), math.sin(0.4)
    R = np.array([[c, -s], [s, c]])
    B = R @ np.diag([1.0, -5.0]) @ R.T
    assert math.isclose(calculus.largest_eigenvalue(lambda p: B @ p, [0.3, -0.2]), -5.0, rel_tol=1e-9)
    assert np.linalg.eigvalsh(B)[-1] == pytest.approx(1.0)  # ... while lambda_max is 1


def test_largest_eigenvalue_in_many_dimensions_and_convergence_with_iterations():
    rng = np.random.default_rng(RNG_SEED)
    Q = np.linalg.qr(rng.standard_normal((20, 20)))[0]
    lam = np.linspace(0.1, 8.0, 20)
    A = Q @ np.diag(lam) @ Q.T
    grad = lambda p: A @ p  # noqa: E731
    errors = [abs(calculus.largest_eigenvalue(grad, np.zeros(20), iterations=k) - 8.0) for k in (5, 50, 400)]
    assert errors[0] > errors[1] > errors[2] and errors[2] < 1e-8
    assert calculus.largest_eigenvalue(grad, np.zeros(20), iterations=400, seed=1) == pytest.approx(8.0, rel=1e-9)


def test_largest_eigenvalue_of_a_vanishing_hessian_is_zero():
    monkey = surfaces.SURFACES["monkey_saddle"]
    assert calculus.largest_eigenvalue(monkey.grad, [0.0, 0.0]) == 0.0


def test_largest_eigenvalue_does_not_modify_theta_and_is_reproducible():
    theta = np.array([1.0, 1.0])
    rosen = surfaces.SURFACES["rosenbrock"]
    a = calculus.largest_eigenvalue(rosen.grad, theta, iterations=3, seed=5)
    b = calculus.largest_eigenvalue(rosen.grad, theta, iterations=3, seed=5)
    assert a == b and theta.tolist() == [1.0, 1.0]


@pytest.mark.parametrize(
    "kwargs, exc, pattern",
    [
        ({"grad_fn": "not callable"}, TypeError, "grad_fn must be a callable"),
        ({"theta": ["a", "b"]}, TypeError, "theta"),
        ({"theta": [np.nan, 0.0]}, ValueError, "theta"),
        ({"theta": []}, ValueError, "at least one entry"),
        ({"iterations": 0}, ValueError, "iterations must be an integer >= 1, got 0"),
        ({"iterations": 2.0}, TypeError, "iterations must be an integer, got 2.0"),
        ({"h": -1e-4}, ValueError, "h must be a finite number > 0, got -0.0001"),
        ({"h": "1e-4"}, TypeError, "h must be a real number"),
        ({"seed": -1}, ValueError, "seed must be an integer >= 0, got -1"),
        ({"seed": None}, TypeError, "seed"),
        ({"grad_fn": lambda p: np.zeros(3)}, ValueError, r"shape of theta \(2,\), got shape \(3,\)"),
        ({"grad_fn": lambda p: np.array([np.inf, 0.0])}, ValueError, "non-finite value inf.*iteration 0"),
    ],
)
def test_largest_eigenvalue_validation(kwargs, exc, pattern):
    args = {"grad_fn": lambda p: 2 * p, "theta": [1.0, 2.0]} | kwargs
    with pytest.raises(exc, match=pattern):
        calculus.largest_eigenvalue(**args)


@pytest.mark.parametrize(
    "args, exc, pattern",
    [
        ((lambda p: p, [1.0, 2.0], [1.0]), ValueError, r"v must have the shape of theta \(2,\), got shape \(1,\)"),
        ((lambda p: p, [1.0, 2.0], [1.0, np.nan]), ValueError, "v must contain only finite numbers"),
        ((lambda p: p, [1.0, 2.0], [1.0, 1.0], 0.0), ValueError, "h must be a finite number > 0, got 0.0"),
        ((lambda p: ["x", "y"], [1.0, 2.0], [1.0, 1.0]), TypeError, "grad_fn must return an array of real numbers"),
        ((None, [1.0, 2.0], [1.0, 1.0]), TypeError, "grad_fn must be a callable, got None"),
    ],
)
def test_hessian_vector_product_validation(args, exc, pattern):
    with pytest.raises(exc, match=pattern):
        calculus.hessian_vector_product(*args)
