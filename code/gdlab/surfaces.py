r"""Two-dimensional test surfaces for optimizers.

Every surface of the course is a :class:`Surface`: a sympy expression
:math:`f(x, y)` together with NumPy functions for its value, gradient and
Hessian, its known minima (and saddle points), a plotting window and a
suggested start point for optimizer demos.

The NumPy functions are *generated* from the sympy expression with
:func:`sympy.lambdify` (the gradient and Hessian by symbolic differentiation),
so they cannot drift from the formula that a chapter prints. The tests check
them against an independent source: finite differences, ``torch.autograd``
and the formulas written out by hand.

Every function accepts a point of shape ``(2,)`` or a stack of grids of shape
``(2, ...)``, so a contour plot can call ``f(np.stack([X, Y]))``.

:func:`classify_critical_point` names a critical point (minimum, maximum,
saddle or degenerate) from the eigenvalues of its Hessian.

The registry :data:`SURFACES` maps a name to a surface:

* ``quadratic``: :math:`\tfrac12 (x^2 + 10 y^2)`, condition number 10, minimum
  :math:`(0, 0)` (any :math:`\kappa` and rotation with :func:`quadratic`);
* ``rosenbrock``: :math:`(1 - x)^2 + 100 (y - x^2)^2`, minimum :math:`(1, 1)`;
* ``beale``: :math:`\sum_{i=1}^3 (c_i - x + x y^i)^2` with
  :math:`c = (1.5, 2.25, 2.625)`, minimum :math:`(3, 0.5)`;
* ``saddle``: :math:`x^2 - y^2`, no minimum, saddle point at the origin;
* ``monkey_saddle``: :math:`x^3 - 3 x y^2`, no minimum, degenerate saddle at the origin;
* ``himmelblau``: :math:`(x^2 + y - 11)^2 + (x + y^2 - 7)^2`, four minima
  (one at :math:`(3, 2)`), four saddle points, one local maximum.

References
----------
.. [1] H. H. Rosenbrock, "An automatic method for finding the greatest or
   least value of a function", *The Computer Journal* 3(3):175-184, 1960.
   DOI: 10.1093/comjnl/3.3.175.
.. [2] E. M. L. Beale, "On an iterative method for finding a local minimum of
   a function of more than one variable", Technical Report No. 25,
   Statistical Techniques Research Group, Princeton University, 1958.
.. [3] D. M. Himmelblau, *Applied Nonlinear Programming*, McGraw-Hill, 1972.
.. [4] Y. Dauphin, R. Pascanu, C. Gulcehre, K. Cho, S. Ganguli and Y. Bengio,
   "Identifying and attacking the saddle point problem in high-dimensional
   non-convex optimization", NeurIPS 2014. arXiv:1406.2572.
.. [5] S. Ruder, "An overview of gradient descent optimization algorithms",
   arXiv:1609.04747, 2016.
.. [6] J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed.,
   Springer, 2006, section 3.3. DOI: 10.1007/978-0-387-40065-5.
"""

from __future__ import annotations

import math
from typing import Callable, Sequence

import numpy as np
import sympy as sp

from gdlab import _validate

__all__ = [
    "SURFACES",
    "Surface",
    "beale",
    "classify_critical_point",
    "himmelblau",
    "monkey_saddle",
    "quadratic",
    "quadratic_nd",
    "rosenbrock",
    "saddle",
]

_X, _Y = sp.symbols("x y", real=True)


# --------------------------------------------------------------------------
# Private helpers
# --------------------------------------------------------------------------
def _real(name: str, value) -> float:
    """Return ``value`` as a finite float, or raise TypeError / ValueError naming it."""
    return _validate.real(name, value)


def _point(name: str, value, ndim: int) -> np.ndarray:
    """A read-only float64 copy of a point of shape ``(ndim,)``."""
    arr = np.array(value, dtype=np.float64)
    if arr.shape != (ndim,):
        raise ValueError(f"{name} must have shape ({ndim},), got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {arr!r}")
    arr.flags.writeable = False
    return arr


def _exact(value: float):
    """A sympy number for ``value``: an exact rational when that is the same float (10.0 -> 10)."""
    q = sp.nsimplify(value, rational=True)
    return q if float(q) == value else sp.Float(value)


