r"""Numerical derivatives and gradient checking.

This module holds the small amount of numerical calculus that the course
reuses in every chapter:

* :func:`numerical_derivative` and :func:`numerical_gradient` approximate
  derivatives with central differences,
* :func:`directional_derivative` computes the rate of change
  :math:`\nabla f \cdot u` along a unit direction,
* :func:`gradient_check` and :func:`assert_gradient_close` compare a gradient
  that you derived (by hand, with sympy, with autograd) with central
  differences,
* :func:`hessian_vector_product` and :func:`largest_eigenvalue` measure
  curvature with gradients only (no Hessian is ever formed): a
  finite-difference Hessian-vector product and power iteration on it.

Everything works in float64 and is a pure function: the inputs are never
modified and nothing global is changed. Chapter 1 ("The gradient") derives
each function from scratch.

References
----------
.. [1] J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed.,
   Springer, 2006, section 8.1 "Finite-difference derivative approximations".
   DOI: 10.1007/978-0-387-40065-5.
.. [2] I. Goodfellow, Y. Bengio and A. Courville, *Deep Learning*, MIT Press,
   2016, chapter 4.3 "Gradient-based optimization".
.. [3] S. Ruder, "An overview of gradient descent optimization algorithms",
   arXiv:1609.04747, 2016.
.. [4] Y. LeCun, L. Bottou, G. B. Orr and K.-R. Müller, "Efficient BackProp",
   in *Neural Networks: Tricks of the Trade*, Springer, 1998 (estimating
   the largest Hessian eigenvalue by power iteration).
   DOI: 10.1007/3-540-49430-8_2.
"""

from __future__ import annotations

import math
from typing import Callable, NamedTuple

import numpy as np

from gdlab import _validate

__all__ = [
    "GradCheckResult",
    "assert_gradient_close",
    "directional_derivative",
    "gradient_check",
    "hessian_vector_product",
    "largest_eigenvalue",
    "numerical_derivative",
    "numerical_gradient",
]

# Relative errors divide by max(|a|, |n|, _TINY) so that 0 / 0 gives 0.
_TINY = np.finfo(np.float64).tiny


