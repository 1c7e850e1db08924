"""Tests of gdlab.surfaces against independent sources.

The surfaces build f, grad and hessian from their sympy expression; here they
are compared with formulas typed out by hand (NumPy and torch), with
torch.autograd, with central finite differences, and with high-precision
sympy root finding for the listed stationary points.
"""

import math
import re

import numpy as np
import pytest
import sympy as sp
import torch

from gdlab import surfaces
from gdlab.surfaces import SURFACES, Surface

NAMES = ["quadratic", "rosenbrock", "beale", "saddle", "monkey_saddle", "himmelblau"]


# Formulas typed from the references, written for torch so that autograd can
# differentiate them (torch ops also accept float64 tensors of any shape).
def _beale(x, y):
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


HAND = {
    "quadratic": lambda x, y: 0.5 * x**2 + 5.0 * y**2,
    "rosenbrock": lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
    "beale": _beale,
    "saddle": lambda x, y: x**2 - y**2,
    "monkey_saddle": lambda x, y: x**3 - 3 * x * y**2,
    "himmelblau": lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
}


def _random_points(surface, n, seed):
    rng = np.random.default_rng(seed)
    (x0, x1), (y0, y1) = surface.window
    return np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])


def _fd_grad(f, p, h=1e-6):
    """Central differences of a scalar function of a 2-vector."""
    g = np.zeros(2)
    for i in range(2):
        e = np.zeros(2)
        e[i] = h
        g[i] = (f(p + e) - f(p - e)) / (2 * h)
    return g


def test_registry_contents():
    assert set(NAMES) <= set(SURFACES)
    for name in NAMES:
        s = SURFACES[name]
        assert isinstance(s, Surface)
        assert s.name == name and s.ndim == 2 and len(s.symbols) == 2
        (x0, x1), (y0, y1) = s.window
        assert x0 < s.start[0] < x1 and y0 < s.start[1] < y1, name
        for m in s.minima:
            assert x0 <= m[0] <= x1 and y0 <= m[1] <= y1, name
        assert isinstance(s.expr, sp.Expr)


@pytest.mark.parametrize("name", NAMES)
def test_expression_matches_hand_formula(name):
    s = SURFACES[name]
    x, y = s.symbols
    assert sp.simplify(s.expr - HAND[name](x, y)) == 0