def _lambdify(symbols, expr) -> Callable:
    """NumPy function of ``*symbols`` computing ``expr`` (may return a scalar if constant)."""
    return sp.lambdify(symbols, expr, modules="numpy")


# --------------------------------------------------------------------------
# The Surface class
# --------------------------------------------------------------------------
class Surface:
    r"""A smooth function :math:`f: \mathbb{R}^n \to \mathbb{R}` built from a sympy expression.

    The value, gradient and Hessian are generated from ``expr``:

    .. math::

        \nabla f = \left(\frac{\partial f}{\partial \theta_i}\right)_i, \qquad
        \nabla^2 f = \left(\frac{\partial^2 f}{\partial \theta_i \partial \theta_j}\right)_{ij}

    by symbolic differentiation and :func:`sympy.lambdify`.

    Parameters
    ----------
    name : str
        Short identifier, e.g. ``"rosenbrock"`` (the key in :data:`SURFACES`).
    expr : sympy.Expr
        The formula, a function of ``symbols`` only.
    symbols : sequence of sympy.Symbol
        The variables, in the order of the coordinates of ``theta``.
    minima : sequence of array_like
        Known local minima (each of shape ``(n,)``); may be empty.
    saddles, maxima : sequence of array_like, optional
        Known saddle points and local maxima in the window.
    window : ((float, float), (float, float)) or None
        Plotting window ``((xmin, xmax), (ymin, ymax))`` (2-D surfaces only).
    start : array_like or None
        A suggested start point for optimizer demos.
    log_levels : bool, default True
        Whether contour plots should use log-spaced levels (for surfaces
        bounded below whose values span several orders of magnitude).
    title : str, optional
        Human-readable name for plot titles (defaults to ``name``).
    reference : str, optional
        Where the surface comes from.

    Attributes
    ----------
    grad_expr : sympy.Matrix
        Column vector of first derivatives.
    hessian_expr : sympy.Matrix
        Matrix of second derivatives.
    ndim : int
        Number of variables (2 for every surface in :data:`SURFACES`).

    Raises
    ------
    TypeError
        If ``expr`` is not a sympy expression or uses other symbols.
    ValueError
        If a point has the wrong shape, the window is malformed, or the
        window is given for a surface that is not 2-D.

    References
    ----------
    .. [1] A. Meurer et al., "SymPy: symbolic computing in Python", *PeerJ
       Computer Science* 3:e103, 2017. DOI: 10.7717/peerj-cs.103.

    Examples
    --------
    >>> import numpy as np, sympy as sp
    >>> x, y = sp.symbols("x y")
    >>> bowl = Surface("bowl", x**2 + 3 * y**2, (x, y), minima=[(0, 0)],
    ...                window=((-1, 1), (-1, 1)), start=(1, 1))
    >>> bowl.grad_expr.T
    Matrix([[2*x, 6*y]])
    >>> bowl.grad([1.0, 1.0]).tolist()
    [2.0, 6.0]
    >>> bowl.hessian([0.5, 0.5]).tolist()
    [[2.0, 0.0], [0.0, 6.0]]
    >>> X, Y = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 3))
    >>> bowl.f(np.stack([X, Y])).shape  # grids work too
    (3, 5)
    """

    def __init__(
        self,
        name: str,
        expr,
        symbols: Sequence,
        *,
        minima: Sequence = (),
        saddles: Sequence = (),
        maxima: Sequence = (),
        window=None,
        start=None,
        log_levels: bool = True,
        title: str | None = None,
        reference: str = "",
    ):
        if not isinstance(name, str) or not name:
            raise TypeError(f"name must be a non-empty string, got {name!r}")
        if not isinstance(expr, sp.Basic):
            raise TypeError(f"expr must be a sympy expression, got {expr!r} of type {type(expr).__name__}")
        symbols = tuple(symbols)
        if not symbols or not all(isinstance(s, sp.Symbol) for s in symbols):
            raise TypeError(f"symbols must be a non-empty sequence of sympy Symbols, got {symbols!r}")
        extra = expr.free_symbols - set(symbols)
        if extra:
            raise TypeError(f"expr uses symbols {sorted(map(str, extra))} that are not in symbols {symbols}")
        n = len(symbols)
        self.name = name
        self.title = title if title is not None else name
        self.reference = reference
        self.expr = expr
        self.symbols = symbols
        self.ndim = n
        self.grad_expr = sp.Matrix([sp.diff(expr, s) for s in symbols])
        self.hessian_expr = sp.hessian(expr, symbols)
        self.minima = tuple(_point("minimum", p, n) for p in minima)
        self.saddles = tuple(_point("saddle", p, n) for p in saddles)
        self.maxima = tuple(_point("maximum", p, n) for p in maxima)
        self.start = None if start is None else _point("start", start, n)
        self.log_levels = bool(log_levels)
        if window is not None:
            if n != 2:
                raise ValueError(f"window is only meaningful for 2-D surfaces, this one has {n} variables")
            try:
                (x0, x1), (y0, y1) = window
            except (TypeError, ValueError):
                raise ValueError(f"window must be ((xmin, xmax), (ymin, ymax)), got {window!r}") from None
            x0, x1, y0, y1 = (_real("window bound", v) for v in (x0, x1, y0, y1))
            if not (x0 < x1 and y0 < y1):
                raise ValueError(f"window must satisfy xmin < xmax and ymin < ymax, got {window!r}")
            window = ((x0, x1), (y0, y1))
        self.window = window
        self._f = _lambdify(symbols, expr)
        self._grad = [_lambdify(symbols, g) for g in self.grad_expr]
        self._hess = [[_lambdify(symbols, self.hessian_expr[i, j]) for j in range(n)] for i in range(n)]

    # ---------------------------------------------------------------- helpers
    def _theta(self, theta) -> np.ndarray:
        """Check and convert ``theta`` to a float64 array of shape ``(n, ...)``."""
        try:
            arr = np.asarray(theta, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"theta must be an array of real numbers, got {theta!r}") from None
        if arr.ndim == 0 or arr.shape[0] != self.ndim:
            raise ValueError(
                f"theta must have shape ({self.ndim},) or ({self.ndim}, ...) for the "
                f"{self.name} surface, got shape {arr.shape}"
            )
        return arr

    @staticmethod
    def _out(value, shape) -> np.ndarray:
        # "+ 0.0" turns -0.0 into 0.0 so that printed results are tidy
        return np.array(np.broadcast_to(np.asarray(value, dtype=np.float64), shape)) + 0.0

    # ---------------------------------------------------------------- public
    def f(self, theta):
        r"""Value :math:`f(\theta)`.

        Parameters
        ----------
        theta : array_like, shape ``(n,)`` or ``(n, ...)``
            A point, or a stack of grids (``np.stack([X, Y])``).

        Returns
        -------
        numpy.float64 or numpy.ndarray
            A scalar for a point, an array of shape ``theta.shape[1:]`` for grids.

        Raises
        ------
        ValueError
            If ``theta.shape[0]`` is not the number of variables.

        Examples
        --------
        >>> float(SURFACES["rosenbrock"].f([1.0, 1.0]))
        0.0
        """
        arr = self._theta(theta)
        out = self._out(self._f(*arr), arr.shape[1:])
        return out[()] if out.ndim == 0 else out

    def __call__(self, theta):
        """Same as :meth:`f`."""
        return self.f(theta)

    def grad(self, theta) -> np.ndarray:
        r"""Gradient :math:`\nabla f(\theta)`, shape ``theta.shape``.

        Parameters
        ----------
        theta : array_like, shape ``(n,)`` or ``(n, ...)``

        Returns
        -------
        numpy.ndarray
            ``(n,)`` for a point, ``(n, ...)`` for grids.

        Raises
        ------
        ValueError
            If ``theta.shape[0]`` is not the number of variables.

        Examples
        --------
        >>> SURFACES["rosenbrock"].grad([0.0, 0.0]).tolist()  # (-2(1-x) - 400x(y-x^2), 200(y-x^2))
        [-2.0, 0.0]
        """
        arr = self._theta(theta)
        return np.stack([self._out(g(*arr), arr.shape[1:]) for g in self._grad])

    def hessian(self, theta) -> np.ndarray:
        r"""Hessian :math:`\nabla^2 f(\theta)`, shape ``(n, n)`` or ``(n, n, ...)``.

        Parameters
        ----------
        theta : array_like, shape ``(n,)`` or ``(n, ...)``

        Returns
        -------
        numpy.ndarray
            ``(n, n)`` for a point, ``(n, n, ...)`` for grids.

        Raises
        ------
        ValueError
            If ``theta.shape[0]`` is not the number of variables.

        Examples
        --------
        >>> SURFACES["saddle"].hessian([0.0, 0.0]).tolist()
        [[2.0, 0.0], [0.0, -2.0]]
        """
        arr = self._theta(theta)
        shape = arr.shape[1:]
        return np.stack([np.stack([self._out(h(*arr), shape) for h in row]) for row in self._hess])

    @property
    def f_min(self) -> float | None:
        """Smallest value at the known minima (``None`` if there are none).

        Examples
        --------
        >>> SURFACES["himmelblau"].f_min < 1e-20
        True
        >>> SURFACES["saddle"].f_min is None
        True
        """
        if not self.minima:
            return None
        return min(float(self.f(m)) for m in self.minima)

    def grid(self, resolution: int = 200, window=None):
        """Evaluate ``f`` on a regular grid over the window.

        Parameters
        ----------
        resolution : int, default 200
            Number of grid points per axis (>= 2).
        window : ((xmin, xmax), (ymin, ymax)), optional
            Defaults to :attr:`window`.

        Returns
        -------
        X, Y, F : numpy.ndarray
            Arrays of shape ``(resolution, resolution)`` as from
            :func:`numpy.meshgrid` and ``F = f(np.stack([X, Y]))``.

        Raises
        ------
        ValueError
            If the surface is not 2-D or has no window, or ``resolution < 2``.
        TypeError
            If ``resolution`` is not an integer (NumPy integers are fine).

        Examples
        --------
        >>> X, Y, F = SURFACES["saddle"].grid(5)
        >>> F.shape, float(F[2, 2])
        ((5, 5), 0.0)
        """
        resolution = _validate.integer("resolution", resolution, low=2)
        window = self.window if window is None else window
        if self.ndim != 2 or window is None:
            raise ValueError(f"the {self.name} surface has no 2-D plotting window")
        (x0, x1), (y0, y1) = window
        X, Y = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
        return X, Y, self.f(np.stack([X, Y]))

    def __repr__(self) -> str:
        return f"Surface({self.name!r}, {self.expr})"