# --------------------------------------------------------------------------
# Argument validation (private helpers)
# --------------------------------------------------------------------------
def _check_positive_number(name: str, value, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a float after checking it is a finite number > 0 (or >= 0)."""
    return _validate.real(name, value, low=0, low_open=not allow_zero)


def _as_float_array(name: str, value) -> np.ndarray:
    """Return ``value`` as a new float64 array after checking it is real and finite."""
    arr = np.asarray(value)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be an array of real numbers, got dtype {arr.dtype} ({value!r})")
    arr = np.array(arr, dtype=np.float64)  # always a copy: callers' arrays are never touched
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite numbers, got {value!r}")
    return arr


def _scalar_value(f: Callable, x, where: str) -> float:
    """Call ``f(x)`` and return its value as a float; it must be a finite scalar."""
    value = f(x)
    if np.ndim(value) != 0:
        raise TypeError(
            f"f must return a scalar, got a value of shape {np.shape(value)} at {where}"
        )
    try:
        if isinstance(value, (str, bytes)):
            raise TypeError
        value = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"f must return a real scalar, got {value!r} at {where}") from None
    if not math.isfinite(value):
        raise ValueError(f"f must return a finite scalar, got {value!r} at {where}")
    return value


# --------------------------------------------------------------------------
# Finite differences
# --------------------------------------------------------------------------
def numerical_derivative(f: Callable[[float], float], x: float, h: float = 1e-6) -> float:
    r"""Derivative of a scalar function of one variable by central differences.

    .. math::

        f'(x) \approx \frac{f(x + h) - f(x - h)}{2h},
        \qquad \text{error} = \frac{h^2}{6} f'''(\xi) + O\!\left(\frac{\varepsilon |f(x)|}{h}\right)

    The first error term is the truncation error of the Taylor expansion, the
    second is floating-point round-off (:math:`\varepsilon \approx 2.2 \times
    10^{-16}` for float64). Their sum is smallest near
    :math:`h \approx \varepsilon^{1/3} \approx 6 \times 10^{-6}` (for a
    function whose value and third derivative are of order 1), so the default
    ``h = 1e-6`` typically gives about 10 correct digits.

    Parameters
    ----------
    f : callable
        Function of one real number returning a finite real scalar.
    x : float
        Point at which to differentiate; a finite real number.
    h : float, default 1e-6
        Step of the difference; a finite number > 0.

    Returns
    -------
    float
        The central-difference approximation of :math:`f'(x)`.

    Raises
    ------
    TypeError
        If ``x`` or ``h`` is not a real number, or ``f`` does not return a
        real scalar.
    ValueError
        If ``x`` is not finite, ``h`` is not a finite number > 0, or ``f``
        returns NaN or infinity.

    See Also
    --------
    numerical_gradient : the same formula applied coordinate by coordinate.

    References
    ----------
    .. [1] J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed.,
       Springer, 2006, section 8.1. DOI: 10.1007/978-0-387-40065-5.

    Examples
    --------
    >>> round(numerical_derivative(lambda x: x ** 3, 2.0), 6)  # exact: 3 * 2**2
    12.0
    >>> import math
    >>> round(numerical_derivative(math.sin, 0.0), 9)  # exact: cos(0)
    1.0
    """
    x = _validate.real("x", x)
    h = _check_positive_number("h", h)
    f_plus = _scalar_value(f, x + h, f"x + h = {x + h!r}")
    f_minus = _scalar_value(f, x - h, f"x - h = {x - h!r}")
    return (f_plus - f_minus) / (2.0 * h)


def numerical_gradient(f: Callable[[np.ndarray], float], theta, h: float = 1e-6) -> np.ndarray:
    r"""Gradient of a scalar function of an array by central differences.

    For every coordinate :math:`i` of :math:`\theta` (of any shape), with
    :math:`e_i` the array that is 1 at :math:`i` and 0 elsewhere,

    .. math::

        \frac{\partial f}{\partial \theta_i}(\theta) \approx
        \frac{f(\theta + h e_i) - f(\theta - h e_i)}{2h}.

    This costs :math:`2n` evaluations of ``f`` for :math:`n` coordinates
    (backpropagation costs about one), so it is a tool for *checking*
    gradients on small problems, not for training.

    Parameters
    ----------
    f : callable
        ``f(theta)`` returns a finite real scalar. It receives a fresh float64
        array of the same shape as ``theta`` at every call, so it may keep or
        modify its argument without harm.
    theta : array_like of real numbers
        Point at which to differentiate: a scalar, a vector, a matrix or any
        other shape. Converted to float64; never modified.
    h : float, default 1e-6
        Step of the difference; a finite number > 0.

    Returns
    -------
    numpy.ndarray
        float64 array of the same shape as ``theta``.

    Raises
    ------
    TypeError
        If ``theta`` is not real-valued, ``h`` is not a real number, or ``f``
        does not return a real scalar.
    ValueError
        If ``theta`` contains NaN or infinity, ``h`` is not a finite number
        > 0, or ``f`` returns NaN or infinity (the message names the value
        and the coordinate).

    See Also
    --------
    numerical_derivative : the one-variable version.
    gradient_check : compare an analytic gradient with this one.

    References
    ----------
    .. [1] J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed.,
       Springer, 2006, section 8.1. DOI: 10.1007/978-0-387-40065-5.

    Examples
    --------
    The worked example of chapter 1, :math:`f = x^2 + 3xy + y^2 + z^3` at
    :math:`(1, 2, 3)`, whose gradient is :math:`(8, 7, 27)`:

    >>> import numpy as np
    >>> def f(p):
    ...     x, y, z = p
    ...     return x**2 + 3*x*y + y**2 + z**3
    >>> g = numerical_gradient(f, np.array([1.0, 2.0, 3.0]))
    >>> [round(float(gi), 6) for gi in g]
    [8.0, 7.0, 27.0]

    Any shape works; here :math:`f(W) = \sum_{ij} W_{ij}^2` has gradient
    :math:`2W`:

    >>> W = np.arange(6.0).reshape(2, 3)
    >>> G = numerical_gradient(lambda W: np.sum(W**2), W)
    >>> G.shape, bool(np.allclose(G, 2 * W))
    ((2, 3), True)
    """
    theta = _as_float_array("theta", theta)
    h = _check_positive_number("h", h)
    grad = np.empty_like(theta)
    for i in np.ndindex(theta.shape):
        plus = theta.copy()
        plus[i] += h
        minus = theta.copy()
        minus[i] -= h
        where = f"coordinate {i} of theta shifted by +h" if plus.ndim else "theta + h"
        f_plus = _scalar_value(f, plus, where)
        where = f"coordinate {i} of theta shifted by -h" if minus.ndim else "theta - h"
        f_minus = _scalar_value(f, minus, where)
        grad[i] = (f_plus - f_minus) / (2.0 * h)
    return grad


def directional_derivative(grad, u):
    r"""Rate of change of a function along the unit direction of ``u``.

    For a differentiable :math:`f` with gradient :math:`g = \nabla f(\theta)`
    and a non-zero direction :math:`u`,

    .. math::

        D_{\hat u} f(\theta) = \left.\frac{d}{dt} f(\theta + t \hat u)\right|_{t=0}
        = g \cdot \hat u, \qquad \hat u = \frac{u}{\lVert u \rVert},

    so only the direction of ``u`` matters. By the Cauchy–Schwarz inequality
    :math:`|g \cdot \hat u| \le \lVert g \rVert`, with equality exactly when
    :math:`\hat u = \pm g / \lVert g \rVert`: the gradient is the direction of
    steepest ascent.

    Parameters
    ----------
    grad : array_like
        The gradient :math:`\nabla f(\theta)`, any shape ``S``.
    u : array_like
        One direction of shape ``S``, or a stack of directions of shape
        ``(m, *S)``; each must be non-zero and finite. Directions are
        normalised to unit length.

    Returns
    -------
    float or numpy.ndarray
        A float for one direction, an array of shape ``(m,)`` for a stack.

    Raises
    ------
    TypeError
        If ``grad`` or ``u`` is not real-valued.
    ValueError
        If the shapes do not match, a value is not finite, or a direction is
        zero.

    References
    ----------
    .. [1] I. Goodfellow, Y. Bengio and A. Courville, *Deep Learning*, MIT
       Press, 2016, section 4.3.

    Examples
    --------
    >>> directional_derivative([8.0, 7.0, 27.0], [0.0, 0.0, 2.0])  # along z
    27.0
    >>> directional_derivative([3.0, 4.0], [[3.0, 4.0], [-4.0, 3.0]])  # along g, across g
    array([5., 0.])
    """
    grad = _as_float_array("grad", grad)
    u = _as_float_array("u", u)
    if u.shape == grad.shape:
        stacked = False
        u = u[np.newaxis]
    elif u.ndim == grad.ndim + 1 and u.shape[1:] == grad.shape:
        stacked = True
    else:
        raise ValueError(
            f"u must have the shape of grad {grad.shape} or (m, *{grad.shape}), got shape {u.shape}"
        )
    flat = u.reshape(u.shape[0], -1)
    norms = np.linalg.norm(flat, axis=1)
    if np.any(norms == 0):
        raise ValueError(f"u must be non-zero, got a zero direction at index {int(np.argmin(norms))}")
    values = flat @ grad.ravel() / norms
    return values if stacked else float(values[0])


# --------------------------------------------------------------------------
# Gradient checking
# --------------------------------------------------------------------------
class GradCheckResult(NamedTuple):
    """Result of :func:`gradient_check`.

    Attributes
    ----------
    ok : bool
        True when every coordinate satisfies
        ``|a - n| <= atol + rtol * max(|a|, |n|)``.
    max_abs_error : float
        Largest ``|a - n|`` over the coordinates.
    max_rel_error : float
        Largest ``|a - n| / max(|a|, |n|, tiny)`` over the coordinates.
    numerical : numpy.ndarray
        The central-difference gradient ``n``.
    analytic : numpy.ndarray
        The gradient ``a`` returned by ``grad_fn`` (as float64).

    References
    ----------
    .. [1] S. Ruder, "An overview of gradient descent optimization
       algorithms", arXiv:1609.04747, 2016.

    Examples
    --------
    >>> import numpy as np
    >>> result = gradient_check(lambda p: np.sum(p**2), lambda p: 2 * p, [1.0, -2.0])
    >>> result.ok, result.analytic.tolist()
    (True, [2.0, -4.0])
    >>> bool(result.max_rel_error < 1e-9)
    True
    """

    ok: bool
    max_abs_error: float
    max_rel_error: float
    numerical: np.ndarray
    analytic: np.ndarray


def gradient_check(
    f: Callable[[np.ndarray], float],
    grad_fn: Callable[[np.ndarray], np.ndarray],
    theta,
    h: float = 1e-6,
    rtol: float = 1e-6,
    atol: float = 1e-8,
) -> GradCheckResult:
    r"""Compare an analytic gradient with central differences.

    With :math:`a = ` ``grad_fn(theta)`` and :math:`n = `
    ``numerical_gradient(f, theta, h)``, coordinate by coordinate

    .. math::

        \text{rel}_i = \frac{|a_i - n_i|}{\max(|a_i|, |n_i|, \text{tiny})},
        \qquad
        \text{ok} \iff |a_i - n_i| \le \text{atol} + \text{rtol}\,\max(|a_i|, |n_i|)
        \ \text{for all } i.

    With float64 and ``h = 1e-6`` a correct gradient of a smooth function of
    moderate size has relative errors around :math:`10^{-9}` or smaller; a
    wrong one usually has relative errors of order 1. Check at a random
    point, not at a special one such as zero, where many bugs are invisible.

    Parameters
    ----------
    f : callable
        ``f(theta)`` returns a finite real scalar.
    grad_fn : callable
        ``grad_fn(theta)`` returns the gradient claimed for ``f``, an array of
        the shape of ``theta``. It receives a copy of ``theta``.
    theta : array_like of real numbers
        Point at which to compare; any shape, converted to float64.
    h : float, default 1e-6
        Step of the central differences; a finite number > 0.
    rtol, atol : float, default 1e-6 and 1e-8
        Relative and absolute tolerances; finite numbers >= 0.

    Returns
    -------
    GradCheckResult
        Named tuple ``(ok, max_abs_error, max_rel_error, numerical, analytic)``.

    Raises
    ------
    TypeError
        If an argument has the wrong type, or ``f`` or ``grad_fn`` returns
        something that is not real-valued.
    ValueError
        If ``theta`` or a value returned is not finite, ``grad_fn`` returns
        the wrong shape, ``h`` is not > 0, or a tolerance is negative.

    See Also
    --------
    assert_gradient_close : the same check, raising ``AssertionError``.

    References
    ----------
    .. [1] S. Ruder, "An overview of gradient descent optimization
       algorithms", arXiv:1609.04747, 2016, section 2.1 ("If you derive the
       gradients yourself, then gradient checking is a good idea").
    .. [2] J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed.,
       Springer, 2006, section 8.1. DOI: 10.1007/978-0-387-40065-5.

    Examples
    --------
    >>> import numpy as np
    >>> f = lambda p: p[0] ** 2 + 3 * p[0] * p[1]
    >>> good = lambda p: np.array([2 * p[0] + 3 * p[1], 3 * p[0]])
    >>> bad = lambda p: np.array([2 * p[0] + 3 * p[1], 3 * p[1]])  # a typo
    >>> gradient_check(f, good, [0.5, -1.5]).ok
    True
    >>> result = gradient_check(f, bad, [0.5, -1.5])
    >>> result.ok, round(result.max_abs_error, 6)
    (False, 6.0)
    """
    theta = _as_float_array("theta", theta)
    h = _check_positive_number("h", h)
    rtol = _check_positive_number("rtol", rtol, allow_zero=True)
    atol = _check_positive_number("atol", atol, allow_zero=True)
    analytic = _as_float_array("the gradient returned by grad_fn", grad_fn(theta.copy()))
    if analytic.shape != theta.shape:
        swapped = analytic.size == 1 and theta.size > 1 and np.shape(f(theta.copy())) == theta.shape
        hint = (": the arguments look swapped; the order is gradient_check(f, grad_fn, theta)"
                if swapped else "")
        raise ValueError(
            f"grad_fn must return an array of the shape of theta {theta.shape}, "
            f"got shape {analytic.shape}{hint}"
        )
    numerical = numerical_gradient(f, theta, h)
    abs_err = np.abs(analytic - numerical)
    scale = np.maximum(np.abs(analytic), np.abs(numerical))
    rel_err = abs_err / np.maximum(scale, _TINY)
    ok = bool(np.all(abs_err <= atol + rtol * scale))
    return GradCheckResult(
        ok=ok,
        max_abs_error=float(abs_err.max(initial=0.0)),
        max_rel_error=float(rel_err.max(initial=0.0)),
        numerical=numerical,
        analytic=analytic,
    )


def assert_gradient_close(
    f: Callable[[np.ndarray], float],
    grad_fn: Callable[[np.ndarray], np.ndarray],
    theta,
    h: float = 1e-6,
    rtol: float = 1e-6,
    atol: float = 1e-8,
) -> GradCheckResult:
    r"""Raise ``AssertionError`` unless ``grad_fn`` agrees with central differences.

    Runs :func:`gradient_check` and, when it fails, reports the worst
    coordinate: the one with the largest ratio

    .. math::

        \frac{|a_i - n_i|}{\text{atol} + \text{rtol}\,\max(|a_i|, |n_i|)},

    i.e. the one furthest outside the tolerance.

    Parameters
    ----------
    f, grad_fn, theta, h, rtol, atol
        As in :func:`gradient_check`.

    Returns
    -------
    GradCheckResult
        The result of :func:`gradient_check` (with ``ok`` True).

    Raises
    ------
    AssertionError
        If some coordinate is outside the tolerance; the message names the
        worst coordinate, both values and the number of failing coordinates.
    TypeError, ValueError
        As in :func:`gradient_check`.

    References
    ----------
    .. [1] S. Ruder, "An overview of gradient descent optimization
       algorithms", arXiv:1609.04747, 2016.

    Examples
    --------
    >>> import numpy as np
    >>> f = lambda p: p[0] ** 2 + 3 * p[0] * p[1]
    >>> assert_gradient_close(f, lambda p: np.array([2 * p[0] + 3 * p[1], 3 * p[0]]), [0.5, -1.5]).ok
    True
    >>> bad = lambda p: np.array([2 * p[0] + 3 * p[1], 3 * p[1]])  # a typo: 3y for 3x
    >>> assert_gradient_close(f, bad, [0.5, -1.5])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: gradient check failed at coordinate (1,): analytic -4.5, numerical 1.5 (abs error 6, ...
    """
    result = gradient_check(f, grad_fn, theta, h=h, rtol=rtol, atol=atol)
    if result.ok:
        return result
    a, n = result.analytic, result.numerical
    abs_err = np.abs(a - n)
    allowed = atol + rtol * np.maximum(np.abs(a), np.abs(n))
    with np.errstate(divide="ignore"):
        excess = np.where(abs_err > allowed, abs_err / allowed, 0.0)
    worst = np.unravel_index(int(np.argmax(excess)), a.shape)
    worst = tuple(int(i) for i in worst)
    n_bad = int(np.count_nonzero(abs_err > allowed))
    raise AssertionError(
        f"gradient check failed at coordinate {worst}: analytic {float(a[worst]):.10g}, "
        f"numerical {float(n[worst]):.10g} (abs error {float(abs_err[worst]):.3g}, "
        f"allowed {float(allowed[worst]):.3g}); {n_bad} of {a.size} coordinates outside "
        f"atol={atol:g} + rtol={rtol:g} * max(|analytic|, |numerical|)"
    )


# --------------------------------------------------------------------------
# Curvature from gradients only
# --------------------------------------------------------------------------
def _gradient_at(grad_fn: Callable, point: np.ndarray, where: str) -> np.ndarray:
    """``grad_fn(point)`` as float64, checked to be finite and of the shape of ``point``."""
    value = np.asarray(grad_fn(point.copy()))
    if value.dtype.kind not in "iuf":
        raise TypeError(f"grad_fn must return an array of real numbers, got dtype {value.dtype} at {where}")
    value = value.astype(np.float64)
    if value.shape != point.shape:
        raise ValueError(
            f"grad_fn must return an array of the shape of theta {point.shape}, got shape {value.shape} at {where}"
        )
    bad = _validate.first_nonfinite(value)
    if bad is not None:
        raise ValueError(f"grad_fn returned a non-finite value {float(value[bad])!r} at coordinate {bad}, at {where}")
    return value


def _check_callable(name: str, value) -> None:
    if not callable(value):
        raise TypeError(f"{name} must be a callable, got {value!r} of type {type(value).__name__}")


def _hvp(grad_fn: Callable, theta: np.ndarray, v: np.ndarray, h: float, where: str) -> np.ndarray:
    """Unchecked finite-difference Hessian-vector product (the arguments are already valid)."""
    norm = float(np.linalg.norm(v))
    if norm == 0.0:
        return np.zeros_like(theta)
    u = v / norm
    g_plus = _gradient_at(grad_fn, theta + h * u, f"theta + h*v/|v| ({where})")
    g_minus = _gradient_at(grad_fn, theta - h * u, f"theta - h*v/|v| ({where})")
    return norm * (g_plus - g_minus) / (2.0 * h)


def hessian_vector_product(grad_fn: Callable[[np.ndarray], np.ndarray], theta, v, h: float = 1e-4) -> np.ndarray:
    r"""Hessian-vector product :math:`\nabla^2 f(\theta)\, v` from two gradient evaluations.

    :math:`Hv` is the directional derivative of the gradient along
    :math:`v`, so a central difference of the gradient approximates it.
    The step is taken along the unit vector :math:`u = v / \lVert v \rVert`
    (so that its length is ``h`` whatever the size of ``v``) and the result
    is scaled back, :math:`Hv = \lVert v \rVert\, Hu`:

    .. math::

        \nabla^2 f(\theta)\, v \approx \lVert v \rVert\,
        \frac{\nabla f(\theta + h u) - \nabla f(\theta - h u)}{2h},
        \qquad u = \frac{v}{\lVert v \rVert},

    with an error :math:`O(h^2)` from truncation plus
    :math:`O(\varepsilon \lVert \nabla f \rVert / h)` from round-off. It is
    exact (up to round-off) when :math:`f` is quadratic. It costs two
    gradients and never forms the :math:`n \times n` Hessian, which is what
    makes curvature measurable for a network with millions of weights.

    Parameters
    ----------
    grad_fn : callable
        ``grad_fn(theta)`` returns the gradient :math:`\nabla f(\theta)`, a
        finite real array of the shape of ``theta``. It receives a fresh
        float64 array.
    theta : array_like of real numbers
        Point at which the Hessian is taken; any shape (at least one entry),
        converted to float64, never modified.
    v : array_like of real numbers
        Direction, same shape as ``theta``. ``v = 0`` gives 0 without calling
        ``grad_fn``.
    h : float, default 1e-4
        Step of the difference; a finite number > 0.

    Returns
    -------
    numpy.ndarray
        float64 array of the shape of ``theta``.

    Raises
    ------
    TypeError
        If ``grad_fn`` is not callable, ``theta`` or ``v`` is not real-valued,
        ``h`` is not a real number, or ``grad_fn`` returns something that is
        not real-valued.
    ValueError
        If ``theta`` or ``v`` contains NaN or infinity or is empty, their
        shapes differ, ``h`` is not > 0, or ``grad_fn`` returns the wrong
        shape or a non-finite value (the message names the point).

    See Also
    --------
    largest_eigenvalue : power iteration on this product.

    References
    ----------
    .. [1] B. A. Pearlmutter, "Fast exact multiplication by the Hessian",
       *Neural Computation* 6(1):147-160, 1994. DOI: 10.1162/neco.1994.6.1.147.
    .. [2] Y. LeCun, L. Bottou, G. B. Orr and K.-R. Müller, "Efficient
       BackProp", in *Neural Networks: Tricks of the Trade*, Springer, 1998.
       DOI: 10.1007/3-540-49430-8_2.
    .. [3] J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed.,
       Springer, 2006, section 8.1 (equation 8.10).
       DOI: 10.1007/978-0-387-40065-5.

    Examples
    --------
    For :math:`f = x^2 y`, :math:`\nabla f = (2xy, x^2)` and
    :math:`\nabla^2 f = \begin{pmatrix} 2y & 2x \\ 2x & 0 \end{pmatrix}`,
    so at :math:`(1, 3)` and :math:`v = (1, 2)`, :math:`Hv = (10, 2)`:

    >>> import numpy as np
    >>> grad = lambda p: np.array([2 * p[0] * p[1], p[0] ** 2])
    >>> [round(float(c), 6) for c in hessian_vector_product(grad, [1.0, 3.0], [1.0, 2.0])]
    [10.0, 2.0]
    """
    _check_callable("grad_fn", grad_fn)
    theta = _as_float_array("theta", theta)
    if theta.size == 0:
        raise ValueError(f"theta must have at least one entry, got shape {theta.shape}")
    v = _as_float_array("v", v)
    if v.shape != theta.shape:
        raise ValueError(f"v must have the shape of theta {theta.shape}, got shape {v.shape}")
    h = _check_positive_number("h", h)
    return _hvp(grad_fn, theta, v, h, "the Hessian-vector product")


def largest_eigenvalue(
    grad_fn: Callable[[np.ndarray], np.ndarray],
    theta,
    iterations: int = 100,
    h: float = 1e-4,
    seed: int = 0,
) -> float:
    r"""Eigenvalue of largest magnitude of the Hessian, by power iteration on gradients.

    From a random unit vector :math:`v_0` (drawn with ``seed``), repeat
    ``iterations`` times

    .. math::

        w_k = H v_k \ \text{(by } \texttt{hessian\_vector\_product}\text{)}, \qquad
        \lambda^{(k)} = v_k^\top w_k, \qquad
        v_{k+1} = \frac{w_k}{\lVert w_k \rVert},

    and return the last Rayleigh quotient :math:`\lambda^{(k)}`. With
    :math:`H = \nabla^2 f(\theta)` symmetric with eigenvalues ordered by
    magnitude, :math:`|\lambda_1| > |\lambda_2| \ge \dots`, the component of
    :math:`v_k` off the top eigenvector shrinks like
    :math:`|\lambda_2 / \lambda_1|^k` and the estimate converges to
    :math:`\lambda_1`, twice as fast.

    **Largest in magnitude, with its sign.** Power iteration finds the
    eigenvalue of largest *absolute value*. At a minimum all eigenvalues
    are >= 0 and this is :math:`L = \lambda_{\max}`, the curvature that
    bounds the learning rate (:math:`\eta < 2/L`). At a saddle whose most
    negative eigenvalue is the larger in magnitude the result is that
    negative eigenvalue (e.g. :math:`-5` for eigenvalues :math:`1, -5`), not
    :math:`\lambda_{\max}`. If two eigenvalues of opposite signs tie in
    magnitude (:math:`\pm\lambda`), the iteration does not converge and the
    result is meaningless. If :math:`H v_k = 0` (e.g. a Hessian that
    vanishes), 0.0 is returned.

    Parameters
    ----------
    grad_fn : callable
        ``grad_fn(theta)`` returns :math:`\nabla f(\theta)`, a finite real
        array of the shape of ``theta``; called twice per iteration.
    theta : array_like of real numbers
        Point at which the curvature is measured; any shape with at least
        one entry. Never modified.
    iterations : int, default 100
        Number of power-iteration steps, >= 1.
    h : float, default 1e-4
        Step of the finite differences, a finite number > 0.
    seed : int, default 0
        Seed (>= 0) of the random start vector, for reproducibility.

    Returns
    -------
    float
        The estimate of the eigenvalue of :math:`\nabla^2 f(\theta)` of
        largest magnitude (signed).

    Raises
    ------
    TypeError
        If ``grad_fn`` is not callable, ``theta`` is not real-valued,
        ``iterations`` or ``seed`` is not an integer, ``h`` is not a real
        number, or ``grad_fn`` returns something that is not real-valued.
    ValueError
        If ``theta`` is empty or not finite, ``iterations < 1``, ``h <= 0``,
        ``seed < 0``, or ``grad_fn`` returns the wrong shape or a non-finite
        value (the message names the iteration).

    See Also
    --------
    hessian_vector_product : the product used at every iteration.

    References
    ----------
    .. [1] Y. LeCun, L. Bottou, G. B. Orr and K.-R. Müller, "Efficient
       BackProp", in *Neural Networks: Tricks of the Trade*, Springer, 1998
       (the power method on finite-difference Hessian-vector products).
       DOI: 10.1007/3-540-49430-8_2.
    .. [2] G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed.,
       Johns Hopkins University Press, 2013, section 8.2.1 (the power method).

    Examples
    --------
    The quadratic :math:`f = \tfrac12 \theta^\top A \theta` has Hessian
    :math:`A`; here its eigenvalues are :math:`(5 \pm \sqrt5)/2`:

    >>> import numpy as np
    >>> A = np.array([[2.0, 1.0], [1.0, 3.0]])
    >>> round(largest_eigenvalue(lambda p: A @ p, np.zeros(2)), 6)  # (5 + √5)/2
    3.618034

    The eigenvalue of largest *magnitude*, even when it is negative:

    >>> B = np.diag([1.0, -5.0])
    >>> round(largest_eigenvalue(lambda p: B @ p, np.zeros(2)), 6)
    -5.0
    """
    _check_callable("grad_fn", grad_fn)
    theta = _as_float_array("theta", theta)
    if theta.size == 0:
        raise ValueError(f"theta must have at least one entry, got shape {theta.shape}")
    iterations = _validate.integer("iterations", iterations, low=1)
    h = _check_positive_number("h", h)
    seed = _validate.seed("seed", seed)
    v = np.asarray(np.random.default_rng(seed).standard_normal(theta.shape), dtype=np.float64)
    v /= np.linalg.norm(v)
    estimate = 0.0
    for k in range(iterations):
        w = _hvp(grad_fn, theta, v, h, f"iteration {k}")
        estimate = float(np.vdot(v, w))
        norm = float(np.linalg.norm(w))
        if norm == 0.0:
            return 0.0
        v = w / norm
    return estimate