@pytest.mark.parametrize("name", NAMES)
def test_value_matches_hand_formula(name):
    s = SURFACES[name]
    for p in _random_points(s, 20, seed=1):
        expected = HAND[name](p[0], p[1])
        np.testing.assert_allclose(s.f(p), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_gradient_and_hessian_against_torch_autograd(name):
    s = SURFACES[name]

    def f_torch(v):
        return HAND[name](v[0], v[1])

    for p in _random_points(s, 20, seed=2):
        t = torch.tensor(p, dtype=torch.float64, requires_grad=True)
        (g,) = torch.autograd.grad(f_torch(t), t)
        H = torch.autograd.functional.hessian(f_torch, torch.tensor(p, dtype=torch.float64))
        scale = max(1.0, float(np.abs(g.numpy()).max()))
        np.testing.assert_allclose(s.grad(p), g.numpy(), rtol=1e-12, atol=1e-12 * scale)
        np.testing.assert_allclose(s.hessian(p), H.numpy(), rtol=1e-12, atol=1e-10)


@pytest.mark.parametrize("name", NAMES)
def test_gradient_and_hessian_against_sympy_at_random_points(name):
    """sympy differentiates the hand-typed formula (not the surface's own expression) and
    evaluates the derivatives exactly at rational points, then rounds: gdlab must agree."""
    s = SURFACES[name]
    x, y = sp.symbols("x y", real=True)
    expr = sp.nsimplify(HAND[name](x, y), rational=True)
    grad = [sp.diff(expr, v) for v in (x, y)]
    hess = [[sp.diff(g, v) for v in (x, y)] for g in grad]
    for p in _random_points(s, 5, seed=4):
        at = {x: sp.Rational(p[0]), y: sp.Rational(p[1])}       # the float values, exactly
        g = np.array([float(d.subs(at)) for d in grad])
        H = np.array([[float(d.subs(at)) for d in row] for row in hess])
        scale = max(1.0, np.abs(g).max())
        np.testing.assert_allclose(s.grad(p), g, rtol=1e-12, atol=1e-12 * scale)
        np.testing.assert_allclose(s.hessian(p), H, rtol=1e-12, atol=1e-10)
        assert float(expr.subs(at)) == pytest.approx(float(s.f(p)), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_gradient_and_hessian_against_finite_differences(name):
    s = SURFACES[name]
    for p in _random_points(s, 10, seed=3):
        g = s.grad(p)
        fd = _fd_grad(lambda q: HAND[name](q[0], q[1]), p)
        np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-5 * max(1.0, np.abs(g).max()))
        H = s.hessian(p)
        # columns of the Hessian are finite differences of the gradient
        h = 1e-6
        fdH = np.column_stack([(s.grad(p + h * e) - s.grad(p - h * e)) / (2 * h) for e in np.eye(2)])
        np.testing.assert_allclose(H, fdH, rtol=1e-6, atol=1e-5 * max(1.0, np.abs(H).max()))
        np.testing.assert_array_equal(H, H.T)


@pytest.mark.parametrize("name", NAMES)
def test_grids_give_the_same_values_as_points(name):
    s = SURFACES[name]
    X, Y, F = s.grid(7)
    assert F.shape == (7, 7)
    theta = np.stack([X, Y])
    G = s.grad(theta)
    H = s.hessian(theta)
    assert G.shape == (2, 7, 7) and H.shape == (2, 2, 7, 7)
    for i, j in [(0, 0), (3, 4), (6, 2)]:
        p = np.array([X[i, j], Y[i, j]])
        assert F[i, j] == s.f(p)
        np.testing.assert_array_equal(G[:, i, j], s.grad(p))
        np.testing.assert_array_equal(H[:, :, i, j], s.hessian(p))
    # any number of grid dimensions, including constant Hessians (quadratic)
    cube = np.zeros((2, 3, 4, 5))
    assert s.f(cube).shape == (3, 4, 5)
    assert s.hessian(cube).shape == (2, 2, 3, 4, 5)


def test_point_results_are_scalars_and_fresh_arrays():
    s = SURFACES["quadratic"]
    value = s.f([1.0, 1.0])
    assert np.ndim(value) == 0 and float(value) == 5.5
    assert s([1.0, 1.0]) == value  # __call__ is f
    g = s.grad([1.0, 1.0])
    g[0] = 99.0
    assert s.grad([1.0, 1.0]).tolist() == [1.0, 10.0]
    assert s.hessian([0.0, 0.0]).shape == (2, 2)


@pytest.mark.parametrize("bad", [[1.0, 2.0, 3.0], 1.0, np.zeros((3, 4)), []])
def test_wrong_shape_raises_value_error_naming_the_shape(bad):
    s = SURFACES["rosenbrock"]
    shape = np.asarray(bad).shape
    for fn in (s.f, s.grad, s.hessian):
        with pytest.raises(ValueError, match=re.escape(str(shape))):
            fn(bad)


def test_non_numeric_theta_raises_type_error():
    with pytest.raises(TypeError, match="theta"):
        SURFACES["saddle"].f(["a", "b"])


def _sympy_root(s, p, dps=40):
    """High-precision stationary point near p by sympy's Newton solver."""
    x, y = s.symbols
    root = sp.nsolve(list(s.grad_expr), (x, y), tuple(float(v) for v in p), prec=dps)
    return np.array([float(root[0]), float(root[1])])


@pytest.mark.parametrize("name", NAMES)
def test_listed_minima_saddles_and_maxima(name):
    s = SURFACES[name]
    for kind, points in (("minimum", s.minima), ("saddle", s.saddles), ("maximum", s.maxima)):
        for p in points:
            assert np.abs(s.grad(p)).max() < 1e-9, (name, kind, p)
            if np.abs(s.hessian(p)).max() > 0:  # the monkey saddle is degenerate
                np.testing.assert_allclose(p, _sympy_root(s, p), atol=1e-12)
            eig = np.linalg.eigvalsh(s.hessian(p))
            if kind == "minimum":
                assert eig.min() > 0, (name, p, eig)
            elif kind == "maximum":
                assert eig.max() < 0, (name, p, eig)
            elif name == "monkey_saddle":
                assert np.all(eig == 0)
                # f takes both signs arbitrarily close to the origin
                assert s.f([1e-3, 0.0]) > 0 > s.f([-1e-3, 0.0])
            else:
                assert eig.min() < 0 < eig.max(), (name, p, eig)
    # the listed minima are global: nothing on a fine grid is lower
    if s.minima:
        _, _, F = s.grid(301)
        assert s.f_min <= F.min() + 1e-12


def test_expected_numbers_of_stationary_points():
    assert len(SURFACES["rosenbrock"].minima) == 1 and not SURFACES["rosenbrock"].saddles
    h = SURFACES["himmelblau"]
    assert (len(h.minima), len(h.saddles), len(h.maxima)) == (4, 4, 1)
    assert SURFACES["beale"].minima[0].tolist() == [3.0, 0.5]
    assert not SURFACES["saddle"].minima and not SURFACES["monkey_saddle"].minima


@pytest.mark.parametrize("name", ["himmelblau", "rosenbrock"])
def test_every_stationary_point_in_the_window_is_listed(name):
    """Newton's method from a grid of starts only finds listed points."""
    s = SURFACES[name]
    listed = np.array(list(s.minima) + list(s.saddles) + list(s.maxima))
    (x0, x1), (y0, y1) = s.window
    found = 0
    for a in np.linspace(x0, x1, 9):
        for b in np.linspace(y0, y1, 9):
            p = np.array([a, b])
            for _ in range(60):
                try:
                    p = p - np.linalg.solve(s.hessian(p), s.grad(p))
                except np.linalg.LinAlgError:
                    break
                if not np.all(np.isfinite(p)) or np.abs(p).max() > 1e3:
                    break
            if np.all(np.isfinite(p)) and np.abs(s.grad(p)).max() < 1e-8 and x0 <= p[0] <= x1 and y0 <= p[1] <= y1:
                found += 1
                assert np.min(np.abs(listed - p).max(axis=1)) < 1e-8, (name, p)
    assert found > 20


def test_quadratic_condition_number_and_rotation():
    for kappa in (1.0, 10.0, 123.5):
        for angle in (0.0, 0.3, -1.2):
            q = surfaces.quadratic(kappa, angle)
            H = q.hessian([0.7, -0.2])
            eig, vec = np.linalg.eigh(H)
            np.testing.assert_allclose(eig, [1.0, kappa], rtol=1e-12)
            if kappa > 1:
                # the steep direction is the y axis rotated by the angle
                steep = np.array([-math.sin(angle), math.cos(angle)])
                assert abs(abs(vec[:, 1] @ steep) - 1) < 1e-12
            # f = 1/2 theta^T H theta
            p = np.array([0.3, -1.1])
            np.testing.assert_allclose(q.f(p), 0.5 * p @ H @ p, rtol=1e-12)
            assert np.linalg.norm(q.start) == pytest.approx(math.hypot(1.8, 0.8))
    assert surfaces.quadratic(10).expr == sp.Rational(1, 2) * sp.Symbol("x", real=True) ** 2 + 5 * sp.Symbol("y", real=True) ** 2


@pytest.mark.parametrize(
    "kwargs, exc, text",
    [
        ({"kappa": 0.5}, ValueError, "0.5"),
        ({"kappa": float("nan")}, ValueError, "nan"),
        ({"kappa": "10"}, TypeError, "'10'"),
        ({"kappa": True}, TypeError, "True"),
        ({"angle": float("inf")}, ValueError, "inf"),
    ],
)
def test_quadratic_validation(kwargs, exc, text):
    with pytest.raises(exc, match=re.escape(text)):
        surfaces.quadratic(**kwargs)


def test_quadratic_nd():
    q = surfaces.quadratic_nd([1.0, 4.0, 9.0])
    assert q.ndim == 3 and q.window is None
    p = np.array([1.0, -2.0, 0.5])
    np.testing.assert_allclose(q.f(p), 0.5 * (1 + 16 + 2.25))
    np.testing.assert_allclose(q.hessian(p), np.diag([1.0, 4.0, 9.0]))
    assert q.grad(np.zeros((3, 4, 5))).shape == (3, 4, 5)
    with pytest.raises(ValueError, match=r"\(2,\)"):
        q.f([1.0, 2.0])
    with pytest.raises(ValueError, match="-1"):
        surfaces.quadratic_nd([1.0, -1.0])
    with pytest.raises(ValueError, match="empty"):
        surfaces.quadratic_nd([])
    assert surfaces.quadratic_nd([1.0, 10.0]).window is not None


def test_rosenbrock_parameters():
    r = surfaces.rosenbrock(a=2.0, b=10.0)
    assert r.minima[0].tolist() == [2.0, 4.0]
    assert r.grad([2.0, 4.0]).tolist() == [0.0, 0.0]
    with pytest.raises(ValueError, match="-1"):
        surfaces.rosenbrock(b=-1.0)
    # Rosenbrock's start (-1.2, 1): f = 0.2**2 ... = 4.84 + 100 * 0.44**2 = 24.2
    assert SURFACES["rosenbrock"].f([-1.2, 1.0]) == pytest.approx(24.2)


def test_surface_constructor_validation():
    x, y, z = sp.symbols("x y z")
    with pytest.raises(TypeError, match="z"):
        Surface("bad", x + z, (x, y))
    with pytest.raises(TypeError, match="sympy"):
        Surface("bad", "x + y", (x, y))
    with pytest.raises(ValueError, match="window"):
        Surface("bad", x + y, (x, y), window=((1, 0), (0, 1)))
    with pytest.raises(ValueError, match=r"\(3,\)"):
        Surface("bad", x + y, (x, y), minima=[(0, 0, 0)])
    s = Surface("plane", x + 2 * y, (x, y))
    assert s.grad([5.0, 5.0]).tolist() == [1.0, 2.0]
    assert s.hessian(np.zeros((2, 3))).shape == (2, 2, 3)
    assert s.f_min is None
    with pytest.raises(ValueError, match="window"):
        s.grid()


def test_saddle_docstring_claim_gd_escapes_like_1_plus_2_eta_power_t():
    s = SURFACES["saddle"]
    eta, theta = 0.01, s.start.copy()
    for t in range(1, 301):
        theta = theta - eta * s.grad(theta)
        # x shrinks by (1 - 2 eta), y grows by (1 + 2 eta) every step
        np.testing.assert_allclose(theta, [(1 - 2 * eta) ** t, 1e-3 * (1 + 2 * eta) ** t], rtol=1e-12)
    assert abs(theta[1]) < 0.5  # after 300 steps still close to the ridge


def test_himmelblau_docstring_claim_gd_and_momentum_reach_different_minima():
    s = SURFACES["himmelblau"]
    eta, gamma = 0.01, 0.9
    gd, mom, v = s.start.copy(), s.start.copy(), np.zeros(2)
    for _ in range(300):
        gd = gd - eta * s.grad(gd)
        v = gamma * v + eta * s.grad(mom)
        mom = mom - v
    np.testing.assert_allclose(gd, s.minima[0], atol=1e-8)  # (3, 2)
    np.testing.assert_allclose(mom, s.minima[3], atol=1e-4)  # (3.58, -1.85)


def test_beale_flat_line_and_monkey_saddle_valleys():
    b = SURFACES["beale"]
    ys = np.linspace(-4, 4, 9)
    np.testing.assert_allclose(b.f(np.stack([np.zeros(9), ys])), 14.203125)
    m = SURFACES["monkey_saddle"]
    for deg, sign in [(0, 1), (60, -1), (120, 1), (180, -1), (240, 1), (300, -1)]:
        phi = math.radians(deg)
        assert np.sign(m.f([math.cos(phi), math.sin(phi)])) == sign



def test_grid_resolution_type_and_value():
    s = SURFACES["saddle"]
    with pytest.raises(TypeError, match=r"resolution must be an integer, got 2\.0 of type float"):
        s.grid(2.0)
    with pytest.raises(TypeError, match="resolution must be an integer, got True"):
        s.grid(True)
    with pytest.raises(ValueError, match="resolution must be an integer >= 2, got 1"):
        s.grid(1)
    X, Y, F = s.grid(np.int64(3))                        # NumPy integers are integers
    assert F.shape == (3, 3)
    with pytest.raises(ValueError, match=r"kappa must be a finite number, got 1000000\d*\.\.\. .*too large"):
        surfaces.quadratic(kappa=10**400)


# ---------------------------------------------------------------------------
# classify_critical_point
# ---------------------------------------------------------------------------
def _kind_by_sampling(s, p, radius=1e-3, n=360):
    """Independent reference: compare f on a small circle around p with f(p)."""
    phi = np.linspace(0, 2 * np.pi, n, endpoint=False)
    ring = np.asarray(p)[:, None] + radius * np.stack([np.cos(phi), np.sin(phi)])
    diff = s.f(ring) - s.f(p)
    if (diff > 0).all():
        return "minimum"
    if (diff < 0).all():
        return "maximum"
    return "saddle"


@pytest.mark.parametrize("name", NAMES)
def test_classify_every_stored_critical_point(name):
    s = SURFACES[name]
    for kind, points in (("minimum", s.minima), ("saddle", s.saddles), ("maximum", s.maxima)):
        for p in points:
            got = surfaces.classify_critical_point(np.linalg.eigvalsh(s.hessian(p)))
            if name == "monkey_saddle":
                assert got == "degenerate"                 # the Hessian vanishes: the test is inconclusive
                assert _kind_by_sampling(s, p) == "saddle"  # ... though it is a saddle
            else:
                assert got == kind == _kind_by_sampling(s, p), (name, p, got)


def test_classify_counts_all_kinds_of_the_registry():
    kinds = [surfaces.classify_critical_point(np.linalg.eigvalsh(s.hessian(p)))
             for s in SURFACES.values() for p in s.minima + s.saddles + s.maxima]
    assert {k: kinds.count(k) for k in set(kinds)} == {"minimum": 7, "saddle": 7, "maximum": 1, "degenerate": 1}


@pytest.mark.parametrize(
    "eigenvalues, tol, expected",
    [
        ([1.0, 2.0], 1e-12, "minimum"),
        ([-1.0, -2.0, -3.0], 1e-12, "maximum"),
        ([3.0, -1e-3], 1e-12, "saddle"),
        ([3.0, 0.0, -1.0], 1e-12, "saddle"),        # both signs: a saddle whatever the zero
        ([3.0, 0.0], 1e-12, "degenerate"),          # x^2 + y^4 and x^2 - y^4 both have this Hessian
        ([0.0, 0.0], 1e-12, "degenerate"),
        ([1e-13, 5.0], 1e-12, "degenerate"),        # below the tolerance counts as zero
        ([1e-13, 5.0], 0.0, "minimum"),
        ([1e-3, -1e-3], 1e-2, "degenerate"),
        ([7], 0, "minimum"),                        # integers, one dimension
        (np.array([-2.0], dtype=np.float32), 1e-12, "maximum"),
    ],
)
def test_classify_critical_point_cases(eigenvalues, tol, expected):
    assert surfaces.classify_critical_point(eigenvalues, tol=tol) == expected


def test_classify_agrees_with_the_second_derivative_test_of_x4_plus_y4_and_sympy():
    # x^2 + y^4 (a minimum) and x^2 - y^4 (a saddle) share the Hessian diag(2, 0) at the origin
    x, y = sp.symbols("x y")
    for expr in (x**2 + y**4, x**2 - y**4):
        H = sp.hessian(expr, (x, y)).subs({x: 0, y: 0})
        ev = [float(e) for e, m in H.eigenvals().items() for _ in range(m)]
        assert surfaces.classify_critical_point(ev) == "degenerate"


@pytest.mark.parametrize(
    "eigenvalues, tol, exc, pattern",
    [
        ([], 1e-12, ValueError, r"non-empty 1-D array, got shape \(0,\)"),
        ([[1.0, 0.0], [0.0, 1.0]], 1e-12, ValueError, r"non-empty 1-D array, got shape \(2, 2\)"),
        ([1.0, np.nan], 1e-12, ValueError, "eigenvalues must be finite, got nan at index 1"),
        ([1.0, 1j], 1e-12, TypeError, "eigenvalues must be an array of real numbers"),
        (["a"], 1e-12, TypeError, "eigenvalues must be an array of real numbers"),
        ([1.0], -1.0, ValueError, "tol must be a finite number >= 0, got -1.0"),
        ([1.0], "0", TypeError, "tol must be a real number"),
    ],
)
def test_classify_critical_point_validation(eigenvalues, tol, exc, pattern):
    with pytest.raises(exc, match=pattern):
        surfaces.classify_critical_point(eigenvalues, tol=tol)