# --------------------------------------------------------------------------
# Factories
# --------------------------------------------------------------------------
def quadratic(kappa: float = 10.0, angle: float = 0.0) -> Surface:
    r"""Quadratic bowl with condition number :math:`\kappa`.

    .. math::

        f(\theta) = \tfrac12\, \theta^\top A \theta, \qquad
        A = R(\alpha) \begin{pmatrix} 1 & 0 \\ 0 & \kappa \end{pmatrix} R(\alpha)^\top,

    with :math:`R(\alpha)` the rotation by ``angle`` :math:`\alpha` (radians).
    The eigenvalues of the Hessian :math:`A` are 1 and :math:`\kappa`, so
    :math:`\kappa` is its condition number. Gradient descent with step
    :math:`\eta` converges iff :math:`\eta < 2/\kappa`, and at best (with
    :math:`\eta = 2/(1+\kappa)`) by a factor :math:`(\kappa-1)/(\kappa+1)`
    per step: a ravine for large :math:`\kappa`.

    Parameters
    ----------
    kappa : float, default 10.0
        Condition number, a finite number >= 1.
    angle : float, default 0.0
        Rotation of the principal axes in radians (0: the steep direction is
        the y axis). The start point is rotated with the bowl.

    Returns
    -------
    Surface
        Minimum at the origin, window ``((-2, 2), (-2, 2))``, start
        ``R(angle) @ (-1.8, 0.8)``.

    Raises
    ------
    TypeError
        If ``kappa`` or ``angle`` is not a real number.
    ValueError
        If ``kappa`` is not finite and >= 1, or ``angle`` is not finite.

    References
    ----------
    .. [1] J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed.,
       Springer, 2006, section 3.3 (rate of steepest descent on quadratics).
       DOI: 10.1007/978-0-387-40065-5.

    Examples
    --------
    >>> bowl = quadratic(kappa=10)
    >>> bowl.expr
    x**2/2 + 5*y**2
    >>> import numpy as np
    >>> eig = np.linalg.eigvalsh(quadratic(kappa=4, angle=0.3).hessian([0.0, 0.0]))
    >>> [round(float(v), 12) for v in eig]
    [1.0, 4.0]
    """
    kappa = _real("kappa", kappa)
    angle = _real("angle", angle)
    if kappa < 1:
        raise ValueError(f"kappa must be a finite number >= 1 (a condition number), got {kappa!r}")
    k = _exact(kappa)
    if angle == 0.0:
        expr = (_X**2 + k * _Y**2) / 2
        start = (-1.8, 0.8)
    else:
        c, s = math.cos(angle), math.sin(angle)
        # A = R diag(1, k) R^T with R = [[c, -s], [s, c]]
        a11 = sp.Float(c * c) + k * sp.Float(s * s)
        a22 = sp.Float(s * s) + k * sp.Float(c * c)
        a12 = (1 - k) * sp.Float(c * s)
        expr = (a11 * _X**2 + 2 * a12 * _X * _Y + a22 * _Y**2) / 2
        start = (c * -1.8 - s * 0.8, s * -1.8 + c * 0.8)
    title = f"quadratic bowl (κ = {kappa:g})"
    return Surface(
        "quadratic", expr, (_X, _Y), minima=[(0.0, 0.0)], window=((-2.0, 2.0), (-2.0, 2.0)),
        start=start, log_levels=True, title=title,
        reference="Nocedal & Wright 2006, Numerical Optimization, section 3.3",
    )


def quadratic_nd(eigenvalues: Sequence[float]) -> Surface:
    r"""Diagonal quadratic in :math:`n` dimensions with the given Hessian eigenvalues.

    .. math::

        f(\theta) = \tfrac12 \sum_{i=1}^n \lambda_i \theta_i^2

    Parameters
    ----------
    eigenvalues : sequence of float
        :math:`\lambda_1, \dots, \lambda_n`, finite and > 0 (at least one).

    Returns
    -------
    Surface
        Variables ``theta_1 ... theta_n``, minimum at 0, start at all ones;
        a plotting window only when :math:`n = 2`.

    Raises
    ------
    TypeError
        If an eigenvalue is not a real number.
    ValueError
        If there is no eigenvalue or one is not finite and > 0.

    References
    ----------
    .. [1] I. Goodfellow, Y. Bengio and A. Courville, *Deep Learning*, MIT
       Press, 2016, section 4.3.1 (the Hessian and its condition number).

    Examples
    --------
    >>> q = quadratic_nd([1.0, 10.0, 100.0])
    >>> q.grad([1.0, 1.0, 1.0]).tolist()
    [1.0, 10.0, 100.0]
    """
    values = [_real("eigenvalue", v) for v in np.atleast_1d(np.asarray(eigenvalues, dtype=object)).tolist()]
    if not values:
        raise ValueError("eigenvalues must contain at least one value, got an empty sequence")
    for v in values:
        if v <= 0:
            raise ValueError(f"eigenvalues must be > 0, got {v!r} in {values!r}")
    n = len(values)
    symbols = sp.symbols(f"theta_1:{n + 1}", real=True)
    lam = [_exact(v) for v in values]
    expr = sp.Add(*[l * s**2 for l, s in zip(lam, symbols)]) / 2
    window = ((-2.0, 2.0), (-2.0, 2.0)) if n == 2 else None
    return Surface(
        "quadratic_nd", expr, symbols, minima=[np.zeros(n)], window=window, start=np.ones(n),
        log_levels=True, title=f"quadratic, eigenvalues {values}",
    )


def rosenbrock(a: float = 1.0, b: float = 100.0) -> Surface:
    r"""Rosenbrock's banana valley.

    .. math::

        f(x, y) = (a - x)^2 + b\,(y - x^2)^2

    Its only stationary point is the global minimum :math:`(a, a^2)`, at the
    end of a long, curved, flat-bottomed valley. The start point
    :math:`(-1.2, 1)` is Rosenbrock's own (1960).

    Parameters
    ----------
    a : float, default 1.0
        Position of the minimum, finite.
    b : float, default 100.0
        Steepness of the valley walls, finite and > 0.

    Returns
    -------
    Surface
        Window ``((-2, 2), (-1, 3))``, start ``(-1.2, 1.0)``.

    Raises
    ------
    TypeError, ValueError
        If ``a`` or ``b`` is not a finite real number, or ``b <= 0``.

    References
    ----------
    .. [1] H. H. Rosenbrock, "An automatic method for finding the greatest or
       least value of a function", *The Computer Journal* 3(3):175-184, 1960.
       DOI: 10.1093/comjnl/3.3.175.

    Examples
    --------
    >>> r = rosenbrock()
    >>> r.expr
    (1 - x)**2 + 100*(-x**2 + y)**2
    >>> r.minima[0].tolist(), float(r.f(r.minima[0]))
    ([1.0, 1.0], 0.0)
    """
    a = _real("a", a)
    b = _real("b", b)
    if b <= 0:
        raise ValueError(f"b must be > 0, got {b!r}")
    ka, kb = _exact(a), _exact(b)
    expr = (ka - _X) ** 2 + kb * (_Y - _X**2) ** 2
    return Surface(
        "rosenbrock", expr, (_X, _Y), minima=[(a, a * a)], window=((-2.0, 2.0), (-1.0, 3.0)),
        start=(-1.2, 1.0), log_levels=True, title="Rosenbrock",
        reference="Rosenbrock 1960, The Computer Journal 3(3):175-184",
    )


def beale() -> Surface:
    r"""Beale's function.

    .. math::

        f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2

    Global minimum :math:`f(3, 0.5) = 0` in a narrow curved valley; saddle
    points at :math:`(0, 1)` and about :math:`(0.1005, -2.6445)`; the line
    :math:`x = 0` is flat (:math:`f = 14.203125`). Its contours are the
    background of the well-known optimizer animations reproduced by Ruder
    (2016, figure 4a).

    Returns
    -------
    Surface
        Window ``((-4.5, 4.5), (-4.5, 4.5))``, start ``(1.0, 1.5)``.

    References
    ----------
    .. [1] E. M. L. Beale, "On an iterative method for finding a local minimum
       of a function of more than one variable", Technical Report No. 25,
       Statistical Techniques Research Group, Princeton University, 1958.
    .. [2] S. Ruder, "An overview of gradient descent optimization
       algorithms", arXiv:1609.04747, 2016.

    Examples
    --------
    >>> b = beale()
    >>> float(b.f([3.0, 0.5])), b.grad([3.0, 0.5]).tolist()
    (0.0, [0.0, 0.0])
    """
    c1, c2, c3 = sp.Rational(3, 2), sp.Rational(9, 4), sp.Rational(21, 8)
    expr = (c1 - _X + _X * _Y) ** 2 + (c2 - _X + _X * _Y**2) ** 2 + (c3 - _X + _X * _Y**3) ** 2
    return Surface(
        "beale", expr, (_X, _Y), minima=[(3.0, 0.5)],
        saddles=[(0.0, 1.0), (0.10053793732415836, -2.6445135850231249)],
        window=((-4.5, 4.5), (-4.5, 4.5)), start=(1.0, 1.5), log_levels=True, title="Beale",
        reference="Beale 1958, Princeton Statistical Techniques Research Group, Tech. Rep. 25",
    )


def saddle() -> Surface:
    r"""The saddle :math:`f(x, y) = x^2 - y^2`.

    .. math::

        f(x, y) = x^2 - y^2, \qquad \nabla^2 f = \begin{pmatrix} 2 & 0 \\ 0 & -2 \end{pmatrix}

    The origin is a saddle point: a minimum along :math:`x`, a maximum along
    :math:`y`. The function is unbounded below, so it has no minimum. The
    start ``(1, 1e-3)`` lies just off the ridge :math:`y = 0`: gradient
    descent first slides towards the saddle and escapes only slowly, since
    the :math:`y` offset grows like :math:`(1 + 2\eta)^t`.

    Returns
    -------
    Surface
        Window ``((-1.5, 1.5), (-1.5, 1.5))``, start ``(1.0, 1e-3)``, linear
        contour levels.

    References
    ----------
    .. [1] Y. Dauphin et al., "Identifying and attacking the saddle point
       problem in high-dimensional non-convex optimization", NeurIPS 2014.
       arXiv:1406.2572.
    .. [2] S. Ruder, "An overview of gradient descent optimization
       algorithms", arXiv:1609.04747, 2016, figure 4b.

    Examples
    --------
    >>> s = saddle()
    >>> s.minima, s.saddles[0].tolist()
    ((), [0.0, 0.0])
    """
    return Surface(
        "saddle", _X**2 - _Y**2, (_X, _Y), minima=[], saddles=[(0.0, 0.0)],
        window=((-1.5, 1.5), (-1.5, 1.5)), start=(1.0, 1e-3), log_levels=False,
        title="saddle $x^2 - y^2$", reference="Dauphin et al. 2014; Ruder 2016, figure 4b",
    )


def monkey_saddle() -> Surface:
    r"""The monkey saddle :math:`f(x, y) = x^3 - 3xy^2`.

    .. math::

        f(x, y) = x^3 - 3 x y^2 = \operatorname{Re}\,(x + iy)^3 = r^3 \cos 3\varphi

    A degenerate saddle: at the origin the gradient *and* the Hessian vanish,
    so second-order information cannot tell which way is down. Three valleys
    (for a monkey's two legs and tail) descend along :math:`\varphi = 60°,
    180°, 300°`, between three ridges. The start ``(1, 1e-3)`` lies just off
    the ridge :math:`\varphi = 0`.

    Returns
    -------
    Surface
        Window ``((-1.5, 1.5), (-1.5, 1.5))``, start ``(1.0, 1e-3)``, linear
        contour levels.

    References
    ----------
    .. [1] Y. Dauphin et al., "Identifying and attacking the saddle point
       problem in high-dimensional non-convex optimization", NeurIPS 2014.
       arXiv:1406.2572.

    Examples
    --------
    >>> m = monkey_saddle()
    >>> m.grad([0.0, 0.0]).tolist(), m.hessian([0.0, 0.0]).tolist()
    ([0.0, 0.0], [[0.0, 0.0], [0.0, 0.0]])
    """
    return Surface(
        "monkey_saddle", _X**3 - 3 * _X * _Y**2, (_X, _Y), minima=[], saddles=[(0.0, 0.0)],
        window=((-1.5, 1.5), (-1.5, 1.5)), start=(1.0, 1e-3), log_levels=False,
        title="monkey saddle $x^3 - 3xy^2$", reference="Dauphin et al. 2014",
    )


def himmelblau() -> Surface:
    r"""Himmelblau's function: four minima of equal height.

    .. math::

        f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2

    Four global minima with :math:`f = 0` (one at :math:`(3, 2)`, the others
    at irrational points), four saddle points and one local maximum near
    :math:`(-0.2708, -0.9230)`: which minimum an optimizer reaches depends on
    the start and on the optimizer.

    Returns
    -------
    Surface
        Window ``((-5, 5), (-5, 5))``, start ``(0, 0)`` (from there, plain
        gradient descent with :math:`\eta = 0.01` reaches :math:`(3, 2)` while
        momentum with :math:`\gamma = 0.9` overshoots into the valley of
        :math:`(3.58, -1.85)`).

    References
    ----------
    .. [1] D. M. Himmelblau, *Applied Nonlinear Programming*, McGraw-Hill,
       1972.

    Examples
    --------
    >>> h = himmelblau()
    >>> len(h.minima), len(h.saddles), len(h.maxima)
    (4, 4, 1)
    >>> max(float(h.f(m)) for m in h.minima) < 1e-20
    True
    """
    minima = [
        (3.0, 2.0),
        (-2.8051180869527448, 3.131312518250573),
        (-3.779310253377747, -3.2831859912861696),
        (3.5844283403304917, -1.8481265269644036),
    ]
    saddles = [
        (-3.0730257507643897, -0.08135304428796751),
        (-0.12796134673068008, -1.9537149802445763),
        (0.086677504555396356, 2.8842547011747759),
        (3.3851541836070211, 0.073851879837749282),
    ]
    maxima = [(-0.27084459066734762, -0.92303855647998145)]
    expr = (_X**2 + _Y - 11) ** 2 + (_X + _Y**2 - 7) ** 2
    return Surface(
        "himmelblau", expr, (_X, _Y), minima=minima, saddles=saddles, maxima=maxima,
        window=((-5.0, 5.0), (-5.0, 5.0)), start=(0.0, 0.0), log_levels=True, title="Himmelblau",
        reference="Himmelblau 1972, Applied Nonlinear Programming",
    )


# --------------------------------------------------------------------------
# Critical points
# --------------------------------------------------------------------------
_KINDS = ("minimum", "maximum", "saddle", "degenerate")


def classify_critical_point(eigenvalues, tol: float = 1e-12) -> str:
    r"""Name a critical point from the eigenvalues of its Hessian (second-order test).

    At a point with :math:`\nabla f(\theta) = 0` and Hessian eigenvalues
    :math:`\lambda_1, \dots, \lambda_n`, with a tolerance :math:`\tau`
    (eigenvalues with :math:`|\lambda_i| \le \tau` count as zero):

    .. math::

        \text{kind} =
        \begin{cases}
        \text{saddle} & \text{if } \lambda_i > \tau \text{ and } \lambda_j < -\tau \text{ for some } i, j, \\
        \text{degenerate} & \text{else, if } |\lambda_i| \le \tau \text{ for some } i, \\
        \text{minimum} & \text{else, if all } \lambda_i > \tau, \\
        \text{maximum} & \text{else (all } \lambda_i < -\tau).
        \end{cases}

    A Hessian with eigenvalues of both signs proves a saddle even when some
    other eigenvalue is zero: :math:`f` rises along one eigenvector and falls
    along another. A zero eigenvalue without such a sign change leaves the
    second-order test inconclusive ("degenerate"): higher derivatives decide,
    as for the monkey saddle :math:`x^3 - 3xy^2` (a saddle whose Hessian
    vanishes) or :math:`x^4 + y^4` (a minimum whose Hessian vanishes). The
    function does not check that the gradient vanishes; the number of
    negative eigenvalues is the *index* of the point.

    Parameters
    ----------
    eigenvalues : array_like of real numbers
        The eigenvalues of the (symmetric) Hessian at the point, e.g.
        ``np.linalg.eigvalsh(surface.hessian(point))``; one dimension, at
        least one entry, all finite.
    tol : float, default 1e-12
        Absolute tolerance :math:`\tau \ge 0` below which an eigenvalue is
        treated as zero. Scale it to the size of the Hessian when the
        eigenvalues come from a numerical computation.

    Returns
    -------
    str
        One of ``"minimum"``, ``"maximum"``, ``"saddle"``, ``"degenerate"``.

    Raises
    ------
    TypeError
        If ``eigenvalues`` is not real-valued (e.g. complex, strings) or
        ``tol`` is not a real number.
    ValueError
        If ``eigenvalues`` is empty, not one-dimensional or not finite, or
        ``tol`` is negative or not finite.

    References
    ----------
    .. [1] J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed.,
       Springer, 2006, section 2.1 (second-order optimality conditions).
       DOI: 10.1007/978-0-387-40065-5.
    .. [2] Y. Dauphin, R. Pascanu, C. Gulcehre, K. Cho, S. Ganguli and
       Y. Bengio, "Identifying and attacking the saddle point problem in
       high-dimensional non-convex optimization", NeurIPS 2014.
       arXiv:1406.2572.

    Examples
    --------
    >>> import numpy as np
    >>> h = SURFACES["himmelblau"]
    >>> classify_critical_point(np.linalg.eigvalsh(h.hessian(h.maxima[0])))
    'maximum'
    >>> classify_critical_point(np.linalg.eigvalsh(SURFACES["saddle"].hessian([0.0, 0.0])))
    'saddle'
    >>> classify_critical_point([0.0, 0.0])  # the monkey saddle's origin
    'degenerate'
    >>> classify_critical_point([2.0, 0.0, -1.0])  # both signs: a saddle despite the zero
    'saddle'
    """
    arr = np.asarray(eigenvalues)
    if arr.dtype.kind not in "iuf":
        raise TypeError(
            f"eigenvalues must be an array of real numbers, got dtype {arr.dtype} ({_validate.describe(eigenvalues)})"
        )
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"eigenvalues must be a non-empty 1-D array, got shape {arr.shape}")
    ev = arr.astype(np.float64)
    bad = _validate.first_nonfinite(ev)
    if bad is not None:
        raise ValueError(f"eigenvalues must be finite, got {float(ev[bad])!r} at index {bad[0]}")
    tol = _validate.real("tol", tol, low=0)
    if (ev > tol).any() and (ev < -tol).any():
        return "saddle"
    if (np.abs(ev) <= tol).any():
        return "degenerate"
    return "minimum" if (ev > 0).all() else "maximum"


#: Registry of the course's surfaces: name -> :class:`Surface`.
SURFACES: dict[str, Surface] = {
    "quadratic": quadratic(10.0),
    "rosenbrock": rosenbrock(),
    "beale": beale(),
    "saddle": saddle(),
    "monkey_saddle": monkey_saddle(),
    "himmelblau": himmelblau(),
}
