r"""Exercise checkers: instant, friendly feedback on a reader's answer.

Each checker prints one line starting with ``✓`` when the answer is right. When it is
wrong it raises ``AssertionError`` (so a notebook run by nbval fails) with a short
message: which input, what was expected, what came back, and a hint when the mistake
has a recognisable pattern (flipped sign, constant factor, wrong shape, NaN, an epoch
off, input modified in place, a missing ``return``).

::

    check.check_close("gradient at A", my_answer, np.array([8.0, 7.0, 27.0]))
    check.check_equal("steps to 1e-6", my_count, 42)
    check.check_between("final loss", my_loss, 0.1, 0.2)
    check.check_gradient(f, my_grad, shape=(3,))
    check.check_update(my_momentum, reference_momentum, cases)
    check.check_optimizer_step(my_adam_step, optim.Adam(lr=0.1))
    check.check_schedule(my_cosine, reference_cosine, epochs=30)

Two arrays agree when, entry by entry, :math:`|g - e| \le \text{atol} + \text{rtol}\,|e|`
(``numpy.isclose``).
"""

from __future__ import annotations

import copy
import inspect
import numbers

import numpy as np

from gdlab import _validate, calculus

__all__ = ["check_close", "check_equal", "check_between", "check_gradient", "check_update",
           "check_optimizer_step", "check_schedule", "NotImplementedYet"]


# --------------------------------------------------------------------------- helpers
def _name(fn, default="your function"):
    name = getattr(fn, "__name__", None)
    return default if name in (None, "<lambda>") else name


def _as_array(x):
    """``x`` as a float64 array; TypeError/ValueError for anything that is not real numbers."""
    if hasattr(x, "detach"):  # a torch tensor
        x = x.detach().cpu().numpy()
    a = np.asarray(x)
    if a.dtype.kind not in "biuf":
        raise TypeError(f"not an array of real numbers: dtype {a.dtype}")
    return a.astype(float)


def _fmt(x):
    """A short, readable text for an input or a value."""
    if hasattr(x, "_fields"):  # NamedTuple
        return f"{type(x).__name__}(" + ", ".join(f"{k}={_fmt(v)}" for k, v in zip(x._fields, x)) + ")"
    if isinstance(x, dict):
        return "{" + ", ".join(f"{k!r}: {_fmt(v)}" for k, v in x.items()) + "}"
    if isinstance(x, (bool, np.bool_)):
        return repr(bool(x))
    try:
        a = _as_array(x)
    except (TypeError, ValueError):
        text = repr(x)
        return text if len(text) < 80 else text[:77] + "..."
    if a.ndim == 0:
        return f"{float(a):.8g}"
    return np.array2string(a, separator=", ", threshold=12, edgeitems=3, max_line_width=100,
                           formatter={"float_kind": lambda v: f"{v:.6g}"})


def _is_integer(x):
    """Whether ``x`` holds integers (an int, a NumPy integer, an integer array): counters."""
    if isinstance(x, (bool, np.bool_)):
        return False
    return isinstance(x, numbers.Integral) or (isinstance(x, np.ndarray) and x.dtype.kind in "iu")


def _is_bool(x):
    """Whether ``x`` is a bool or an array/tensor of bools."""
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    return isinstance(x, (bool, np.bool_)) or (isinstance(x, np.ndarray) and x.dtype == bool)


def _integer_hint(g, e):
    """Hints for integers (step counters, counts): no ratios, no "zeros"."""
    if g.shape == e.shape and np.all(g == np.round(g)):
        diff = np.unique(g - e)
        if diff.size == 1 and abs(diff[0]) == 1:
            return f"off by {'+' if diff[0] > 0 else '−'}1."
    return None


def _hint(g, e, rtol, atol):
    if np.allclose(g, -e, rtol=rtol, atol=atol):
        return "the sign is flipped (you got −expected)."
    if not np.any(g):
        return "you returned 0: is a term missing?" if g.size == 1 else "you returned zeros: is a term missing?"
    mask = np.abs(e) > 10 * atol
    if mask.any():
        ratio = g[mask] / e[mask]
        r = ratio.flat[0]
        if np.allclose(ratio, r, rtol=1e-6) and np.allclose(g, r * e, rtol=rtol, atol=atol):
            if g.size == 1:
                return f"got / expected = {r:.6g}: a constant factor may be off."
            return (f"every value is {r:.6g} × the expected one: a constant factor is off "
                    "(a missing 1/2, 1/n, learning rate or exponent?).")
    if g.size > 1:
        d = (g - e).flat[0]
        if np.allclose(g, e + d, rtol=rtol, atol=atol):
            return f"every value is off by the same amount ({d:.6g}): a constant term is wrong."
        if g.ndim == 2 and g.T.shape == e.shape and np.allclose(g.T, e, rtol=rtol, atol=atol):
            return "your result is the transpose of the expected one."
    return None


def _step_hint(new, expected_new, old, rtol, atol):
    """A hint on the step new − old of an update (e.g. "twice too large"), or None."""
    try:
        new, expected_new, old = _as_array(new), _as_array(expected_new), _as_array(old)
        if not (new.shape == expected_new.shape == old.shape and np.all(np.isfinite(new))):
            return None
        return _hint(new - old, expected_new - old, rtol, atol)
    except (TypeError, ValueError):
        return None


def _kind_problem(got, expected):
    """Lines saying why ``got`` cannot be compared with ``expected`` (None, type, shape, NaN), or None."""
    if got is None:
        return ["got None: did the function forget to 'return' its result?"]
    if _is_bool(got) and not _is_bool(expected):
        return [f"got {_fmt(got)} (a bool), expected a number like {_fmt(expected)}",
                "hint: a comparison such as `a == b` or `x > 0` gives True/False; return the "
                "number itself."]
    try:
        g = _as_array(got)
    except (TypeError, ValueError):
        return [f"got {_fmt(got)} (a {type(got).__name__}), expected a number or an array like "
                f"{_fmt(expected)}"]
    e = _as_array(expected)
    if g.shape != e.shape:
        lines = [f"wrong shape: expected shape {e.shape}, got shape {g.shape}"]
        if g.size == e.size:
            lines.append("hint: same number of entries; check your reshapes, transposes or "
                         "row vs column vectors (.ravel() or .reshape(...)).")
        elif g.ndim != e.ndim:
            lines.append("hint: a sum or mean over the wrong axis, or missing keepdims?")
        return lines
    bad = ~np.isfinite(g) & np.isfinite(e)
    if bad.any():
        i = tuple(int(k) for k in np.argwhere(bad)[0])
        where = f" at index {i}" if g.ndim else ""
        return [f"got a non-finite value ({g[i]}){where} where {e[i]:.8g} was expected",
                f"got:      {_fmt(g)}",
                "hint: look for a division by zero, log(0), sqrt of a negative number or an overflow."]
    return None


def _problem(got, expected, rtol, atol):
    """``None`` when ``got`` matches ``expected``, else a list of lines saying what is wrong."""
    lines = _kind_problem(got, expected)
    if lines:
        return lines
    g, e = _as_array(got), _as_array(expected)
    close = np.isclose(g, e, rtol=rtol, atol=atol, equal_nan=True)
    if close.all():
        return None
    lines = [f"expected: {_fmt(e)}", f"got:      {_fmt(g)}"]
    if g.ndim:
        i = tuple(int(k) for k in np.argwhere(~close)[0])
        lines.append(f"first wrong entry: index {i}: expected {e[i]:.8g}, got {g[i]:.8g} "
                     f"({int((~close).sum())} of {g.size} entries wrong)")
    hint = _integer_hint(g, e) if _is_integer(expected) else _hint(g, e, rtol, atol)
    if hint:
        lines.append("hint: " + hint)
    return lines


def _plain(text):
    """Messages quote code with ' ', not Markdown backticks: a traceback shown on the web page
    is highlighted by Pygments, whose traceback lexer fails on backticks."""
    return text.replace("`", "'")


def _fail(title, lines, cause=None):
    message = "\n".join([f"✗ {title}"] + ["  " + line for line in lines])
    raise AssertionError(_plain(message)) from cause


class NotImplementedYet(AssertionError):
    """A reader's function is still the starter: its body is ``...`` (it returned None).

    An ``AssertionError``, so a notebook run stops at the checker, as for a wrong answer.
    """


def _not_implemented(what, cause=None):
    message = (f"✗ {what} returned None: it is not implemented yet, or it forgot to 'return' "
               "its result.\n  Replace the '...' in its body with your code and end it with "
               "'return <result>'.")
    raise NotImplementedYet(message) from cause


def _describe_arguments(args, kwargs):
    def one(x):
        if hasattr(x, "shape") and hasattr(x, "dtype"):
            return f"an array of shape {tuple(x.shape)}"
        return type(x).__name__
    described = [one(a) for a in args] + [f"{k}={one(v)}" for k, v in kwargs.items()]
    return ", ".join(described) if described else "no arguments"


def _exception_hint(err, args, kwargs):
    """A line saying what to fix for the usual exceptions in a reader's function."""
    text = str(err)
    called_with = f"the checker calls your function with {_describe_arguments(args, kwargs)}"
    if isinstance(err, TypeError) and ("argument" in text or "positional" in text):
        return [f"hint: {called_with}; make its parameters match the exercise's signature."]
    if isinstance(err, (ValueError, IndexError)) and any(
            word in text for word in ("shape", "broadcast", "index", "dimension", "size")):
        return [f"hint: {called_with}; check the shapes (print them) and your indexing."]
    if isinstance(err, NameError):
        return ["hint: a name is not defined inside your function: run the exercise's set-up cell "
                "first, or define the name inside the function."]
    if isinstance(err, ZeroDivisionError):
        return ["hint: a division by zero: is a denominator (a count, a norm, a step) zero?"]
    return []


def _call(fn, args, kwargs, what, where_lines):
    """Call a reader's function; turn an exception or a starter's ``None`` into a friendly failure."""
    try:
        result = fn(*args, **kwargs)
    except NotImplementedError as err:
        _not_implemented(what, cause=err)
    except Exception as err:  # the reader's bug, reported with the input that triggered it
        _fail(f"{what} raised {type(err).__name__}: {err}",
              where_lines + _exception_hint(err, args, kwargs), cause=err)
    if result is None or result is Ellipsis:
        _not_implemented(what)
    return result


def _leaves(x, label):
    """Flatten tuples, NamedTuples, lists and dicts into (label, value) pairs."""
    if hasattr(x, "_fields"):
        for k, v in zip(x._fields, x):
            yield from _leaves(v, f"{label}.{k}")
    elif isinstance(x, dict):
        for k, v in x.items():
            yield from _leaves(v, f"{label}[{k!r}]")
    elif isinstance(x, (tuple, list)):
        for i, v in enumerate(x):
            yield from _leaves(v, f"{label}[{i}]")
    else:
        yield label, x


def _compare_structure(got, expected, label, rtol, atol, names=None):
    """Compare nested results; return (label, problem lines) for the first mismatch or None.

    ``names`` labels the items of a top-level tuple (e.g. ("new theta", "new state")).
    """
    if hasattr(expected, "_fields") or isinstance(expected, dict):
        keys = expected._fields if hasattr(expected, "_fields") else list(expected)
        values = list(expected) if hasattr(expected, "_fields") else list(expected.values())
        if isinstance(got, dict):
            missing = [k for k in keys if k not in got]
            if missing:
                return label, [f"missing field(s) {missing}; expected fields {list(keys)}, got {list(got)}"]
            got_values = [got[k] for k in keys]
        elif hasattr(got, "_fields") and set(got._fields) >= set(keys):
            got_values = [getattr(got, k) for k in keys]
        elif isinstance(got, (tuple, list)) and len(got) == len(keys):
            got_values = list(got)
        else:
            return label, [f"expected {type(expected).__name__} with fields {list(keys)}, got {_fmt(got)}"]
        for k, g, e in zip(keys, got_values, values):
            found = _compare_structure(g, e, f"{label}.{k}", rtol, atol)
            if found:
                return found
        return None
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            n = len(got) if isinstance(got, (tuple, list)) else "not a tuple"
            return label, [f"expected a tuple of {len(expected)} values, got {_fmt(got)} ({n})",
                           f"hint: return all {len(expected)} results, e.g. `return new_theta, new_state`."]
        for i, (g, e) in enumerate(zip(got, expected)):
            item = names[i] if names and len(names) == len(expected) else f"{label}[{i}]"
            found = _compare_structure(g, e, item, rtol, atol)
            if found:
                return found
        return None
    if expected is None:   # e.g. torch's momentum_buffer before it exists, or an unused field
        if got is None:
            return None
        return label, [f"expected None, got {_fmt(got)}",
                       "hint: this field is not used with these settings: keep it None."]
    lines = _problem(got, expected, rtol, atol)
    return (label, lines) if lines else None


# --------------------------------------------------------------------------- checkers
def _value_not_given(name, got):
    """A starter leaves its answer as None or ``...``: say so as 'not implemented yet'."""
    if got is None or got is Ellipsis:
        raise NotImplementedYet(
            f"✗ {name} is {'None' if got is None else '...'}: it is not implemented yet, or a "
            "function forgot to 'return' its result.\n  Replace the '...' with your code.")


def check_equal(name, got, expected):
    r"""Check a reader's answer for exact equality: an integer, a bool, a string or an array.

    .. math::

        g = e \quad (\text{entry by entry for arrays; same shape})

    Use :func:`check_close` for floating-point results that may differ by rounding.

    Parameters
    ----------
    name : str
        What the value is (e.g. ``"number of steps"``).
    got : object
        The reader's answer.
    expected : int, bool, str, tuple or array_like
        The right answer.

    Returns
    -------
    None
        Prints ``✓ <name> is correct.`` on success.

    Raises
    ------
    AssertionError
        If ``got`` differs; the message shows both and, for integers, how far off.

    Examples
    --------
    >>> check_equal("number of steps", 42, 42)
    ✓ number of steps is correct.
    >>> check_equal("number of steps", 41, 42)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: ✗ number of steps is not correct.
      expected: 42
      got:      41
      hint: off by −1.

    References
    ----------
    C. R. Harris et al., "Array programming with NumPy", Nature 585, 2020,
    doi:10.1038/s41586-020-2649-2 (``numpy.array_equal``).
    """
    _value_not_given(name, got)
    if isinstance(expected, (str, bool, np.bool_)) or isinstance(got, str):
        equal = type(got) is type(expected) and got == expected
        if isinstance(expected, (bool, np.bool_)) and isinstance(got, (bool, np.bool_)):
            equal = bool(got) == bool(expected)
        if not equal:
            _fail(f"{name} is not correct.", [f"expected: {expected!r}", f"got:      {got!r}"])
    else:
        try:
            g, e = np.asarray(got), np.asarray(expected)
        except (TypeError, ValueError):
            _fail(f"{name} is not correct.", [f"expected: {_fmt(expected)}", f"got:      {got!r}"])
        if g.shape != e.shape:
            _fail(f"{name} is not correct.",
                  [f"wrong shape: expected shape {e.shape}, got shape {g.shape}"])
        if not np.array_equal(g, e):
            lines = [f"expected: {_fmt(e)}", f"got:      {_fmt(g)}"]
            if _is_integer(expected) and _is_integer(got):
                hint = _integer_hint(g, e)
                if hint:
                    lines.append("hint: " + hint)
            _fail(f"{name} is not correct.", lines)
    print(f"✓ {name} is correct.")


def check_between(name, got, low, high, hint=None):
    r"""Check that a measured number lands in a stated target range.

    .. math::

        \text{low} \le g \le \text{high}

    For experiments whose exact result depends on choices left to the reader (a seed,
    a step count): the exercise states the target ("expect about 25 %"), the checker
    says whether the reader's number is in the range.

    Parameters
    ----------
    name : str
        What the number is (e.g. ``"final loss"``).
    got : float
        The reader's number.
    low, high : float
        The target range, ``low <= high``.
    hint : str, optional
        What to look at when the number misses the range (default: re-read the
        exercise's set-up).

    Returns
    -------
    None
        Prints ``✓ <name> = <got> is in [low, high].``

    Raises
    ------
    AssertionError
        If ``got`` is not a finite number in the range.
    ValueError
        If ``low > high``.

    Examples
    --------
    >>> check_between("share of rare features", 0.24, 0.2, 0.3)
    ✓ share of rare features = 0.24 is in [0.2, 0.3].

    References
    ----------
    C. R. Harris et al., "Array programming with NumPy", Nature 585, 2020,
    doi:10.1038/s41586-020-2649-2.
    """
    low = _validate.real("low", low)
    high = _validate.real("high", high)
    if low > high:
        raise ValueError(f"low must be <= high, got low={low} > high={high}")
    _value_not_given(name, got)
    lines = _kind_problem(got, float(low))
    if lines:
        _fail(f"{name} is not a number in [{low:g}, {high:g}].", lines)
    value = float(_as_array(got))
    if not low <= value <= high:
        side = "below" if value < low else "above"
        _fail(f"{name} = {value:.4g} is {side} the target range [{low:g}, {high:g}].",
              ["hint: " + (hint if hint is not None else
                           "re-read the exercise's set-up (its sizes, steps, rates) and try again")])
    print(f"✓ {name} = {value:.4g} is in [{low:g}, {high:g}].")


def check_close(name, got, expected, rtol=1e-6, atol=1e-8):
    r"""Check a reader's number or array against the expected value.

    .. math::

        |g_i - e_i| \le \text{atol} + \text{rtol}\,|e_i| \quad \text{for every entry } i

    Parameters
    ----------
    name : str
        What the value is, used in the feedback (e.g. ``"gradient at A"``).
    got : number, array_like or torch.Tensor
        The reader's answer.
    expected : number or array_like
        The right answer.
    rtol, atol : float
        Relative and absolute tolerances.

    Returns
    -------
    None
        Prints ``✓ <name> is correct.`` on success.

    Raises
    ------
    AssertionError
        If the shapes differ, ``got`` is NaN/inf or not numeric, or a value is off; the
        message shows expected vs got and a hint.

    Examples
    --------
    >>> check_close("gradient at A", [8.0, 7.0, 27.0], np.array([8.0, 7.0, 27.0]))
    ✓ gradient at A is correct.
    >>> check_close("gradient at A", [-8.0, -7.0, -27.0], [8.0, 7.0, 27.0])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: ✗ gradient at A is not correct.
      expected: [8, 7, 27]
      got:      [-8, -7, -27]
      first wrong entry: index (0,): expected 8, got -8 (3 of 3 entries wrong)
      hint: the sign is flipped (you got −expected).

    References
    ----------
    C. R. Harris et al., "Array programming with NumPy", Nature 585, 2020,
    doi:10.1038/s41586-020-2649-2 (``numpy.isclose``).
    """
    _value_not_given(name, got)
    lines = _problem(got, expected, rtol, atol)
    if lines:
        _fail(f"{name} is not correct.", lines)
    print(f"✓ {name} is correct.")


def check_gradient(f, reader_grad, points=None, shape=(2,), n_points=5, seed=0, scale=1.0,
                   h=1e-6, rtol=1e-5, atol=1e-6):
    r"""Check a reader's gradient function against central finite differences at random points.

    .. math::

        \frac{\partial f}{\partial \theta_i}(\theta) \approx
        \frac{f(\theta + h e_i) - f(\theta - h e_i)}{2h}
        \quad (\text{error } O(h^2), \text{ from } \texttt{gdlab.calculus.numerical\_gradient})

    Random points (not 0 or 1, where many bugs hide) are drawn as
    :math:`\theta \sim \mathcal N(0, \text{scale}^2 I)`.

    Parameters
    ----------
    f : callable
        ``f(theta) -> float``, the function whose gradient is wanted.
    reader_grad : callable
        ``reader_grad(theta) -> array`` of the shape of ``theta`` (gets a copy of ``theta``).
        The order ``(f, grad)`` is that of :func:`gdlab.calculus.gradient_check`; swapped
        arguments are recognised and reported.
    points : iterable of array_like, optional
        Points to check at; default: ``n_points`` random points of shape ``shape``.
    shape : tuple of int
        Shape of the random points.
    n_points : int >= 1
    seed : int
        Seed of the random points.
    scale : float > 0
        Standard deviation of the random points.
    h : float > 0
        Finite-difference step.
    rtol, atol : float
        Tolerances (finite differences are accurate to about 1e-9 here).

    Returns
    -------
    None
        Prints a ``✓`` line on success.

    Raises
    ------
    AssertionError
        At the first point where the reader's gradient is wrong, raises, has the wrong
        shape or is not finite; the message names the point.
    ValueError
        If ``n_points`` < 1, ``scale`` <= 0 or ``seed`` < 0.
    TypeError
        If ``n_points`` or ``seed`` is not an integer or ``scale`` not a number.

    Examples
    --------
    >>> f = lambda p: p[0] ** 2 + 3 * p[0] * p[1] + p[1] ** 2
    >>> def my_grad(p):
    ...     return np.array([2 * p[0] + 3 * p[1], 3 * p[0] + 2 * p[1]])
    >>> check_gradient(f, my_grad)
    ✓ my_grad matches the finite-difference gradient at 5 random points.
    >>> def half_grad(p):
    ...     return np.array([p[0] + 1.5 * p[1], 1.5 * p[0] + p[1]])
    >>> check_gradient(f, half_grad)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: ✗ half_grad is wrong at point 1 of 5.
    ...
      hint: every value is 0.5 × the expected one: a constant factor is off ...

    References
    ----------
    J. Nocedal, S. J. Wright, *Numerical Optimization*, 2nd ed., Springer, 2006, sec. 8.1,
    doi:10.1007/978-0-387-40065-5. S. Ruder, "An overview of gradient descent optimization
    algorithms", arXiv:1609.04747, 2016.
    """
    if points is None:
        n_points = _validate.integer("n_points", n_points, low=1)
        scale = _validate.real("scale", scale, low=0, low_open=True)
        rng = np.random.default_rng(_validate.seed("seed", seed))
        points = [scale * rng.standard_normal(shape) for _ in range(n_points)]
        kind = "random points"
    else:
        points = [np.asarray(p, dtype=float) for p in points]
        kind = "points"
    if not callable(f) or not callable(reader_grad):
        raise TypeError("check_gradient(f, grad_fn, ...) needs two functions, got "
                        f"{type(f).__name__} and {type(reader_grad).__name__}")
    _refuse_swapped_gradient_arguments(f, reader_grad, points[0])
    name = _name(reader_grad)
    for k, theta in enumerate(points, start=1):
        where = [f"at theta = {_fmt(theta)}"]
        expected = calculus.numerical_gradient(f, theta, h)
        got = _call(reader_grad, (theta.copy(),), {}, name, where)
        lines = _problem(got, expected, rtol, atol)
        if lines:
            lines = [line + "   (finite differences)" if line.startswith("expected:") else line
                     for line in lines]
            _fail(f"{name} is wrong at point {k} of {len(points)}.", where + lines)
    print(f"✓ {name} matches the finite-difference gradient at {len(points)} {kind}.")


def _refuse_swapped_gradient_arguments(f, grad_fn, theta):
    """Fail with a clear message when ``f`` returns a gradient and ``grad_fn`` a number."""
    try:
        f_value = np.asarray(f(np.array(theta, dtype=float)))
        g_value = np.asarray(grad_fn(np.array(theta, dtype=float)))
    except Exception:  # the call itself is checked, with a friendly message, below
        return
    theta_shape = np.shape(theta)
    if (f_value.shape == theta_shape and f_value.size > 1 and g_value.size == 1):
        _fail("the arguments look swapped: the first returns an array, the second a number.",
              ["call check_gradient(f, grad_fn): the function first, then your gradient"])


def check_update(reader_update, reference_update, cases, rtol=1e-7, atol=1e-10, name=None,
                 output_names=None):
    r"""Check a reader's pure function against a reference function on several inputs.

    For every case the two functions get their own deep copies of the same arguments and
    must return the same result: a number, an array, or a (nested) tuple / NamedTuple /
    dict of them (a NamedTuple result may be answered with a dict or tuple of the same
    fields). A reader's function that modifies its inputs in place fails too:

    .. math::

        \text{reader}(x_k) = \text{reference}(x_k) \ \text{(to tolerance)}, \quad
        x_k \text{ unchanged}, \quad k = 1, \dots, K

    Parameters
    ----------
    reader_update, reference_update : callable
    cases : iterable of dict or tuple
        Keyword arguments (dict) or positional arguments (tuple) of each call.
    rtol, atol : float
        Tolerances.
    name : str, optional
        How to call the reader's function in the feedback (default: its ``__name__``).
    output_names : sequence of str, optional
        Names of the items of a tuple result, for the feedback (e.g. ``("new theta", "velocity")``).

    Returns
    -------
    None
        Prints a ``✓`` line on success.

    Raises
    ------
    AssertionError
        At the first case where the reader's result differs, has a different structure or
        shape, is NaN, raises, or the function changed an input; the message shows the inputs.
    ValueError
        If ``cases`` is empty.

    Examples
    --------
    >>> def reference(theta, grad, velocity, lr=0.1, gamma=0.9):
    ...     velocity = gamma * velocity + lr * grad
    ...     return theta - velocity, velocity
    >>> def mine(theta, grad, velocity, lr=0.1, gamma=0.9):
    ...     v = gamma * velocity + lr * grad
    ...     return theta - v, v
    >>> rng = np.random.default_rng(0)
    >>> cases = [tuple(rng.standard_normal((3, 2))) for _ in range(4)]
    >>> check_update(mine, reference, cases)
    ✓ mine agrees with reference on 4 cases.

    References
    ----------
    S. Ruder, "An overview of gradient descent optimization algorithms", arXiv:1609.04747, 2016.
    """
    n = _check_update(reader_update, reference_update, cases, rtol, atol, name, output_names)
    print(f"✓ {name or _name(reader_update)} agrees with {_name(reference_update, 'the reference')} "
          f"on {n} cases.")


def _check_update(reader_update, reference_update, cases, rtol, atol, name, output_names):
    cases = list(cases)
    if not cases:
        raise ValueError("cases must hold at least one dict or tuple of arguments, got none")
    name = name or _name(reader_update)
    try:
        signature = inspect.signature(reference_update)
    except (TypeError, ValueError):
        signature = None
    for k, case in enumerate(cases, start=1):
        args, kwargs = ((), dict(case)) if isinstance(case, dict) else (tuple(case), {})
        try:
            named = signature.bind_partial(*args, **kwargs).arguments
        except (AttributeError, TypeError):
            named = {**{f"arg{i}": a for i, a in enumerate(args)}, **kwargs}
        where = [f"inputs (case {k} of {len(cases)}):"] + [f"  {p} = {_fmt(v)}" for p, v in named.items()]
        expected = reference_update(*copy.deepcopy(args), **copy.deepcopy(kwargs))
        reader_args, reader_kwargs = copy.deepcopy(args), copy.deepcopy(kwargs)
        got = _call(reader_update, reader_args, reader_kwargs, name, where)
        found = _compare_structure(got, expected, "result", rtol, atol, output_names)
        if found:
            label, lines = found
            if label.endswith(".step") and len(lines) > 1:
                lines = lines + ["hint: the state counts the steps too: return state.step + 1."]
            if label == "new theta" and args and not lines[-1].startswith("hint"):
                step_hint = _step_hint(got[0], expected[0], args[0], rtol, atol)
                if step_hint:
                    lines = lines + ["hint: for your step (new theta − theta), " + step_hint]
            title = f"{name} is not correct for case {k} of {len(cases)}"
            _fail(title + ("." if label == "result" else f": {label} is wrong."), where + lines)
        positional = [q.name for q in (signature.parameters.values() if signature else ())
                      if q.kind in (q.POSITIONAL_ONLY, q.POSITIONAL_OR_KEYWORD)]
        labels = [positional[i] if i < len(positional) else f"arg{i}" for i in range(len(args))]
        for p, before, after in [*zip(labels, args, reader_args),
                                 *((key, kwargs[key], reader_kwargs[key]) for key in kwargs)]:
            for (leaf, old), (_, new) in zip(_leaves(before, p), _leaves(after, p)):
                try:
                    same = np.array_equal(_as_array(old), _as_array(new), equal_nan=True)
                except (TypeError, ValueError):
                    continue
                if not same:
                    _fail(f"{name} changed its input {leaf} in place (case {k} of {len(cases)}).",
                          where + [f"{leaf} was changed to {_fmt(new)}",
                                   "hint: build new arrays (new = theta - lr * grad) instead of updating "
                                   "in place (theta -= ...); the caller still needs the old values."])
    return len(cases)


def check_optimizer_step(reader_step, reference_optimizer, n_cases=5, shape=(3,), seed=0, max_history=4,
                         state_as="namedtuple", ignore_fields=(), rtol=1e-7, atol=1e-10):
    r"""Check a reader's optimizer step against a gdlab optimizer for several random states.

    The optimizers of :mod:`gdlab.optim` are pure: ``state = opt.init(theta)`` and
    ``theta, state = opt.step(theta, grad, state)``. The reader writes

    .. math::

        (\theta_{t+1}, s_{t+1}) = \texttt{reader\_step}(\theta_t, g_t, s_t)

    with the optimizer's hyper-parameters fixed inside (e.g. as default arguments). Case 1
    starts from a fresh state; the others first run the reference for 1 to ``max_history``
    random steps, so moments, accumulators and step counters are non-trivial.

    Parameters
    ----------
    reader_step : callable
        ``reader_step(theta, grad, state) -> (new_theta, new_state)``; ``new_state`` may be a
        NamedTuple like gdlab's, a dict with the same field names, or a tuple in field order.
    reference_optimizer : gdlab optimizer
        Any object with ``init(theta)`` and ``step(theta, grad, state)``, e.g.
        ``gdlab.optim.Momentum(lr=0.1, gamma=0.9)``.
    n_cases : int >= 1
    shape : tuple of int
        Shape of the random parameters.
    seed : int
    max_history : int >= 1
        Most reference steps taken before a case.
    state_as : {"namedtuple", "dict"}
        Give the reader the state as gdlab's NamedTuple (``state.velocity``) or as a dict
        (``state["velocity"]``).
    ignore_fields : sequence of str
        State fields the reader need not return (not compared), e.g. ``("step",)`` for an
        exercise on momentum that does not count steps.
    rtol, atol : float

    Returns
    -------
    None
        Prints a ``✓`` line on success.

    Raises
    ------
    AssertionError
        As :func:`check_update`, naming the wrong field (e.g. ``new state.velocity``).
    ValueError
        If ``n_cases`` or ``max_history`` is < 1, ``seed`` < 0, or ``state_as`` or
        ``ignore_fields`` is invalid.
    TypeError
        If ``reference_optimizer`` has no ``init`` and ``step`` methods, or ``n_cases``,
        ``max_history`` or ``seed`` is not an integer.

    Examples
    --------
    >>> from gdlab import optim
    >>> def my_momentum(theta, grad, state, lr=0.1, gamma=0.9):
    ...     v = gamma * state.velocity + lr * grad
    ...     return theta - v, state._replace(step=state.step + 1, velocity=v)
    >>> check_optimizer_step(my_momentum, optim.Momentum(lr=0.1, gamma=0.9))
    ✓ my_momentum agrees with Momentum.step on 5 random states.

    The state as a dict, without the step counter:

    >>> def my_step(theta, grad, state, lr=0.1, gamma=0.9):
    ...     v = gamma * state["velocity"] + lr * grad
    ...     return theta - v, {"velocity": v}
    >>> check_optimizer_step(my_step, optim.Momentum(lr=0.1, gamma=0.9), state_as="dict",
    ...                      ignore_fields=("step",))
    ✓ my_step agrees with Momentum.step on 5 random states.

    References
    ----------
    B. T. Polyak, "Some methods of speeding up the convergence of iteration methods", USSR
    Computational Mathematics and Mathematical Physics 4(5), 1964, doi:10.1016/0041-5553(64)90137-5.
    """
    n_cases = _validate.integer("n_cases", n_cases, low=1)
    max_history = _validate.integer("max_history", max_history, low=1)
    seed = _validate.seed("seed", seed)
    opt = reference_optimizer
    if not (callable(getattr(opt, "init", None)) and callable(getattr(opt, "step", None))):
        raise TypeError(f"reference_optimizer must have init(theta) and step(theta, grad, state) like the "
                        f"gdlab.optim optimizers, got {reference_optimizer!r}")
    if state_as not in ("namedtuple", "dict"):
        raise ValueError(f"state_as must be 'namedtuple' or 'dict', got {state_as!r}")
    rng = np.random.default_rng(seed)
    cases = []
    for k in range(n_cases):
        theta = rng.standard_normal(shape)
        state = reference_optimizer.init(theta)
        for _ in range(0 if k == 0 else int(rng.integers(1, max_history + 1))):
            theta, state = reference_optimizer.step(theta, rng.standard_normal(shape), state)
        cases.append((theta, rng.standard_normal(shape), state))
    state_type = type(cases[0][2])
    unknown = set(ignore_fields) - set(getattr(state_type, "_fields", ()))
    if isinstance(ignore_fields, str) or unknown:
        raise ValueError(f"ignore_fields must name fields of {state_type.__name__} "
                         f"{getattr(state_type, '_fields', ())}, got {ignore_fields!r}")

    def reference(theta, grad, state):
        if state_as == "dict":
            state = state_type(**state)
        new_theta, new_state = reference_optimizer.step(theta, grad, state)
        if ignore_fields:
            new_state = {k: v for k, v in new_state._asdict().items() if k not in ignore_fields}
        return new_theta, new_state

    if state_as == "dict":
        cases = [(theta, grad, state._asdict()) for theta, grad, state in cases]
    reference.__name__ = f"{type(reference_optimizer).__name__}.step"
    _check_update(reader_step, reference, cases, rtol, atol, None, ("new theta", "new state"))
    print(f"✓ {_name(reader_step)} agrees with {reference.__name__} on {n_cases} random states.")


def check_schedule(reader_schedule, reference, epochs=20, rtol=1e-9, atol=1e-12, name=None):
    r"""Check a reader's learning-rate schedule against a reference, epoch by epoch.

    .. math::

        \eta_\text{reader}(t) = \eta_\text{ref}(t) \ \text{(to tolerance)}, \quad t = 0, 1, \dots, T - 1

    Parameters
    ----------
    reader_schedule : callable
        ``reader_schedule(epoch) -> float`` with epochs counted from 0.
    reference : callable or sequence of float
        ``reference(epoch) -> float``, or the learning rates of epochs 0, 1, ... (e.g. read
        from a torch scheduler); a sequence sets ``epochs = len(reference)``.
    epochs : int >= 1
        Number of epochs to compare (for a callable reference).
    rtol, atol : float
    name : str, optional

    Returns
    -------
    None
        Prints a ``✓`` line on success.

    Raises
    ------
    AssertionError
        At the first wrong epoch, with a small table around it, and a hint when the
        schedule is shifted by one epoch.
    ValueError
        If ``epochs`` < 1 or ``reference`` is an empty sequence.
    TypeError
        If ``epochs`` is not an integer.

    Examples
    --------
    >>> reference = lambda t: 0.1 * 0.5 ** (t // 10)     # step decay
    >>> def my_step_decay(epoch):
    ...     return 0.1 * 0.5 ** (epoch // 10)
    >>> check_schedule(my_step_decay, reference, epochs=30)
    ✓ my_step_decay matches the reference schedule for epochs 0–29.
    >>> def late(epoch):
    ...     return 0.1 * 0.5 ** ((epoch - 1) // 10)
    >>> check_schedule(late, reference, epochs=30)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: ✗ late is wrong from epoch 0 on (... of 30 epochs wrong).
    ...

    References
    ----------
    C. Darken, J. Chang, J. Moody, "Learning rate schedules for faster stochastic gradient
    search", Neural Networks for Signal Processing II, IEEE, 1992, doi:10.1109/NNSP.1992.253713.
    """
    if callable(reference):
        epochs = _validate.integer("epochs", epochs, low=1)
        expected = [float(reference(t)) for t in range(epochs)]
    else:
        expected = [float(v) for v in reference]
        if not expected:
            raise ValueError("reference must be a callable or a non-empty sequence, got an empty sequence")
    name = name or _name(reader_schedule)
    n = len(expected)
    got = []
    for t in range(n):
        value = _call(reader_schedule, (t,), {}, name, [f"at epoch {t}"])
        lines = _kind_problem(value, expected[t])
        if lines:
            _fail(f"{name} is wrong at epoch {t}.", lines)
        got.append(float(_as_array(value)))
    g, e = np.array(got), np.array(expected)
    wrong = ~np.isclose(g, e, rtol=rtol, atol=atol)
    if not wrong.any():
        print(f"✓ {name} matches the reference schedule for epochs 0–{n - 1}.")
        return
    first = int(np.argmax(wrong))
    rows = [f"{'epoch':>7}  {'expected':>12}  {'got':>12}"]
    for t in range(max(0, first - 2), min(n, first + 4)):
        mark = "  <- wrong" if wrong[t] else ""
        rows.append(f"{t:>7}  {e[t]:>12.6g}  {g[t]:>12.6g}{mark}")
    if n > 1 and np.allclose(g[1:], e[:-1], rtol=rtol, atol=atol):
        rows.append("hint: your schedule is one epoch late (yours at t = reference at t − 1): "
                    "do you count epochs from 1 instead of 0?")
    elif n > 1 and np.allclose(g[:-1], e[1:], rtol=rtol, atol=atol):
        rows.append("hint: your schedule is one epoch early (yours at t = reference at t + 1).")
    else:
        hint = _hint(g, e, rtol, atol)
        if hint:
            rows.append("hint: " + hint)
    _fail(f"{name} is wrong from epoch {first} on ({int(wrong.sum())} of {n} epochs wrong).", rows)


# ---- chapter 02 exercises
def check_flat_direction(reader_fn, n_random=4, seed=0, atol=1e-8):
    r"""Check a reader's unit direction along which a function does not change to first order.

    For a gradient :math:`g \ne 0` in :math:`\mathbb{R}^3` the reader returns a direction
    :math:`u` with

    .. math::

        \lVert u \rVert = 1, \qquad D_u f = g \cdot u = 0,

    i.e. a unit vector tangent to the level set. The cases are the gradient
    :math:`(8, 7, 27)` of chapter 2's worked example, gradients along each axis (where the
    cross product with that axis vanishes), one along :math:`(1, 1, 1)` (where the cross product
    with that fixed vector vanishes) and ``n_random`` random gradients of random scale.

    Parameters
    ----------
    reader_fn : callable
        ``reader_fn(grad) -> array`` of shape ``(3,)``; gets a copy of ``grad``.
    n_random : int >= 0
        Number of random gradients after the fixed cases.
    seed : int >= 0
        Seed of the random gradients.
    atol : float
        Tolerance on :math:`|g \cdot u| / \lVert g \rVert` and on :math:`|\lVert u \rVert - 1|`.

    Returns
    -------
    None
        Prints a ``✓`` line on success.

    Raises
    ------
    AssertionError
        At the first gradient where the reader's direction raises, is not a finite array of
        shape ``(3,)``, is zero, is not perpendicular to the gradient, or is not of length 1;
        with a hint (e.g. the cross product with a parallel axis, a missing normalisation).
    TypeError
        If ``reader_fn`` is not callable, or ``n_random`` or ``seed`` is not an integer.
    ValueError
        If ``n_random`` or ``seed`` is negative.

    Examples
    --------
    >>> def flat(g):
    ...     axis = np.zeros(3)
    ...     axis[np.argmin(np.abs(g))] = 1.0
    ...     u = np.cross(g, axis)
    ...     return u / np.linalg.norm(u)
    >>> check_flat_direction(flat)  # doctest: +ELLIPSIS
    ✓ flat returns a unit vector perpendicular to the gradient in all 9 cases ...
    >>> def unnormalised(g):
    ...     return np.cross(g, [1.0, 0.0, 0.0])
    >>> check_flat_direction(unnormalised)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: ✗ unnormalised is perpendicular to the gradient but not a unit vector (case 1 of 9).
    ...
      hint: divide u by its length, np.linalg.norm(u).

    References
    ----------
    I. Goodfellow, Y. Bengio, A. Courville, *Deep Learning*, MIT Press, 2016, sec. 4.3
    (directional derivative). G. Strang, *Introduction to Linear Algebra*, 5th ed.,
    Wellesley-Cambridge Press, 2016, sec. 4.1 (orthogonal vectors).
    """
    if not callable(reader_fn):
        raise TypeError(f"check_flat_direction(reader_fn) needs a function, got "
                        f"{type(reader_fn).__name__}")
    n_random = _validate.integer("n_random", n_random, low=0)
    rng = np.random.default_rng(_validate.seed("seed", seed))
    gradients = [np.array([8.0, 7.0, 27.0]), np.array([5.0, 0.0, 0.0]),
                 np.array([0.0, -2.0, 0.0]), np.array([0.0, 0.0, 0.5]),
                 np.array([2.0, 2.0, 2.0])]  # a cross product with a fixed (1, 1, 1) fails here
    gradients += [10.0 ** rng.uniform(-1, 1) * rng.standard_normal(3) for _ in range(n_random)]
    name = _name(reader_fn)
    n = len(gradients)
    for k, g in enumerate(gradients, start=1):
        where = [f"for grad = {_fmt(g)}"]
        u = _call(reader_fn, (g.copy(),), {}, name, where)
        along_axis = ("hint: this gradient lies along an axis, and the cross product with a "
                      "parallel vector is 0 (dividing it by its length gives NaN): cross with an "
                      "axis that grad is not parallel to, e.g. the one where |grad| is smallest.")
        if np.count_nonzero(g) != 1:
            along_axis = ("hint: this gradient is parallel to (1, 1, 1), and the cross product with "
                          "a parallel vector is 0: a fixed vector fails for the gradients along it, "
                          "so choose it from grad, e.g. the axis where |grad| is smallest."
                          if np.ptp(g) == 0 else None)
        lines = _kind_problem(u, g)
        if lines:
            if lines[0].startswith("got a non-finite"):  # u has no expected value to quote
                lines[0] = lines[0].split(" where ")[0]
            if along_axis and lines[0].startswith("got a non-finite"):
                lines = [line for line in lines if not line.startswith("hint")] + [along_axis]
            _fail(f"{name} returned no usable direction for case {k} of {n}.", where + lines)
        u = _as_array(u)
        length = float(np.linalg.norm(u))
        if length < 1e-12:
            lines = ["got the zero vector: it has no direction (length 0, not 1)"]
            if along_axis:
                lines.append(along_axis)
            _fail(f"{name} returned no usable direction for case {k} of {n}.", where + lines)
        cosine = float(g @ u) / (np.linalg.norm(g) * length)
        if abs(cosine) > atol:
            lines = [f"grad · u = {float(g @ u):.6g}, not 0: f changes along your u",
                     f"got:      u = {_fmt(u)}"]
            if abs(cosine) > 1 - 1e-9:
                lines.append("hint: u points along ±grad: that is the direction of steepest "
                             "change, the opposite of flat; take a vector perpendicular to grad.")
            else:
                lines.append("hint: u must be perpendicular to grad (a zero dot product), e.g. a "
                             "cross product of grad with another vector.")
            _fail(f"{name} is not perpendicular to the gradient for case {k} of {n}.", where + lines)
        if abs(length - 1) > atol:
            _fail(f"{name} is perpendicular to the gradient but not a unit vector (case {k} of {n}).",
                  where + [f"got:      u = {_fmt(u)} of length {length:.6g}",
                           "hint: divide u by its length, np.linalg.norm(u)."])
    print(f"✓ {name} returns a unit vector perpendicular to the gradient in all {n} cases (the "
          f"worked example, gradients along each axis and along (1, 1, 1), {n_random} random "
          f"ones).")


def _random_spd(rng, n):
    """A random symmetric positive definite n×n matrix with eigenvalues in [0.1, 20]."""
    q = np.linalg.qr(rng.standard_normal((n, n)))[0]
    eigenvalues = 10.0 ** rng.uniform(-1, np.log10(20), n)
    h = (q * eigenvalues) @ q.T
    return (h + h.T) / 2


def check_stable_rate(reader_fn, n_random=4, seed=0, rtol=1e-6):
    r"""Check a reader's largest stable learning rate of gradient descent on a quadratic.

    Gradient descent on :math:`J(\theta) = \frac12 \theta^\top H \theta` multiplies the
    coordinate along the eigenvector of eigenvalue :math:`\lambda_i` by
    :math:`1 - \eta\lambda_i` per step, so it converges exactly when

    .. math::

        \eta < \eta_{\max} = \frac{2}{\lambda_{\max}(H)} .

    The cases are chapter 2's valley :math:`\mathrm{diag}(1, 10)`, the matrix
    :math:`\begin{pmatrix} 3 & 1 \\ 1 & 3 \end{pmatrix}` (whose diagonal is not its spectrum)
    and ``n_random`` random symmetric positive definite matrices of sizes 2 to 5. When every
    value is right, gradient descent is run for 500 steps from a random start at 0.98 and at
    1.02 times the reader's rate on every matrix: the loss must fall at the first and grow
    more than a thousandfold at the second.

    Parameters
    ----------
    reader_fn : callable
        ``reader_fn(H) -> float``; gets a copy of ``H``.
    n_random : int >= 0
        Number of random matrices after the two fixed ones.
    seed : int >= 0
        Seed of the random matrices and starts.
    rtol : float
        Relative tolerance on the rate.

    Returns
    -------
    None
        Prints a ``✓`` line on success.

    Raises
    ------
    AssertionError
        At the first matrix where the reader's rate raises, is not a number, or is wrong;
        with a hint for the usual slips (smallest eigenvalue, :math:`1/\lambda_{\max}`,
        :math:`\lambda_{\max}/2`, the largest diagonal entry).
    TypeError
        If ``reader_fn`` is not callable, or ``n_random`` or ``seed`` is not an integer.
    ValueError
        If ``n_random`` or ``seed`` is negative.

    Examples
    --------
    >>> def rate(H):
    ...     return 2 / np.linalg.eigvalsh(H).max()
    >>> check_stable_rate(rate)  # doctest: +ELLIPSIS
    ✓ rate gives 2/λ_max on 6 matrices (2×2 to 5×5); gradient descent converges at 0.98 × ...
    >>> def from_diagonal(H):
    ...     return 2 / np.max(np.diag(H))
    >>> check_stable_rate(from_diagonal)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: ✗ from_diagonal is not correct for H = [[3, 1], [1, 3]].
    ...
      hint: the diagonal entries are the curvatures only when H is diagonal: ...

    References
    ----------
    Y. LeCun, L. Bottou, G. B. Orr, K.-R. Müller, "Efficient BackProp", in *Neural Networks:
    Tricks of the Trade*, Springer, 1998, doi:10.1007/3-540-49430-8_2 (sec. 5).
    J. Nocedal, S. J. Wright, *Numerical Optimization*, 2nd ed., Springer, 2006, sec. 3.3.
    """
    if not callable(reader_fn):
        raise TypeError(f"check_stable_rate(reader_fn) needs a function, got {type(reader_fn).__name__}")
    n_random = _validate.integer("n_random", n_random, low=0)
    rng = np.random.default_rng(_validate.seed("seed", seed))
    cases = [("the valley H = diag(1, 10)", np.diag([1.0, 10.0])),
             ("H = [[3, 1], [1, 3]]", np.array([[3.0, 1.0], [1.0, 3.0]]))]
    for k in range(n_random):
        size = 2 + k % 4
        cases.append((f"a random {size}×{size} H", _random_spd(rng, size)))
    name = _name(reader_fn)
    rates = []
    for label, H in cases:
        where = ["H = " + _fmt(H).replace("\n", "")]
        eigenvalues = np.linalg.eigvalsh(H)
        expected = 2 / eigenvalues.max()
        got = _call(reader_fn, (H.copy(),), {}, name, where)
        lines = _kind_problem(got, expected)
        if lines:
            if np.ndim(got) > 0:
                lines = [line for line in lines if not line.startswith("hint")] + [
                    "hint: return one number, 2 divided by the largest eigenvalue "
                    "(np.linalg.eigvalsh(H) returns them all, in increasing order)."]
            _fail(f"{name} did not return a number for {label}.", where + lines)
        value = float(_as_array(got))
        if np.isclose(value, expected, rtol=rtol, atol=0):
            rates.append(value)
            continue
        slips = [(2 / eigenvalues.min(), "you used the smallest eigenvalue: the steepest curvature, "
                                         "λ_max, limits the step."),
                 (1 / eigenvalues.max(), "1/λ_max is where the steepest direction starts to oscillate; "
                                         "gradient descent still converges up to 2/λ_max."),
                 (eigenvalues.max() / 2, "upside down: the bound is 2/λ_max, not λ_max/2."),
                 (2 / np.max(np.diag(H)), "the diagonal entries are the curvatures only when H is "
                                          "diagonal: use the eigenvalues, np.linalg.eigvalsh(H)."),
                 (2 / np.abs(H).max(), "the largest entry of H is not its largest eigenvalue: use "
                                       "np.linalg.eigvalsh(H).")]
        lines = [f"expected: {expected:.8g}   (2/λ_max, eigenvalues {_fmt(eigenvalues)})",
                 f"got:      {value:.8g}"]
        for candidate, hint in slips:
            if np.isclose(value, candidate, rtol=rtol) and not np.isclose(candidate, expected, rtol=rtol):
                lines.append("hint: " + hint)
                break
        _fail(f"{name} is not correct for {label.removeprefix('the valley ')}.", where + lines)
    for (label, H), rate in zip(cases, rates):
        theta0 = rng.standard_normal(H.shape[0])
        loss0 = 0.5 * theta0 @ H @ theta0
        for factor in (0.98, 1.02):
            theta = theta0
            for _ in range(500):
                theta = theta - factor * rate * (H @ theta)
            loss = 0.5 * theta @ H @ theta
            if (factor < 1 and not loss < loss0) or (factor > 1 and not loss > 1e3 * loss0):
                raise RuntimeError(f"gradient descent at {factor} × 2/λ_max behaved unexpectedly on "
                                   f"{label}: loss {loss0:.3g} -> {loss:.3g}")  # pragma: no cover
    size = max(H.shape[0] for _, H in cases)
    print(f"✓ {name} gives 2/λ_max on {len(cases)} matrices (2×2 to {size}×{size}); gradient descent "
          f"converges at 0.98 × your rate and diverges at 1.02 × it on every one.")


def _widrow_hoff_pass(w, X, y, lr):
    """One pass of the per-example LMS rule over the rows of ``X``, in order."""
    w = np.array(w, dtype=float)
    for x_d, y_d in zip(X, y):
        w = w + lr * (y_d - w @ x_d) * x_d
    return w


def check_widrow_hoff_pass(reader_fn, n_cases=4, seed=0, rtol=1e-9, atol=1e-12):
    r"""Check a reader's pass of the Widrow–Hoff (LMS) rule over a data set, one example at a time.

    For :math:`d = 1, \dots, D` in order, each update using the weights left by the one before,

    .. math::

        w \leftarrow w + \eta\,(y_d - w \cdot x_d)\,x_d .

    The reader's function is compared on ``n_cases`` random problems (1 to 4 weights, 3 to 12
    examples, :math:`\eta \in [0.02, 0.2]`) with the reference, and must not change its inputs.

    Parameters
    ----------
    reader_fn : callable
        ``reader_fn(w, X, y, lr) -> array``, the weights after one pass over the rows of ``X``.
    n_cases : int >= 1
    seed : int >= 0
        Seed of the random problems.
    rtol, atol : float
        Tolerances.

    Returns
    -------
    None
        Prints a ``✓`` line on success.

    Raises
    ------
    AssertionError
        At the first problem where the reader's weights raise, have the wrong shape, are not
        finite or are wrong (with a hint when they are one batch delta-rule step, use only the
        first or last example, or take the examples in reverse order), or when the function
        changed ``w``, ``X`` or ``y`` in place.
    TypeError
        If ``reader_fn`` is not callable, or ``n_cases`` or ``seed`` is not an integer.
    ValueError
        If ``n_cases`` < 1 or ``seed`` < 0.

    Examples
    --------
    >>> def one_pass(w, X, y, lr):
    ...     for x_d, y_d in zip(X, y):
    ...         w = w + lr * (y_d - w @ x_d) * x_d
    ...     return w
    >>> check_widrow_hoff_pass(one_pass)  # doctest: +ELLIPSIS
    ✓ one_pass agrees with the per-example rule on 4 random problems ...
    >>> def batch_step(w, X, y, lr):
    ...     return w + lr * X.T @ (y - X @ w)
    >>> check_widrow_hoff_pass(batch_step)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: ✗ batch_step is not correct for problem 1 of 4.
    ...
      hint: that is one step of the batch delta rule ...

    References
    ----------
    B. Widrow, M. E. Hoff, "Adaptive switching circuits", IRE WESCON Convention Record, part 4,
    pp. 96-104, 1960.
    """
    if not callable(reader_fn):
        raise TypeError(f"check_widrow_hoff_pass(reader_fn) needs a function, got "
                        f"{type(reader_fn).__name__}")
    n_cases = _validate.integer("n_cases", n_cases, low=1)
    rng = np.random.default_rng(_validate.seed("seed", seed))
    name = _name(reader_fn)
    for k in range(1, n_cases + 1):
        n_examples, n_weights = int(rng.integers(3, 13)), int(rng.integers(1, 5))
        X = rng.standard_normal((n_examples, n_weights))
        y = rng.standard_normal(n_examples)
        w = rng.standard_normal(n_weights)
        lr = float(rng.uniform(0.02, 0.2))
        where = [f"problem {k}: X of shape {X.shape}, y of shape {y.shape}, lr = {lr:.6g}, "
                 f"w = {_fmt(w)}"]
        expected = _widrow_hoff_pass(w, X, y, lr)
        args = (w.copy(), X.copy(), y.copy(), lr)
        got = _call(reader_fn, args, {}, name, where)
        lines = _problem(got, expected, rtol, atol)
        if lines:
            slips = [(w + lr * X.T @ (y - X @ w),
                      "that is one step of the batch delta rule (every example with the same w): "
                      "Widrow–Hoff updates w after each example, and the next example uses the "
                      "updated w."),
                     (w + lr * (y[0] - w @ X[0]) * X[0],
                      "only the first example was used: loop over all rows of X (is the `return` "
                      "inside the loop?)."),
                     (w + lr * (y[-1] - w @ X[-1]) * X[-1],
                      "only the last example changed w: update w itself in the loop (w = w + ...), "
                      "not a copy of the starting weights."),
                     (_widrow_hoff_pass(w, X, y, -lr),
                      "the weights moved the wrong way: add lr * (y_d - w @ x_d) * x_d, with the "
                      "error y_d − w·x_d (target minus output)."),
                     (_widrow_hoff_pass(w, X[::-1], y[::-1], lr),
                      "the examples were taken in reverse order: go through the rows of X from the "
                      "first to the last.")]
            for candidate, hint in slips:
                try:
                    same = np.allclose(_as_array(got), candidate, rtol=rtol, atol=atol)
                except (TypeError, ValueError):
                    same = False
                if same:
                    lines = [line for line in lines if not line.startswith("hint")] + ["hint: " + hint]
                    break
            else:
                step = _step_hint(got, expected, w, rtol, atol)
                if step and not lines[-1].startswith("hint"):
                    lines.append("hint: for your change of the weights (new w − w), " + step)
            _fail(f"{name} is not correct for problem {k} of {n_cases}.", where + lines)
        for label, before, after in zip(("w", "X", "y"), (w, X, y), args[:3]):
            if not np.array_equal(before, after):
                _fail(f"{name} changed its input {label} in place (problem {k} of {n_cases}).",
                      where + [f"{label} was changed to {_fmt(after)}",
                               "hint: w = w + ... builds a new array; w += ... changes the caller's "
                               "array, which it still needs."])
    print(f"✓ {name} agrees with the per-example rule on {n_cases} random problems "
          f"(1 to 4 weights, 3 to 12 examples).")


__all__ += ["check_flat_direction", "check_stable_rate", "check_widrow_hoff_pass"]


# ---- chapter 01 exercises
def _parameter_count(sizes):
    """Weights and biases of a fully connected network with these layer sizes."""
    return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def _integer_answer(got):
    """``got`` as an int when it is a whole number (int, NumPy int, 3.0, a 0-d tensor), else None."""
    if isinstance(got, (bool, np.bool_)):
        return None
    try:
        value = _as_array(got)
    except (TypeError, ValueError):
        return None
    if value.ndim != 0 or not np.isfinite(value) or value != np.round(value):
        return None
    return int(value)


def check_parameter_count(reader_count, n_cases=8, seed=0):
    r"""Check a reader's count of the weights and biases of a fully connected network.

    Between layers of sizes :math:`n_{l-1}` and :math:`n_l` there are an
    :math:`n_l \times n_{l-1}` weight matrix and :math:`n_l` biases, so a network with
    layer sizes :math:`(n_0, n_1, \dots, n_L)` has

    .. math::

        P = \sum_{l=1}^{L} \big(n_{l-1}\, n_l + n_l\big)

    parameters. The reader's function gets the 3 → 4 → 2 network of chapter 1 and
    ``n_cases`` fresh random architectures (2 to 6 layers of 1 to 1000 units, as lists).

    Parameters
    ----------
    reader_count : callable
        ``reader_count(sizes) -> int``, ``sizes`` a list such as ``[3, 4, 2]``.
    n_cases : int >= 1
        Number of random architectures.
    seed : int >= 0
        Seed of the random architectures.

    Returns
    -------
    None
        Prints ``✓ <name> counts the parameters of <n> networks correctly.``

    Raises
    ------
    AssertionError
        At the first architecture whose count is wrong or not a whole number, or where the
        function raised or returned None; with a hint when the biases or the weights are
        missing or the biases are counted per input.
    ValueError
        If ``n_cases`` < 1 or ``seed`` < 0.
    TypeError
        If ``reader_count`` is not callable or ``n_cases`` or ``seed`` not an integer.

    Examples
    --------
    >>> def count(sizes):
    ...     return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
    >>> check_parameter_count(count)
    ✓ count counts the parameters of 9 networks correctly.
    >>> def weights_only(sizes):
    ...     return sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    >>> check_parameter_count(weights_only)
    Traceback (most recent call last):
    ...
    AssertionError: ✗ weights_only is not correct for sizes = [3, 4, 2].
      expected: 26
      got:      20
      hint: the biases are missing: a layer also has one bias per output unit.

    References
    ----------
    I. Goodfellow, Y. Bengio, A. Courville, *Deep Learning*, MIT Press, 2016, section 6.1;
    ``torch.nn.Linear`` in A. Paszke et al., "PyTorch: an imperative style, high-performance
    deep learning library", NeurIPS 2019, arXiv:1912.01703.
    """
    if not callable(reader_count):
        raise TypeError(f"check_parameter_count needs your function, got {type(reader_count).__name__}")
    n_cases = _validate.integer("n_cases", n_cases, low=1)
    rng = np.random.default_rng(_validate.seed("seed", seed))
    cases = [[3, 4, 2]] + [[int(n) for n in rng.integers(1, 1001, size=rng.integers(2, 7))]
                           for _ in range(n_cases)]
    name = _name(reader_count)
    for sizes in cases:
        where = [f"sizes = {sizes}"]
        got = _call(reader_count, (list(sizes),), {}, name, where)
        expected = _parameter_count(sizes)
        value = _integer_answer(got)
        if value is None:
            _fail(f"{name} is not correct for sizes = {sizes}.",
                  [f"got {_fmt(got)} (a {type(got).__name__}), expected a whole number like {expected}"])
        if value != expected:
            pairs = list(zip(sizes[:-1], sizes[1:]))
            patterns = [(sum(a * b for a, b in pairs), "the biases are missing: a layer also has one "
                                                       "bias per output unit."),
                        (sum(b for _, b in pairs), "only the biases are counted: add the n_in × n_out "
                                                   "weights of each layer."),
                        (sum(a * b + a for a, b in pairs), "there is one bias per output unit of a "
                                                           "layer, not per input.")]
            hints = [hint for count, hint in patterns if count == value]
            off_by_one = _integer_hint(np.array(value), np.array(expected))
            if off_by_one:
                hints.insert(0, off_by_one)
            lines = [f"expected: {expected}", f"got:      {value}"]
            if hints:
                lines.append("hint: " + " Or: ".join(hints))
            _fail(f"{name} is not correct for sizes = {sizes}.", lines)
    print(f"✓ {name} counts the parameters of {len(cases)} networks correctly.")


def _required_arguments(fn):
    """How many positional arguments ``fn`` needs (a ufunc: its ``nin``), or None if unknown."""
    if isinstance(fn, np.ufunc):
        return fn.nin
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return None
    return sum(1 for p in parameters if p.default is p.empty
               and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))


def check_relu_network(weights_fn, target, n_inputs=1, n_points=200, seed=0, scale=3.0):
    r"""Check the weights of a one-hidden-layer ReLU network against a target function.

    The reader's ``weights_fn()`` returns ``(W1, b1, W2, b2)`` in PyTorch's convention
    (``nn.Linear(n_in, n_out).weight`` has shape ``(n_out, n_in)``), and the network

    .. math::

        \hat f(\mathbf x) = W_2 \operatorname{ReLU}(W_1 \mathbf x + \mathbf b_1) + b_2

    must equal ``target`` at ``n_points`` fresh random inputs
    :math:`\mathbf x \sim \mathcal N(0, \text{scale}^2 I)` and at a few special ones
    (zero, equal coordinates). ``target`` takes the coordinates as separate arguments,
    e.g. ``np.abs`` (one input) or ``np.maximum`` (two).

    Parameters
    ----------
    weights_fn : callable
        ``weights_fn() -> (W1, b1, W2, b2)``: arrays, lists or tensors of shapes
        ``(h, n_inputs)``, ``(h,)``, ``(1, h)`` or ``(h,)``, and ``(1,)`` or a number.
    target : callable
        ``target(x_1, ..., x_n) -> array``, applied to arrays of inputs.
    n_inputs : int >= 1
        Number of inputs of the network.
    n_points : int >= 1
        Number of random inputs.
    seed : int >= 0
    scale : float > 0
        Standard deviation of the random inputs.

    Returns
    -------
    None
        Prints ``✓ <name> is a ReLU network with <h> hidden units that computes <target> ...``

    Raises
    ------
    AssertionError
        If ``weights_fn`` raises or returns None, does not return four arrays of matching
        shapes (with a hint for a transposed ``W1``), or the network differs from the target
        at some input (the message names it, with a hint for a flipped sign or an offset);
        also when the two arguments look swapped.
    ValueError
        If ``n_inputs``, ``n_points`` or ``scale`` is out of range.
    TypeError
        If ``weights_fn`` or ``target`` is not callable.

    Examples
    --------
    >>> def abs_weights():
    ...     return np.array([[1.0], [-1.0]]), np.zeros(2), np.array([[1.0, 1.0]]), np.zeros(1)
    >>> check_relu_network(abs_weights, np.abs)
    ✓ abs_weights is a ReLU network with 2 hidden units that computes np.absolute at 203 inputs.
    >>> def one_hinge():
    ...     return np.array([[1.0]]), np.zeros(1), np.array([[1.0]]), np.zeros(1)
    >>> check_relu_network(one_hinge, np.abs)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: ✗ one_hinge does not compute np.absolute at input x = ...

    References
    ----------
    M. Leshno, V. Ya. Lin, A. Pinkus, S. Schocken, "Multilayer feedforward networks with a
    nonpolynomial activation function can approximate any function", Neural Networks 6(6),
    1993, doi:10.1016/S0893-6080(05)80131-5; I. Goodfellow, Y. Bengio, A. Courville,
    *Deep Learning*, MIT Press, 2016, section 6.3.1.
    """
    if not callable(weights_fn) or not callable(target):
        raise TypeError("check_relu_network(weights_fn, target) needs two functions, got "
                        f"{type(weights_fn).__name__} and {type(target).__name__}")
    n_inputs = _validate.integer("n_inputs", n_inputs, low=1)
    n_points = _validate.integer("n_points", n_points, low=1)
    scale = _validate.real("scale", scale, low=0, low_open=True)
    rng = np.random.default_rng(_validate.seed("seed", seed))
    needs_weights, needs_target = _required_arguments(weights_fn), _required_arguments(target)
    if needs_weights not in (0, None) and needs_target == 0:
        _fail("the arguments look swapped: the first needs inputs, the second none.",
              ["call check_relu_network(your_weights_function, target): your function first"])
    name = _name(weights_fn)
    target_name = getattr(target, "__name__", "the target")
    if isinstance(target, np.ufunc):
        target_name = f"np.{target_name}"
    shapes = (f"expected W1 of shape (h, {n_inputs}), b1 (h,), W2 (1, h) and b2 (1,) for h hidden "
              "units")
    result = _call(weights_fn, (), {}, name, [])
    if not isinstance(result, (tuple, list)) or len(result) != 4:
        _fail(f"{name} should return four arrays (W1, b1, W2, b2).",
              [f"got {_fmt(result)}", "hint: end it with 'return W1, b1, W2, b2'."])
    try:
        W1, b1, W2, b2 = (_as_array(a) for a in result)
    except (TypeError, ValueError) as err:
        _fail(f"{name} should return four arrays of numbers (W1, b1, W2, b2).", [str(err)], cause=err)
    if W1.ndim == 1 and n_inputs == 1:
        W1 = W1[:, None]
    h = W1.shape[0] if W1.ndim == 2 else -1
    problems = []
    if W1.ndim != 2 or W1.shape[1] != n_inputs:
        problems.append(f"W1 has shape {W1.shape}")
        if W1.ndim == 2 and W1.shape[0] == n_inputs:
            problems.append("hint: W1 looks transposed: PyTorch's nn.Linear (and this chapter) store "
                            "a weight as (units, inputs).")
    elif b1.shape != (h,):
        problems.append(f"b1 has shape {b1.shape}, W1 has {h} rows (hidden units)")
    elif W2.size != h or W2.ndim > 2 or (W2.ndim == 2 and W2.shape[0] != 1):
        problems.append(f"W2 has shape {W2.shape}")
        if W2.shape == (h, 1):
            problems.append("hint: W2 looks transposed: the output layer's weight is (1, units).")
    elif b2.size != 1:
        problems.append(f"b2 has shape {b2.shape}")
    if problems:
        _fail(f"{name} returned weights of the wrong shapes.", [shapes] + problems)
    special = [np.zeros(n_inputs), np.ones(n_inputs), -np.ones(n_inputs)]
    X = np.vstack(special + [scale * rng.standard_normal((n_points, n_inputs))])
    got = np.maximum(X @ W1.T + b1, 0.0) @ W2.reshape(-1) + float(b2.reshape(-1)[0])
    expected = np.asarray(target(*X.T), dtype=float)
    close = np.isclose(got, expected, rtol=1e-9, atol=1e-9)
    if not close.all():
        i = int(np.argmax(~close))
        where = "x = " + (f"{X[i, 0]:.6g}" if n_inputs == 1 else _fmt(X[i]))
        lines = [f"expected: {expected[i]:.8g}", f"got:      {got[i]:.8g}",
                 f"wrong at {int((~close).sum())} of {len(X)} inputs"]
        hint = _hint(got, expected, 1e-9, 1e-9)
        if hint:
            lines.append("hint: " + hint)
        _fail(f"{name} does not compute {target_name} at input {where}.", lines)
    print(f"✓ {name} is a ReLU network with {h} hidden units that computes {target_name} "
          f"at {len(X)} inputs.")


def check_best_line(reader_fit, n_cases=5, seed=0):
    r"""Check a reader's closed-form least-squares line on fresh random data sets.

    The line :math:`y = mx + c` that minimises :math:`\frac{1}{2N}\sum_i (y_i - m x_i - c)^2` is

    .. math::

        m^* = \frac{\overline{xy} - \bar x\,\bar y}{\overline{x^2} - \bar x^2}, \qquad
        c^* = \bar y - m^* \bar x ,

    bars denoting means over the data. Each case has its own size (5 to 60 points), range
    of :math:`x`, slope, intercept and noise; the reference is ``numpy.polyfit(x, y, 1)``.

    Parameters
    ----------
    reader_fit : callable
        ``reader_fit(x, y) -> (m, c)`` for 1-D arrays ``x`` and ``y`` of the same length.
    n_cases : int >= 1
    seed : int >= 0

    Returns
    -------
    None
        Prints ``✓ <name> finds the least-squares line of <n> random data sets.``

    Raises
    ------
    AssertionError
        At the first data set where the result is not a pair, is wrong (with a hint when
        ``m`` and ``c`` are swapped or only ``c`` is wrong), or the function raised, returned
        None or changed ``x`` or ``y`` in place.
    ValueError
        If ``n_cases`` < 1 or ``seed`` < 0.
    TypeError
        If ``reader_fit`` is not callable.

    Examples
    --------
    >>> def best_line(x, y):
    ...     m = (np.mean(x * y) - x.mean() * y.mean()) / (np.mean(x ** 2) - x.mean() ** 2)
    ...     return m, y.mean() - m * x.mean()
    >>> check_best_line(best_line)
    ✓ best_line finds the least-squares line of 5 random data sets.
    >>> def swapped(x, y):
    ...     m, c = best_line(x, y)
    ...     return c, m
    >>> check_best_line(swapped)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: ✗ swapped is not correct for data set 1 of 5.
    ...
      hint: you returned (c, m): return the slope first, (m, c).

    References
    ----------
    C. M. Bishop, *Pattern Recognition and Machine Learning*, Springer, 2006, section 3.1.1;
    C. R. Harris et al., "Array programming with NumPy", Nature 585, 2020,
    doi:10.1038/s41586-020-2649-2 (``numpy.polyfit``).
    """
    if not callable(reader_fit):
        raise TypeError(f"check_best_line needs your function, got {type(reader_fit).__name__}")
    n_cases = _validate.integer("n_cases", n_cases, low=1)
    rng = np.random.default_rng(_validate.seed("seed", seed))
    name = _name(reader_fit)
    for k in range(1, n_cases + 1):
        n = int(rng.integers(5, 61))
        low = rng.uniform(-5, 5)
        x = rng.uniform(low, low + rng.uniform(1, 10), n)
        y = rng.uniform(-3, 3) * x + rng.uniform(-5, 5) + rng.uniform(0.1, 1) * rng.standard_normal(n)
        m_star, c_star = np.polyfit(x, y, 1)
        where = [f"data set {k} of {n_cases}: {n} points, x in [{x.min():.3g}, {x.max():.3g}]",
                 f"  x = {_fmt(x)}", f"  y = {_fmt(y)}"]
        x_in, y_in = x.copy(), y.copy()
        got = _call(reader_fit, (x_in, y_in), {}, name, where)
        if not (np.array_equal(x_in, x) and np.array_equal(y_in, y)):
            _fail(f"{name} changed x or y in place (data set {k} of {n_cases}).",
                  where + ["hint: compute new arrays (x - x.mean()) instead of x -= ..."])
        if not isinstance(got, (tuple, list, np.ndarray)) or len(got) != 2:
            _fail(f"{name} should return the pair (m, c).",
                  where + [f"got {_fmt(got)}", "hint: end it with 'return m, c'."])
        found = _compare_structure(tuple(got), (m_star, c_star), "result", 1e-8, 1e-10, ("m", "c"))
        if found:
            label, lines = found
            if _problem(tuple(got), (c_star, m_star), 1e-8, 1e-10) is None:
                lines = lines + ["hint: you returned (c, m): return the slope first, (m, c)."]
            elif label == "c":
                lines = lines + ["hint: the slope is right; the intercept is c = mean(y) − m mean(x)."]
            _fail(f"{name} is not correct for data set {k} of {n_cases}.",
                  where + [f"{label} is wrong:"] + lines)
    print(f"✓ {name} finds the least-squares line of {n_cases} random data sets.")


def _half_box_dimension(n):
    """Smallest d >= 1 with ((n - 1) / (n + 1)) ** d < 1/2, in exact integer arithmetic."""
    d = max(1, int(np.log(2) / np.log((n + 1) / (n - 1))) - 1)
    while 2 * (n - 1) ** d >= (n + 1) ** d:
        d += 1
    while d > 1 and 2 * (n - 1) ** (d - 1) < (n + 1) ** (d - 1):
        d -= 1
    return d


def check_box_dimension(reader_dimension, n_cases=6, seed=0):
    r"""Check a reader's smallest dimension at which the bounding box holds fewer than half of new points.

    For :math:`n` training points and a new point, independent and uniform in
    :math:`[0, 1]^d`, the new point lies in the bounding box of the training points with
    probability :math:`\big(\frac{n-1}{n+1}\big)^d`. The answer is the smallest integer

    .. math::

        d \ge 1 \quad\text{with}\quad \Big(\frac{n - 1}{n + 1}\Big)^{d} < \frac12 ,

    (about :math:`n \ln 2 / 2`), computed here in exact integer arithmetic, for
    :math:`n = 1000` and ``n_cases`` fresh random :math:`n` between 10 and 5000.

    Parameters
    ----------
    reader_dimension : callable
        ``reader_dimension(n) -> int`` for an integer number of training points ``n >= 10``.
    n_cases : int >= 1
    seed : int >= 0

    Returns
    -------
    None
        Prints ``✓ <name> gives the right dimension for <n> numbers of training points.``

    Raises
    ------
    AssertionError
        At the first ``n`` where the answer is wrong (with a hint when it is off by one) or
        not a whole number, or the function raised or returned None.
    ValueError
        If ``n_cases`` < 1 or ``seed`` < 0.
    TypeError
        If ``reader_dimension`` is not callable.

    Examples
    --------
    >>> def smallest_dimension(n):
    ...     d = 1
    ...     while ((n - 1) / (n + 1)) ** d >= 0.5:
    ...         d += 1
    ...     return d
    >>> check_box_dimension(smallest_dimension)
    ✓ smallest_dimension gives the right dimension for 7 numbers of training points.
    >>> check_box_dimension(lambda n: smallest_dimension(n) - 1)
    Traceback (most recent call last):
    ...
    AssertionError: ✗ your function is not correct for n = 1000.
      expected: 347
      got:      346
      hint: off by −1: the smallest d with ((n − 1)/(n + 1))^d < 1/2, strictly below one half.

    References
    ----------
    R. Balestriero, J. Pesenti, Y. LeCun, "Learning in high dimension always amounts to
    extrapolation", arXiv:2110.09485, 2021.
    """
    if not callable(reader_dimension):
        raise TypeError(f"check_box_dimension needs your function, got {type(reader_dimension).__name__}")
    n_cases = _validate.integer("n_cases", n_cases, low=1)
    rng = np.random.default_rng(_validate.seed("seed", seed))
    name = _name(reader_dimension)
    cases = [1000] + [int(n) for n in rng.integers(10, 5001, size=n_cases)]
    for n in cases:
        got = _call(reader_dimension, (n,), {}, name, [f"n = {n}"])
        expected = _half_box_dimension(n)
        value = _integer_answer(got)
        if value is None:
            _fail(f"{name} is not correct for n = {n}.",
                  [f"got {_fmt(got)} (a {type(got).__name__}), expected a whole number like {expected}"])
        if value != expected:
            lines = [f"expected: {expected}", f"got:      {value}"]
            if abs(value - expected) == 1:
                lines.append(f"hint: off by {'+' if value > expected else '−'}1: the smallest d with "
                             "((n − 1)/(n + 1))^d < 1/2, strictly below one half.")
            _fail(f"{name} is not correct for n = {n}.", lines)
    print(f"✓ {name} gives the right dimension for {len(cases)} numbers of training points.")


__all__ += ["check_parameter_count", "check_relu_network", "check_best_line", "check_box_dimension"]


# ---- chapter 04 exercises
def _steps_needed_reference(eigenvalues, lr, tol=1e-6):
    """The predicted step count of gradient descent on a quadratic (see check_steps_needed)."""
    rho = float(np.max(np.abs(1.0 - lr * np.asarray(eigenvalues, dtype=float))))
    if rho >= 1.0:
        return np.inf
    if rho == 0.0:
        return 1
    return int(np.ceil(np.log(tol) / np.log(rho)))


def _steps_needed_cases(rng, n_cases):
    """Random spectra (unsorted), rates and tolerances, away from integer step counts."""
    cases = []
    while len(cases) < n_cases - 1:
        k = len(cases)
        eigenvalues = rng.uniform(0.2, 20.0, int(rng.integers(2, 7)))
        mu, L = eigenvalues.min(), eigenvalues.max()
        if k == 1:
            lr, tol = 1.05 * 2.0 / L, 1e-6                  # beyond the stability bound
        elif k == 2:
            lr, tol = 2.0 / (L + mu), 1e-6                  # the best fixed rate
        else:
            lr = float(rng.uniform(0.05, 0.98)) * 2.0 / L
            tol = float(rng.choice([1e-3, 1e-6, 1e-9]))
        rho = np.max(np.abs(1.0 - lr * eigenvalues))
        ratio = np.log(tol) / np.log(rho) if rho < 1 else 0.5
        if min(ratio % 1.0, 1.0 - ratio % 1.0) < 1e-6:       # too close to a whole number
            continue
        cases.append((eigenvalues, float(lr), tol))
    return cases + [(np.array([2.0, 2.0]), 0.5, 1e-6)]     # rho = 0: one step lands on the minimum


def _steps_hint(got, eigenvalues, lr, tol, expected):
    """A hint for a wrong step count, or None."""
    if np.isinf(expected):
        return ("with these values max |1 − ηλ_i| >= 1: the run diverges, so no number of steps is "
                "enough. Return math.inf.")
    if not np.isfinite(got):
        return "this run converges (max |1 − ηλ_i| < 1): return a finite number of steps."
    if got != np.round(got):
        return "a number of steps is a whole number: round the ratio up with math.ceil."
    if got == expected - 1:
        return "round up (math.ceil), not down: the error must be at or below tol."
    eig = np.asarray(eigenvalues, dtype=float)
    for part, name in ((eig.max(), "the largest"), (eig.min(), "the smallest"),
                       (eig[0], "the first"), (eig[-1], "the last")):
        if got == _steps_needed_reference([part], lr, tol):
            return (f"you used only {name} eigenvalue. The rate is ρ = max_i |1 − ηλ_i| over all of "
                    "them (the smallest and the largest decide); the eigenvalues are not sorted.")
    if tol != 1e-6 and got == _steps_needed_reference(eigenvalues, lr, 1e-6):
        return "you ignored tol: the count is ⌈ln(tol) / ln ρ⌉."
    return None


def check_steps_needed(reader_fn, n_cases=8, seed=0):
    r"""Check a reader's prediction of the number of gradient-descent steps on a quadratic.

    On :math:`f(\theta) = \tfrac12 \theta^\top A \theta` with eigenvalues :math:`\lambda_i`,
    gradient descent with rate :math:`\eta` multiplies the error along eigenvector :math:`i`
    by :math:`1 - \eta\lambda_i` per step, so the error has shrunk by the factor ``tol``
    after at most

    .. math::

        T = \left\lceil \frac{\ln \text{tol}}{\ln \rho} \right\rceil, \qquad
        \rho = \max_i |1 - \eta \lambda_i|

    steps; :math:`T = 1` when :math:`\rho = 0` and :math:`T = \infty` when :math:`\rho \ge 1`.
    The reader's ``reader_fn(eigenvalues, lr, tol=...)`` is called on random, unsorted spectra
    of 2 to 6 eigenvalues, with rates below and above the bound :math:`2/L`, the best rate
    :math:`2/(L + \mu)`, and several tolerances.

    Parameters
    ----------
    reader_fn : callable
        ``reader_fn(eigenvalues, lr, tol=1e-6) -> int`` (or ``math.inf``).
    n_cases : int >= 3
        Number of cases (the first three are fixed kinds: ρ = 0, a diverging rate, the best rate).
    seed : int
        Seed of the random cases.

    Returns
    -------
    None
        Prints a ``✓`` line on success.

    Raises
    ------
    AssertionError
        At the first case where the count is wrong, the function raises, returns None or
        changes ``eigenvalues`` in place; the message shows the inputs, the expected and the
        returned count and a hint (rounding, one eigenvalue only, ``tol`` ignored, divergence,
        swapped arguments).
    ValueError
        If ``n_cases`` < 3 or ``seed`` < 0.
    TypeError
        If ``reader_fn`` is not callable or ``n_cases`` / ``seed`` is not an integer.

    Examples
    --------
    >>> import math
    >>> def steps_needed(eigenvalues, lr, tol=1e-6):
    ...     rho = max(abs(1 - lr * lam) for lam in eigenvalues)
    ...     if rho >= 1:
    ...         return math.inf
    ...     return 1 if rho == 0 else math.ceil(math.log(tol) / math.log(rho))
    >>> check_steps_needed(steps_needed)
    ✓ steps_needed gives the right number of steps in 8 cases.
    >>> def only_largest(eigenvalues, lr, tol=1e-6):
    ...     return math.ceil(math.log(tol) / math.log(abs(1 - lr * max(eigenvalues))))
    >>> check_steps_needed(only_largest)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: ✗ only_largest is not correct for case 1 of 8.
    ...
      hint: you used only the largest eigenvalue. ...

    References
    ----------
    J. Nocedal, S. J. Wright, *Numerical Optimization*, 2nd ed., Springer, 2006, sec. 3.3,
    doi:10.1007/978-0-387-40065-5. Y. LeCun, L. Bottou, G. B. Orr, K.-R. Müller, "Efficient
    BackProp", in *Neural Networks: Tricks of the Trade*, Springer, 1998,
    doi:10.1007/3-540-49430-8_2.
    """
    if not callable(reader_fn):
        raise TypeError(f"reader_fn must be a function, got {type(reader_fn).__name__}")
    n_cases = _validate.integer("n_cases", n_cases, low=3)
    rng = np.random.default_rng(_validate.seed("seed", seed))
    name = _name(reader_fn)
    cases = _steps_needed_cases(rng, n_cases)
    for k, (eigenvalues, lr, tol) in enumerate(cases, start=1):
        where = [f"inputs (case {k} of {len(cases)}):", f"  eigenvalues = {_fmt(eigenvalues)}",
                 f"  lr = {lr:.6g}", f"  tol = {tol:g}"]
        expected = _steps_needed_reference(eigenvalues, lr, tol)
        given = eigenvalues.copy()
        try:
            got = reader_fn(given, lr, tol=tol)
            raised = None
        except Exception as err:   # reported below, after a look at swapped arguments
            got, raised = None, err
        if raised is not None and expected == 1:
            _fail(f"{name} raised {type(raised).__name__}: {raised}",
                  where + ["hint: here every |1 − ηλ_i| is 0, so ρ = 0 and ln ρ is undefined: one "
                           "step lands on the minimum. Return 1 when ρ = 0."], cause=raised)
        if raised is not None or got is None or got is Ellipsis:
            try:
                swapped = reader_fn(lr, eigenvalues.copy(), tol=tol)
            except Exception:
                swapped = None
            if raised is not None and swapped is not None and np.all(np.asarray(swapped) == expected):
                _fail(f"{name} seems to take its arguments in the other order.",
                      where + ["define it as steps_needed(eigenvalues, lr, tol=1e-6): "
                               "the eigenvalues first, then the learning rate"], cause=raised)
            got = _call(reader_fn, (eigenvalues.copy(), lr), {"tol": tol}, name, where)
        if not np.array_equal(given, eigenvalues):
            _fail(f"{name} changed its input eigenvalues in place (case {k} of {len(cases)}).",
                  where + ["hint: compute with new arrays; the caller still needs the eigenvalues."])
        try:
            value = float(_as_array(got))
        except (TypeError, ValueError):
            _fail(f"{name} is not correct for case {k} of {len(cases)}.",
                  where + [f"got {_fmt(got)}, expected a number of steps like {_fmt(expected)}"])
        if value == expected or (np.isinf(expected) and value == np.inf):
            continue
        lines = where + [f"expected: {_fmt(expected)}", f"got:      {_fmt(got)}"]
        hint = _steps_hint(value, eigenvalues, lr, tol, expected)
        _fail(f"{name} is not correct for case {k} of {len(cases)}.",
              lines + ([f"hint: {hint}"] if hint else []))
    print(f"✓ {name} gives the right number of steps in {len(cases)} cases.")


def _standardised(X):
    out = np.array(X, dtype=float, copy=True)
    out[:, 1:] = (out[:, 1:] - out[:, 1:].mean(axis=0)) / out[:, 1:].std(axis=0)
    return out


def _standardise_hint(g, X):
    """Why ``g`` is not the standardised ``X``, as a hint."""
    n = len(X)
    if not np.allclose(g[:, 0], X[:, 0]):
        if not np.all(np.isfinite(g[:, 0])):
            return ("column 0 (the intercept, all ones) has standard deviation 0, so dividing by it "
                    "gives nan. Leave column 0 as it is and standardise X[:, 1:] only.")
        return "leave column 0 (the intercept, all ones) unchanged; standardise X[:, 1:] only."
    if not np.all(np.isfinite(g)):
        return "your result has nan or inf: is a standard deviation 0, or taken over the wrong axis?"
    features = g[:, 1:]
    if not np.allclose(features.mean(axis=0), 0.0, atol=1e-8):
        return "subtract each column's mean over the samples: X[:, 1:].mean(axis=0)."
    std = features.std(axis=0)
    if np.allclose(std, np.sqrt((n - 1) / n), rtol=1e-8):
        return ("you divided by the sample standard deviation (ddof=1); use X[:, 1:].std(axis=0), "
                "NumPy's default ddof=0, so that every column has standard deviation exactly 1.")
    if not np.allclose(std, 1.0, rtol=1e-8):
        return "divide each column by its standard deviation over the samples: X[:, 1:].std(axis=0)."
    return "each column must be (x − its mean) / its standard deviation, column by column, in order."


def check_standardise(reader_fn, n_cases=4, seed=0):
    r"""Check a reader's standardisation of the feature columns of a design matrix.

    Column 0 of ``X`` is the intercept (all ones) and stays as it is; every other column
    :math:`j` becomes

    .. math::

        x_{ij} \leftarrow \frac{x_{ij} - \bar x_j}{s_j}, \qquad
        \bar x_j = \frac1n \sum_i x_{ij}, \quad s_j = \sqrt{\frac1n \sum_i (x_{ij} - \bar x_j)^2}

    (the population standard deviation, ``X.std(axis=0)``). The reader's function is called on
    random matrices with features of very different means and scales, and must not change its
    input.

    Parameters
    ----------
    reader_fn : callable
        ``reader_fn(X) -> ndarray`` of the shape of ``X``.
    n_cases : int >= 1
    seed : int
        Seed of the random matrices.

    Returns
    -------
    None
        Prints a ``✓`` line on success.

    Raises
    ------
    AssertionError
        At the first matrix where the result is wrong (shape, intercept column, means,
        standard deviations), the function raises, returns None or changes ``X`` in place;
        the message says which property fails and how to fix it.
    ValueError
        If ``n_cases`` < 1 or ``seed`` < 0.
    TypeError
        If ``reader_fn`` is not callable or ``n_cases`` / ``seed`` is not an integer.

    Examples
    --------
    >>> def standardise(X):
    ...     Z = X.copy()
    ...     Z[:, 1:] = (X[:, 1:] - X[:, 1:].mean(axis=0)) / X[:, 1:].std(axis=0)
    ...     return Z
    >>> check_standardise(standardise)
    ✓ standardise standardises the feature columns of 4 random matrices.
    >>> def every_column(X):
    ...     return (X - X.mean(axis=0)) / X.std(axis=0)
    >>> check_standardise(every_column)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: ✗ every_column is not correct for matrix 1 of 4.
    ...
      hint: column 0 (the intercept, all ones) has standard deviation 0, ...

    References
    ----------
    Y. LeCun, L. Bottou, G. B. Orr, K.-R. Müller, "Efficient BackProp", in *Neural Networks:
    Tricks of the Trade*, Springer, 1998, sec. 4.3, doi:10.1007/3-540-49430-8_2.
    """
    if not callable(reader_fn):
        raise TypeError(f"reader_fn must be a function, got {type(reader_fn).__name__}")
    n_cases = _validate.integer("n_cases", n_cases, low=1)
    rng = np.random.default_rng(_validate.seed("seed", seed))
    name = _name(reader_fn)
    for k in range(1, n_cases + 1):
        n, d = int(rng.integers(20, 200)), int(rng.integers(2, 6))
        scales = np.geomspace(0.1, 10.0, d) * rng.uniform(0.5, 2.0, d)
        features = rng.uniform(-5.0, 5.0, d) + scales * rng.standard_normal((n, d))
        X = np.hstack([np.ones((n, 1)), features])
        given = X.copy()
        where = [f"input (matrix {k} of {n_cases}): X of shape {X.shape}, column 0 all ones",
                 f"  feature means {_fmt(X[:, 1:].mean(axis=0))}",
                 f"  feature standard deviations {_fmt(X[:, 1:].std(axis=0))}"]
        with np.errstate(all="ignore"):      # a division by a zero std is reported below
            got = _call(reader_fn, (given,), {}, name, where)
        if not np.array_equal(given, X):
            _fail(f"{name} changed its input X in place (matrix {k} of {n_cases}).",
                  where + ["hint: start from a copy, Z = X.copy(), and change Z; the caller "
                           "still needs X."])
        try:
            g = _as_array(got)
        except (TypeError, ValueError):
            _fail(f"{name} is not correct for matrix {k} of {n_cases}.",
                  where + [f"got {_fmt(got)}, expected an array of shape {X.shape}"])
        if g.shape != X.shape:
            _fail(f"{name} is not correct for matrix {k} of {n_cases}.",
                  where + [f"wrong shape: expected {X.shape} (the same as X), got {g.shape}"])
        if not np.allclose(g, _standardised(X), rtol=1e-8, atol=1e-10):
            _fail(f"{name} is not correct for matrix {k} of {n_cases}.",
                  where + [f"hint: {_standardise_hint(g, X)}"])
    print(f"✓ {name} standardises the feature columns of {n_cases} random matrices.")


def _rosenbrock_grad(w):
    x, y = w
    return np.array([-2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)])


def check_largest_curvature(reader_fn, n_cases=4, seed=0, rtol=1e-4):
    r"""Check a reader's estimate of the largest Hessian eigenvalue from gradients only.

    The reader's ``reader_fn(grad_fn, w)`` should return :math:`\lambda_{\max}` of the Hessian
    at ``w`` from calls of ``grad_fn`` alone, e.g. by power iteration on finite-difference
    Hessian-vector products:

    .. math::

        Hv \approx \frac{\nabla J(w + hv) - \nabla J(w - hv)}{2h}, \qquad
        v \leftarrow \frac{Hv}{\|Hv\|}, \qquad v^\top H v \to \lambda_{\max}

    It is called on random quadratics :math:`J(w) = \tfrac12 (w - c)^\top A (w - c)` of 2 to 8
    dimensions (positive definite, largest eigenvalue at least 1.5 times the next one) at
    random points, and on Rosenbrock's function at its minimum :math:`(1, 1)`.

    Parameters
    ----------
    reader_fn : callable
        ``reader_fn(grad_fn, w) -> float``.
    n_cases : int >= 1
        Number of random quadratics (Rosenbrock is one more case).
    seed : int
        Seed of the random quadratics.
    rtol : float > 0
        Relative tolerance of the estimate.

    Returns
    -------
    None
        Prints a ``✓`` line on success.

    Raises
    ------
    AssertionError
        At the first case where the estimate is off, the function raises, returns None or
        changes ``w`` in place; with a hint (smallest eigenvalue, squared, factor 2, swapped
        arguments).
    ValueError
        If ``n_cases`` < 1, ``seed`` < 0 or ``rtol`` <= 0.
    TypeError
        If ``reader_fn`` is not callable, or an argument has the wrong type.

    Examples
    --------
    >>> def largest_curvature(grad_fn, w, iterations=100, h=1e-4):
    ...     v = np.ones_like(w) / np.sqrt(w.size)
    ...     for _ in range(iterations):
    ...         hv = (grad_fn(w + h * v) - grad_fn(w - h * v)) / (2 * h)
    ...         estimate, v = v @ hv, hv / np.linalg.norm(hv)
    ...     return estimate
    >>> check_largest_curvature(largest_curvature)
    ✓ largest_curvature finds the largest curvature of 5 functions.

    References
    ----------
    Y. LeCun, L. Bottou, G. B. Orr, K.-R. Müller, "Efficient BackProp", in *Neural Networks:
    Tricks of the Trade*, Springer, 1998, sec. 9, doi:10.1007/3-540-49430-8_2.
    B. A. Pearlmutter, "Fast exact multiplication by the Hessian", Neural Computation 6(1),
    1994, doi:10.1162/neco.1994.6.1.147.
    """
    if not callable(reader_fn):
        raise TypeError(f"reader_fn must be a function, got {type(reader_fn).__name__}")
    n_cases = _validate.integer("n_cases", n_cases, low=1)
    rtol = _validate.real("rtol", rtol, low=0, low_open=True)
    rng = np.random.default_rng(_validate.seed("seed", seed))
    name = _name(reader_fn)
    cases = []
    for _ in range(n_cases):
        d = int(rng.integers(2, 9))
        rest = rng.uniform(0.1, 5.0, d - 1)
        eigenvalues = np.append(rest, rest.max() * rng.uniform(1.5, 3.0))
        Q = np.linalg.qr(rng.standard_normal((d, d)))[0]
        A = Q @ np.diag(eigenvalues) @ Q.T
        centre = rng.standard_normal(d)
        cases.append((lambda w, A=A, c=centre: A @ (np.asarray(w) - c), rng.standard_normal(d),
                      np.sort(eigenvalues), f"a random {d}-dimensional quadratic"))
    hessian = np.array([[802.0, -400.0], [-400.0, 200.0]])       # Rosenbrock at (1, 1)
    cases.append((_rosenbrock_grad, np.array([1.0, 1.0]), np.linalg.eigvalsh(hessian),
                  "Rosenbrock's function at its minimum (1, 1)"))
    for k, (grad_fn, w, eigenvalues, what) in enumerate(cases, start=1):
        expected = float(eigenvalues[-1])
        where = [f"case {k} of {len(cases)}: {what}, at w = {_fmt(w)}",
                 f"  Hessian eigenvalues {_fmt(eigenvalues)}"]
        given = w.copy()
        try:
            got = reader_fn(grad_fn, given)
            raised = None
        except Exception as err:
            got, raised = None, err
        if raised is not None:
            try:
                swapped = float(reader_fn(w.copy(), grad_fn))
            except Exception:
                swapped = None
            if swapped is not None and np.isclose(swapped, expected, rtol=rtol):
                _fail(f"{name} seems to take its arguments in the other order.",
                      where + ["define it as largest_curvature(grad_fn, w, ...): the gradient "
                               "function first, then the point"], cause=raised)
            got = _call(reader_fn, (grad_fn, w.copy()), {}, name, where)
        if got is None or got is Ellipsis:
            _not_implemented(name)
        if not np.array_equal(given, w):
            _fail(f"{name} changed its input w in place ({what}).",
                  where + ["hint: build new points, w + h * v, instead of changing w."])
        lines = _kind_problem(got, expected)
        if lines:
            _fail(f"{name} is not correct for case {k} of {len(cases)}.", where + lines)
        value = float(_as_array(got))
        if np.isclose(value, expected, rtol=rtol):
            continue
        hint = None
        if np.isclose(value, eigenvalues[0], rtol=1e-3):
            hint = "that is the smallest eigenvalue: power iteration v ← Hv/|Hv| finds the largest."
        elif np.isclose(value, expected**2, rtol=1e-3):
            hint = "you returned |Hv|² (or λ²): return v·Hv for a unit vector v."
        elif np.isclose(value, 2 * expected, rtol=1e-3):
            hint = "twice too large: the central difference divides by 2h."
        elif np.isclose(value, -expected, rtol=1e-3):
            hint = "the sign is flipped: Hv ≈ (∇J(w + hv) − ∇J(w − hv)) / (2h)."
        _fail(f"{name} is not correct for case {k} of {len(cases)}.",
              where + [f"expected: {expected:.8g}", f"got:      {value:.8g}"]
              + ([f"hint: {hint}"] if hint else ["hint: enough iterations? a unit start vector?"]))
    print(f"✓ {name} finds the largest curvature of {len(cases)} functions.")

__all__ += ["check_steps_needed", "check_standardise", "check_largest_curvature"]


# ---- chapter 03 exercises
def _matches(got, candidate, rtol, atol):
    """Whether the reader's result equals a candidate (a known slip), without raising."""
    try:
        g, c = _as_array(got), _as_array(candidate)
    except (TypeError, ValueError):
        return False
    return g.shape == c.shape and bool(np.allclose(g, c, rtol=rtol, atol=atol))


def _whole_number(got):
    """``got`` as an int when it is a whole number (int, NumPy integer, integral float), else None."""
    if isinstance(got, (bool, np.bool_)):
        return None
    if isinstance(got, numbers.Integral):
        return int(got)
    if isinstance(got, numbers.Real) and np.isfinite(got) and float(got).is_integer():
        return int(got)
    return None


def _with_hint(lines, hint):
    return [line for line in lines if not line.startswith("hint")] + ["hint: " + hint]


def _matrix_problem(got, expected, rtol, atol):
    """:func:`_problem` for a 2-D result; its transpose hint cannot compare non-square arrays."""
    try:
        return _problem(got, expected, rtol, atol)
    except ValueError:
        return [f"expected: {_fmt(_as_array(expected))}", f"got:      {_fmt(_as_array(got))}"]


def _sgd_variant(grad_fn, X, y, theta0, lr, epochs, batch_size, seed, slip=None):
    """Mini-batch SGD with a schedule, as gdlab.optim.run_minibatch, or with a known slip."""
    from gdlab import data

    theta = np.array(theta0, dtype=float)
    n = len(y)
    rng = np.random.default_rng(seed)
    t = 0
    for epoch in range(epochs):
        if slip == "same order":
            rng = np.random.default_rng(seed)
        batches = data.batch_indices(n, batch_size, rng, shuffle=slip != "no shuffle")
        if slip == "drop last" and len(batches[-1]) < batch_size:
            batches = batches[:-1]
        for batch in batches:
            rate = {"epochs": lr(epoch), "from 1": lr(t + 1)}.get(slip, lr(t))
            theta = theta - rate * grad_fn(theta, X[batch], y[batch])
            t += 1
    return theta


def check_minibatch_sgd(reader_sgd, n_cases=4, seed=0, rtol=1e-9, atol=1e-12):
    r"""Check a reader's mini-batch SGD loop with a learning-rate schedule.

    Every epoch draws a new permutation of the :math:`N` examples and cuts it into batches
    :math:`B` of ``batch_size`` (the last may be smaller), as
    ``gdlab.data.batch_indices(N, batch_size, rng)`` with ONE generator
    ``rng = np.random.default_rng(seed)`` for the whole run; each batch gives one update

    .. math::

        \theta_{t+1} = \theta_t - \eta_t\, \nabla J_B(\theta_t), \qquad t = 0, 1, 2, \dots

    where :math:`t` counts the updates made so far, so the first update uses ``lr(0)``. The
    reference is :func:`gdlab.optim.run_minibatch`; the cases are random least-squares
    problems (12 to 40 examples, 1 to 4 parameters, batch sizes that divide :math:`N` or not)
    with random inverse-time schedules and seeds.

    Parameters
    ----------
    reader_sgd : callable
        ``reader_sgd(grad_fn, X, y, theta0, lr, epochs, batch_size, seed) -> theta``, with
        ``grad_fn(theta, X_batch, y_batch)`` and ``lr(t)`` a function of the update count.
    n_cases : int >= 1
    seed : int >= 0
        Seed of the random problems.
    rtol, atol : float
        Tolerances.

    Returns
    -------
    None
        Prints a ``✓`` line on success.

    Raises
    ------
    AssertionError
        At the first problem where the reader's parameters raise, are not finite or are wrong,
        with a hint when they match a known slip (no shuffling, the same order every epoch, the
        rate of the epoch instead of the update, ``lr(1)`` for the first update, the last batch
        left out, ``epochs`` and ``batch_size`` swapped), or when ``theta0`` was changed in
        place.
    TypeError
        If ``reader_sgd`` is not callable, or ``n_cases`` or ``seed`` is not an integer.
    ValueError
        If ``n_cases`` < 1 or ``seed`` < 0.

    Examples
    --------
    >>> from gdlab import data
    >>> def my_sgd(grad_fn, X, y, theta0, lr, epochs, batch_size, seed):
    ...     rng, theta, t = np.random.default_rng(seed), theta0, 0
    ...     for epoch in range(epochs):
    ...         for batch in data.batch_indices(len(y), batch_size, rng):
    ...             theta = theta - lr(t) * grad_fn(theta, X[batch], y[batch])
    ...             t += 1
    ...     return theta
    >>> check_minibatch_sgd(my_sgd)  # doctest: +ELLIPSIS
    ✓ my_sgd agrees with optim.run_minibatch on 4 random problems ...
    >>> def per_epoch(grad_fn, X, y, theta0, lr, epochs, batch_size, seed):
    ...     rng, theta = np.random.default_rng(seed), theta0
    ...     for epoch in range(epochs):
    ...         for batch in data.batch_indices(len(y), batch_size, rng):
    ...             theta = theta - lr(epoch) * grad_fn(theta, X[batch], y[batch])
    ...     return theta
    >>> check_minibatch_sgd(per_epoch)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: ✗ per_epoch is not correct for problem 1 of 4.
    ...
      hint: the rate follows the epoch: t counts the updates made so far ...

    References
    ----------
    S. Ruder, "An overview of gradient descent optimization algorithms", arXiv:1609.04747, 2016,
    section 2.3. H. Robbins, S. Monro, "A stochastic approximation method", The Annals of
    Mathematical Statistics 22(3), 400-407, 1951, doi:10.1214/aoms/1177729586.
    """
    from gdlab import losses, optim

    if not callable(reader_sgd):
        raise TypeError(f"check_minibatch_sgd(reader_sgd) needs a function, got "
                        f"{type(reader_sgd).__name__}")
    n_cases = _validate.integer("n_cases", n_cases, low=1)
    rng = np.random.default_rng(_validate.seed("seed", seed))
    name = _name(reader_sgd)
    grad_fn = losses.least_squares_grad
    slips = {"no shuffle": "the examples are visited in their stored order: draw a new random order "
                           "every epoch, data.batch_indices(len(y), batch_size, rng).",
             "same order": "every epoch has the same order: create ONE generator "
                           "rng = np.random.default_rng(seed) before the loop over epochs, not in it.",
             "epochs": "the rate follows the epoch: t counts the updates made so far (t += 1 after "
                       "every batch), and each update uses lr(t).",
             "from 1": "the first update must use lr(0): increase t after the update, not before.",
             "drop last": "the last, smaller batch belongs to the epoch too: use every batch that "
                          "data.batch_indices returns."}
    for k in range(1, n_cases + 1):
        n_examples, n_params = int(rng.integers(12, 41)), int(rng.integers(1, 5))
        batch_size = int(rng.choice([1, 3, 5, n_examples])) if k > 1 else 5
        epochs = int(rng.integers(2, 4))
        X = rng.standard_normal((n_examples, n_params))
        y = X @ rng.standard_normal(n_params) + 0.1 * rng.standard_normal(n_examples)
        theta0 = rng.standard_normal(n_params)
        lr0, tau, run_seed = float(rng.uniform(0.02, 0.1)), float(rng.uniform(2, 10)), int(rng.integers(100))

        def lr(t, lr0=lr0, tau=tau):
            return lr0 / (1 + t / tau)

        where = [f"problem {k}: X of shape {X.shape}, epochs = {epochs}, batch_size = {batch_size}, "
                 f"seed = {run_seed}, lr(t) = {lr0:.4g} / (1 + t / {tau:.4g})"]
        expected = optim.run_minibatch(grad_fn, X, y, theta0, lr=lr, epochs=epochs,
                                       batch_size=batch_size, seed=run_seed).theta
        start = theta0.copy()
        got = _call(reader_sgd, (grad_fn, X, y, start, lr, epochs, batch_size, run_seed), {}, name,
                    where)
        lines = _problem(got, expected, rtol, atol)
        if lines:
            for slip, hint in slips.items():
                candidate = _sgd_variant(grad_fn, X, y, theta0, lr, epochs, batch_size, run_seed, slip)
                if _matches(got, candidate, rtol, atol):
                    lines = _with_hint(lines, hint)
                    break
            else:
                if epochs != batch_size and _matches(got, _sgd_variant(
                        grad_fn, X, y, theta0, lr, batch_size, epochs, run_seed), rtol, atol):
                    lines = _with_hint(lines, "epochs and batch_size are swapped: the signature is "
                                              "(grad_fn, X, y, theta0, lr, epochs, batch_size, seed).")
            _fail(f"{name} is not correct for problem {k} of {n_cases}.", where + lines)
        if not np.array_equal(start, theta0):
            _fail(f"{name} changed its input theta0 in place (problem {k} of {n_cases}).",
                  where + ["hint: theta = theta - ... builds a new array; theta -= ... changes the "
                           "caller's theta0."])
    print(f"✓ {name} agrees with optim.run_minibatch on {n_cases} random problems "
          f"(12 to 40 examples, batch sizes that divide N or not).")


def _logistic_rows(theta, X, y):
    z = X @ theta
    return (0.5 * (1.0 + np.tanh(0.5 * z)) - y)[:, None] * X


def check_per_example_gradients(reader_fn, n_cases=4, seed=0, rtol=1e-9, atol=1e-12):
    r"""Check a reader's per-example gradients of logistic regression, one row per example.

    .. math::

        G_{i\cdot} = \nabla J_i(\theta) = \big(\sigma(x_i^\top\theta) - y_i\big)\, x_i^\top,
        \qquad \sigma(z) = \frac{1}{1 + e^{-z}},

    an :math:`N \times d` matrix whose mean over the rows is the full gradient. The cases are
    random problems (5 to 40 examples, 2 to 5 parameters, labels 0 or 1).

    Parameters
    ----------
    reader_fn : callable
        ``reader_fn(theta, X, y) -> array`` of shape ``(N, d)``.
    n_cases : int >= 1
    seed : int >= 0
        Seed of the random problems.
    rtol, atol : float
        Tolerances.

    Returns
    -------
    None
        Prints a ``✓`` line on success.

    Raises
    ------
    AssertionError
        At the first problem where the result raises, has the wrong shape (with a hint for the
        mean gradient or the transpose), is not finite or is wrong (with a hint for a missing
        sigmoid or a flipped sign).
    TypeError
        If ``reader_fn`` is not callable, or ``n_cases`` or ``seed`` is not an integer.
    ValueError
        If ``n_cases`` < 1 or ``seed`` < 0.

    Examples
    --------
    >>> def rows(theta, X, y):
    ...     return (1 / (1 + np.exp(-X @ theta)) - y)[:, None] * X
    >>> check_per_example_gradients(rows)
    ✓ rows gives the per-example gradients on 4 random problems.
    >>> def mean_only(theta, X, y):
    ...     return X.T @ (1 / (1 + np.exp(-X @ theta)) - y) / len(y)
    >>> check_per_example_gradients(mean_only)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: ✗ mean_only is not correct for problem 1 of 4.
    ...
      hint: that is the mean gradient: return one row per example, ...

    References
    ----------
    C. M. Bishop, *Pattern Recognition and Machine Learning*, Springer, 2006, section 4.3.2.
    """
    if not callable(reader_fn):
        raise TypeError(f"check_per_example_gradients(reader_fn) needs a function, got "
                        f"{type(reader_fn).__name__}")
    n_cases = _validate.integer("n_cases", n_cases, low=1)
    rng = np.random.default_rng(_validate.seed("seed", seed))
    name = _name(reader_fn)
    for k in range(1, n_cases + 1):
        n_examples, n_params = int(rng.integers(5, 41)), int(rng.integers(2, 6))
        X = rng.standard_normal((n_examples, n_params))
        y = (rng.random(n_examples) < 0.4).astype(float)
        theta = rng.standard_normal(n_params)
        where = [f"problem {k}: theta = {_fmt(theta)}, X of shape {X.shape}, y of shape {y.shape}"]
        expected = _logistic_rows(theta, X, y)
        got = _call(reader_fn, (theta.copy(), X.copy(), y.copy()), {}, name, where)
        lines = _matrix_problem(got, expected, rtol, atol)
        if lines:
            slips = [(expected.mean(axis=0), "that is the mean gradient: return one row per example, "
                                             "an array of shape (N, d)."),
                     (expected.T, "row i must be the gradient of example i: your result is the "
                                  "transpose (d, N); multiply (sigmoid(X @ theta) - y)[:, None] * X."),
                     ((X @ theta - y)[:, None] * X, "that is the least-squares gradient: apply the "
                                                    "sigmoid to X @ theta before subtracting y.")]
            for candidate, hint in slips:
                if _matches(got, candidate, rtol, atol):
                    lines = _with_hint(lines, hint)
                    break
            _fail(f"{name} is not correct for problem {k} of {n_cases}.", where + lines)
    print(f"✓ {name} gives the per-example gradients on {n_cases} random problems.")


def _smallest_batch(N, fraction):
    # the smallest n with (N - n)/(N - 1) <= 1 - fraction, i.e. n >= 1 + fraction (N - 1)
    n = max(1, int(np.ceil(1 + fraction * (N - 1) - 1e-9)))
    while n > 1 and (N - (n - 1)) / (N - 1) <= 1 - fraction:
        n -= 1
    while (N - n) / (N - 1) > 1 - fraction:
        n += 1
    return n


def check_smallest_batch(reader_fn, n_cases=6, seed=0):
    r"""Check a reader's smallest batch size whose finite-population correction removes a fraction.

    Drawn without replacement from :math:`N` examples, a batch of :math:`n` has the variance
    of a batch drawn with replacement times :math:`(N - n)/(N - 1)`. The answer is the smallest
    whole :math:`n \ge 1` with

    .. math::

        \frac{N - n}{N - 1} \le 1 - f ,

    where :math:`f` is the fraction of the variance removed. The cases are the chapter's
    :math:`N = 1024, f = 0.1` (answer 104), a case where the bound is reached exactly, and
    random ones.

    Parameters
    ----------
    reader_fn : callable
        ``reader_fn(N, fraction) -> int``.
    n_cases : int >= 1
        Number of random cases besides the two fixed ones.
    seed : int >= 0

    Returns
    -------
    None
        Prints a ``✓`` line on success.

    Raises
    ------
    AssertionError
        At the first case where the result raises, is not a whole number or is wrong (with a
        hint when it is off by one or lies outside 1..N, as when ``N`` and ``fraction``
        are swapped).
    TypeError
        If ``reader_fn`` is not callable, or ``n_cases`` or ``seed`` is not an integer.
    ValueError
        If ``n_cases`` < 1 or ``seed`` < 0.

    Examples
    --------
    >>> import math
    >>> def smallest(N, fraction):
    ...     return next(n for n in range(1, N + 1) if (N - n) / (N - 1) <= 1 - fraction)
    >>> check_smallest_batch(smallest)
    ✓ smallest is right for 8 pairs (N, fraction).
    >>> def rounded(N, fraction):
    ...     return round(1 + fraction * (N - 1))
    >>> check_smallest_batch(rounded)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: ✗ rounded is not correct for N = 1024, fraction = 0.1.
    ...
      hint: off by −1: the smallest n for which (N − n)/(N − 1) <= 1 − fraction ...

    References
    ----------
    W. G. Cochran, *Sampling Techniques*, 3rd ed., Wiley, 1977, section 2.6 (the
    finite-population correction).
    """
    if not callable(reader_fn):
        raise TypeError(f"check_smallest_batch(reader_fn) needs a function, got {type(reader_fn).__name__}")
    n_cases = _validate.integer("n_cases", n_cases, low=1)
    rng = np.random.default_rng(_validate.seed("seed", seed))
    name = _name(reader_fn)
    cases = [(1024, 0.1), (11, 0.5)] + [(int(rng.integers(10, 5001)), round(float(rng.uniform(0.01, 0.9)), 3))
                                      for _ in range(n_cases)]
    for N, fraction in cases:
        where = [f"N = {N}, fraction = {fraction}"]
        got = _call(reader_fn, (N, fraction), {}, name, where)
        expected = _smallest_batch(N, fraction)
        value = _whole_number(got)
        if value is None:
            _fail(f"{name} is not correct for N = {N}, fraction = {fraction}.",
                  where + [f"got {_fmt(got)} (a {type(got).__name__}), expected a whole number like "
                           f"{expected}", "hint: a batch size is a whole number: round up with "
                           "math.ceil, or search n = 1, 2, ... ."])
        if value != expected:
            lines = where + [f"expected: {expected}", f"got:      {value}"]
            if abs(value - expected) == 1:
                lines.append(f"hint: off by {'+' if value > expected else '−'}1: the smallest n for "
                             "which (N − n)/(N − 1) <= 1 − fraction (the bound itself counts).")
            elif not 1 <= value <= N:
                lines.append("hint: a batch size lies between 1 and N: are N and fraction swapped? "
                             "The signature is (N, fraction).")
            _fail(f"{name} is not correct for N = {N}, fraction = {fraction}.", lines)
    print(f"✓ {name} is right for {len(cases)} pairs (N, fraction).")


def check_robbins_monro(reader_fn):
    r"""Check a reader's test of the Robbins–Monro conditions for polynomially decaying rates.

    For :math:`\eta_t = \eta_0/(1 + t/\tau)^p` with :math:`\eta_0, \tau > 0`, the conditions

    .. math::

        \sum_{t=0}^{\infty} \eta_t = \infty, \qquad \sum_{t=0}^{\infty} \eta_t^2 < \infty

    hold exactly when :math:`\tfrac12 < p \le 1` (compare with :math:`\sum_t t^{-q}`, finite
    exactly when :math:`q > 1`). The reader's function is asked about 14 powers, among them
    the boundaries 1/2 and 1.

    Parameters
    ----------
    reader_fn : callable
        ``reader_fn(p) -> bool``: whether both conditions hold.

    Returns
    -------
    None
        Prints a ``✓`` line on success.

    Raises
    ------
    AssertionError
        At the first power where the answer raises, is not a bool, or is wrong, with the
        condition that decides it.
    TypeError
        If ``reader_fn`` is not callable.

    Examples
    --------
    >>> check_robbins_monro(lambda p: 0.5 < p <= 1)
    ✓ your function decides the Robbins–Monro conditions correctly for 14 powers p.
    >>> check_robbins_monro(lambda p: 0 < p <= 1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: ✗ your function is wrong for p = 0.25.
    ...

    References
    ----------
    H. Robbins, S. Monro, "A stochastic approximation method", The Annals of Mathematical
    Statistics 22(3), 400-407, 1951, doi:10.1214/aoms/1177729586.
    """
    if not callable(reader_fn):
        raise TypeError(f"check_robbins_monro(reader_fn) needs a function, got {type(reader_fn).__name__}")
    name = _name(reader_fn)
    powers = [0.25, 0.5, 0.75, 1, 2, 0.1, 0.3, 0.51, 0.6, 0.9, 0.99, 1.01, 1.5, 3]
    for p in powers:
        where = [f"p = {p}"]
        got = _call(reader_fn, (p,), {}, name, where)
        if not _is_bool(got):
            _fail(f"{name} must return True or False for p = {p}.",
                  where + [f"got {_fmt(got)} (a {type(got).__name__})"])
        expected = 0.5 < p <= 1
        if bool(got) != expected:
            if p <= 0.5:
                why = (f"η_t² falls like t^(−{2 * p:g}), and the sum of t^(−q) is infinite for "
                       "q <= 1: the injected noise never stops.")
            elif p > 1:
                why = (f"η_t falls like t^(−{p:g}), and the sum of t^(−q) is finite for q > 1: the "
                       "iterates can only travel a bounded distance.")
            else:
                why = (f"η_t falls like t^(−{p:g}) with p <= 1 (its sum is infinite) and η_t² like "
                       f"t^(−{2 * p:g}) with 2p > 1 (its sum is finite): both conditions hold.")
            _fail(f"{name} is wrong for p = {p}.", where + [f"expected: {expected}",
                                                           f"got:      {bool(got)}", "hint: " + why])
    print(f"✓ {name} decides the Robbins–Monro conditions correctly for {len(powers)} powers p.")


def _tracking_error(lr, X, y, W, start, slip=None):
    theta = np.zeros(X.shape[1])
    errors = []
    for t in range(len(y)):
        before = theta
        theta = theta - lr * (X[t] @ theta - y[t]) * X[t]
        errors.append(np.linalg.norm((before if slip == "before" else theta) - W[t]))
    errors = np.array(errors)
    if slip == "all":
        return errors.mean()
    if slip == "squared":
        return np.mean(errors[start:] ** 2)
    return errors[start:].mean()


def check_tracking_error(reader_fn, n_cases=4, seed=0, rtol=1e-9, atol=1e-12):
    r"""Check a reader's tracking error of constant-rate online SGD on a drifting stream.

    From :math:`\theta = 0`, one update per example :math:`t = 0, 1, \dots, T - 1`,

    .. math::

        \theta_t = \theta_{t-1} - \eta\,(x_t^\top\theta_{t-1} - y_t)\,x_t, \qquad
        \text{error} = \frac{1}{T - s}\sum_{t=s}^{T-1} \lVert \theta_t - w(t) \rVert ,

    comparing the iterate *after* the update with example :math:`t` with the true weights
    :math:`w(t)` (row ``t`` of ``W``), over :math:`t \ge s` = ``start``. The cases are random
    drifting streams (200 to 600 examples, 1 to 3 weights).

    Parameters
    ----------
    reader_fn : callable
        ``reader_fn(lr, X, y, W, start) -> float``.
    n_cases : int >= 1
    seed : int >= 0
        Seed of the random streams.
    rtol, atol : float
        Tolerances.

    Returns
    -------
    None
        Prints a ``✓`` line on success.

    Raises
    ------
    AssertionError
        At the first stream where the result raises, is not a number or is wrong, with a hint
        when it compares the iterate before the update, averages over the whole stream,
        averages squared errors, or swaps ``X`` and ``W``.
    TypeError
        If ``reader_fn`` is not callable, or ``n_cases`` or ``seed`` is not an integer.
    ValueError
        If ``n_cases`` < 1 or ``seed`` < 0.

    Examples
    --------
    >>> def tracking(lr, X, y, W, start):
    ...     theta, errors = np.zeros(X.shape[1]), []
    ...     for t in range(len(y)):
    ...         theta = theta - lr * (X[t] @ theta - y[t]) * X[t]
    ...         errors.append(np.linalg.norm(theta - W[t]))
    ...     return np.mean(errors[start:])
    >>> check_tracking_error(tracking)
    ✓ tracking gives the tracking error on 4 random drifting streams.

    References
    ----------
    B. Widrow, J. M. McCool, M. G. Larimore, C. R. Johnson, "Stationary and nonstationary
    learning characteristics of the LMS adaptive filter", Proceedings of the IEEE 64(8),
    1151-1162, 1976, doi:10.1109/PROC.1976.10286.
    """
    if not callable(reader_fn):
        raise TypeError(f"check_tracking_error(reader_fn) needs a function, got {type(reader_fn).__name__}")
    n_cases = _validate.integer("n_cases", n_cases, low=1)
    rng = np.random.default_rng(_validate.seed("seed", seed))
    name = _name(reader_fn)
    slips = {"before": "compare the iterate after the update with example t (theta_t) with w(t), "
                       "not the one before it.",
             "all": "average over t >= start only: the first examples are the warm-up.",
             "squared": "average the distances |theta_t − w(t)| (np.linalg.norm), not their squares."}
    for k in range(1, n_cases + 1):
        T, dim = int(rng.integers(200, 601)), int(rng.integers(1, 4))
        drift = np.cumsum(0.02 * rng.standard_normal((T, dim)), axis=0) + rng.standard_normal(dim)
        X = rng.standard_normal((T, dim))
        y = np.sum(X * drift, axis=1) + 0.2 * rng.standard_normal(T)
        lr, start = float(rng.uniform(0.01, 0.2)), T // 4
        where = [f"stream {k}: X of shape {X.shape}, lr = {lr:.4g}, start = {start}"]
        expected = _tracking_error(lr, X, y, drift, start)
        got = _call(reader_fn, (lr, X.copy(), y.copy(), drift.copy(), start), {}, name, where)
        lines = _problem(got, expected, rtol, atol)
        if lines:
            for slip, hint in slips.items():
                if _matches(got, _tracking_error(lr, X, y, drift, start, slip), rtol, atol):
                    lines = _with_hint(lines, hint)
                    break
            else:
                if _matches(got, _tracking_error(lr, drift, y, X, start), rtol, atol):
                    lines = _with_hint(lines, "X and W are swapped (they have the same shape): the "
                                              "signature is (lr, X, y, W, start).")
            _fail(f"{name} is not correct for stream {k} of {n_cases}.", where + lines)
    print(f"✓ {name} gives the tracking error on {n_cases} random drifting streams.")


__all__ += ["check_minibatch_sgd", "check_per_example_gradients", "check_smallest_batch",
            "check_robbins_monro", "check_tracking_error"]


# ---- chapter 06 exercises
def _adagrad_rate_run(t, g, lr, eps=1e-8):
    """Adagrad's effective rate at step t of a constant gradient g, measured on a run of optim.Adagrad."""
    from gdlab import optim  # here, not at the top: checkers load without the optimizers

    path = optim.run(optim.Adagrad(lr=lr, eps=eps), lambda th: np.full_like(th, g), np.zeros(1), t)
    return float((path[t - 1, 0] - path[t, 0]) / g)


def check_adagrad_rate(reader_fn, n_random=4, seed=0, rtol=1e-6):
    r"""Check a reader's formula for Adagrad's effective learning rate on a constant slope.

    After :math:`t` steps of the same gradient :math:`g`, Adagrad's sum is :math:`G_t = t g^2`,
    so the factor that multiplies :math:`g` in step :math:`t` is

    .. math::

        \eta_t = \frac{\eta}{\sqrt{G_t + \epsilon}} = \frac{\eta}{\sqrt{t g^2 + \epsilon}}
        \approx \frac{\eta}{|g| \sqrt{t}} .

    The reference is measured, not computed: ``gdlab.optim.Adagrad(lr, eps=1e-8)`` runs
    :math:`t` steps of the constant gradient from :math:`\theta = 0` and the rate is
    :math:`(\theta_{t-1} - \theta_t) / g`. The cases are :math:`t = 1, 2, 7` and
    ``n_random`` random :math:`t \le 2000`, with gradients of either sign and sizes
    :math:`10^{-1}` to :math:`10`, and rates :math:`\eta` from :math:`10^{-3}` to 1, where
    :math:`\epsilon = 10^{-8}` changes the rate by less than :math:`10^{-6}` (relative).

    Parameters
    ----------
    reader_fn : callable
        ``reader_fn(t, g, lr) -> float``: the effective rate of step ``t`` (t >= 1).
    n_random : int >= 0
        Number of random cases after the fixed ones.
    seed : int >= 0
        Seed of the random cases.
    rtol : float
        Relative tolerance.

    Returns
    -------
    None
        Prints a ``✓`` line on success.

    Raises
    ------
    AssertionError
        At the first case where the reader's value raises, is not a finite number or is off;
        with a hint for the common slips (a negative rate for a negative gradient, no square
        root, the step instead of the rate, t off by one, t and g swapped).
    TypeError
        If ``reader_fn`` is not callable, or ``n_random`` or ``seed`` is not an integer.
    ValueError
        If ``n_random`` or ``seed`` is negative.

    Examples
    --------
    >>> def adagrad_rate(t, g, lr):
    ...     return lr / (abs(g) * np.sqrt(t))
    >>> check_adagrad_rate(adagrad_rate)  # doctest: +ELLIPSIS
    ✓ adagrad_rate gives Adagrad's effective rate in all 7 cases ...
    >>> def rate(t, g, lr):
    ...     return lr / (g * np.sqrt(t))
    >>> check_adagrad_rate(rate)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: ✗ rate is wrong for t = 7, g = -0.3..., lr = ... (case 3 of 7).
    ...
      hint: your rate is negative for a negative gradient: a rate is positive (use |g|, np.abs(g)).

    References
    ----------
    J. Duchi, E. Hazan, Y. Singer, "Adaptive subgradient methods for online learning and
    stochastic optimization", JMLR 12, 2011, pp. 2121-2159. S. Ruder, "An overview of gradient
    descent optimization algorithms", arXiv:1609.04747, 2016, section 4.3.
    """
    if not callable(reader_fn):
        raise TypeError(f"check_adagrad_rate(reader_fn) needs a function, got "
                        f"{type(reader_fn).__name__}")
    n_random = _validate.integer("n_random", n_random, low=0)
    rng = np.random.default_rng(_validate.seed("seed", seed))
    cases = [(1, 2.5, 0.01), (2, 0.6, 0.1), (7, -0.3, 0.5)]
    for _ in range(n_random):
        sign = rng.choice([-1.0, 1.0])
        cases.append((int(rng.integers(10, 2001)), float(sign * 10.0 ** rng.uniform(-1, 1)),
                      float(10.0 ** rng.uniform(-3, 0))))
    name = _name(reader_fn, "your function")
    n = len(cases)
    for k, (t, g, lr) in enumerate(cases, start=1):
        where = [f"for t = {t}, g = {g:.6g}, lr = {lr:.6g}"]
        got = _call(reader_fn, (t, g, lr), {}, name, where)
        expected = _adagrad_rate_run(t, g, lr)
        lines = _kind_problem(got, expected)
        if lines:
            _fail(f"{name} returned no usable rate (case {k} of {n}).", where + lines)
        value = float(_as_array(got))
        if np.isclose(value, expected, rtol=rtol, atol=0):
            continue
        slips = [
            (-expected if g < 0 else None, "your rate is negative for a negative gradient: a rate "
             "is positive (use |g|, np.abs(g))."),
            (lr / (g * g * t), "Adagrad divides by the square root of G_t = t g²: without the "
             "root you get lr / (g² t)."),
            (expected * g, "that is the step η g / √G_t; the rate is the factor that multiplies g "
             "(divide by g)."),
            (lr / (abs(g) * np.sqrt(t + 1)), "t is off by one: after t steps G_t holds t squared "
             "gradients (t g²), the first step included."),
            (lr / (abs(g) * np.sqrt(t - 1)) if t > 1 else None, "t is off by one: after t steps "
             "G_t holds t squared gradients (t g²), the first step included."),
            (expected / lr, "the learning rate lr is missing: the rate is lr / √G_t."),
        ]
        hint = next((text for wrong, text in slips
                     if wrong is not None and np.isclose(value, wrong, rtol=1e-6, atol=0)), None)
        if hint is None:
            try:
                swapped = float(np.ravel(_as_array(reader_fn(g, t, lr)))[0])
            except Exception:  # the swapped call may fail: then it is no clue
                swapped = None
            if swapped is not None and np.isclose(swapped, expected, rtol=rtol, atol=0):
                hint = ("your function gives the right rate when called as (g, t, lr): the order "
                        "of the arguments is (t, g, lr).")
        lines = [f"expected: {expected:.8g} (measured on a run of optim.Adagrad)",
                 f"got:      {value:.8g}"]
        if hint is None:
            hint = _hint(np.array(value), np.array(expected), rtol, 0.0)
        if hint:
            lines.append("hint: " + hint)
        _fail(f"{name} is wrong for t = {t}, g = {g:.6g}, lr = {lr:.6g} (case {k} of {n}).",
              where[1:] + lines)
    print(f"✓ {name} gives Adagrad's effective rate in all {n} cases (t from 1 to 2000, "
          f"gradients of either sign, measured on runs of optim.Adagrad).")


def _spd_quadratic(rng, n):
    """A random quadratic ½ θᵀAθ − bᵀθ: A symmetric with eigenvalues in [0.5, 5], b normal."""
    q = np.linalg.qr(rng.standard_normal((n, n)))[0]
    a = (q * rng.uniform(0.5, 5.0, n)) @ q.T
    return (a + a.T) / 2, rng.standard_normal(n)


def check_torch_steps(reader_step, torch_optimizer, steps=20, n_cases=3, size=4, seed=0,
                      rtol=1e-9, atol=1e-12, **hyper):
    r"""Check a reader's optimizer step against a ``torch.optim`` optimizer, step after step.

    The reader writes one step with torch's state, as a dict with torch's names:

    .. math::

        (\theta_t, s_t) = \texttt{reader\_step}(\theta_{t-1}, g_t, s_{t-1}),
        \qquad g_t = A\theta_{t-1} - b ,

    on ``n_cases`` random quadratics :math:`\frac12 \theta^\top A \theta - b^\top \theta`
    (``size`` parameters, :math:`A` positive definite). Torch's optimizer (float64) runs the
    same ``steps`` steps from the same random :math:`\theta_0`; after every step the reader's
    :math:`\theta_t` and state are compared with torch's parameter and ``optimizer.state``.
    The initial state the reader gets is torch's own (its tensors, for example
    ``square_avg`` and ``acc_delta`` of ``Adadelta``, as NumPy arrays; ``step`` left out),
    so the reader need not know how torch initialises it.

    Parameters
    ----------
    reader_step : callable
        ``reader_step(theta, grad, state) -> (new_theta, new_state)`` with ``state`` and
        ``new_state`` dicts keyed by torch's state names; the hyper-parameters are fixed
        inside (e.g. default arguments) and must match ``hyper``.
    torch_optimizer : str or torch.optim.Optimizer subclass
        E.g. ``"Adadelta"`` or ``torch.optim.Adadelta``.
    steps : int >= 1
    n_cases : int >= 1
    size : int >= 1
        Number of parameters.
    seed : int >= 0
    rtol, atol : float
    **hyper
        Keyword arguments of the torch optimizer (e.g. ``rho=0.9, eps=1e-6``).

    Returns
    -------
    None
        Prints a ``✓`` line with the largest difference from torch on success.

    Raises
    ------
    AssertionError
        At the first step where the reader's function raises, returns something other than
        ``(new_theta, new_state)``, or its parameters or state differ from torch's; the
        message names the case, the step and the state entry, with a hint (a swap of
        ``theta`` and ``grad``, a state entry that is not updated).
    TypeError
        If ``reader_step`` is not callable, ``torch_optimizer`` is not a torch optimizer or
        its name, or a count is not an integer.
    ValueError
        If a count is < 1 or ``seed`` < 0.

    Examples
    --------
    >>> def sgd_momentum(theta, grad, state, lr=0.1, momentum=0.9):
    ...     buf = momentum * state["momentum_buffer"] + grad if "momentum_buffer" in state else grad
    ...     return theta - lr * buf, {"momentum_buffer": buf}
    >>> check_torch_steps(sgd_momentum, "SGD", lr=0.1, momentum=0.9)  # doctest: +ELLIPSIS
    ✓ sgd_momentum follows torch.optim.SGD(lr=0.1, momentum=0.9) for 20 steps ...

    References
    ----------
    A. Paszke et al., "PyTorch: An imperative style, high-performance deep learning library",
    NeurIPS 32, 2019, arXiv:1912.01703 (``torch.optim``).
    """
    import torch

    if not callable(reader_step):
        raise TypeError(f"check_torch_steps(reader_step, ...) needs a function, got "
                        f"{type(reader_step).__name__}")
    cls = getattr(torch.optim, torch_optimizer, None) if isinstance(torch_optimizer, str) \
        else torch_optimizer
    if not (isinstance(cls, type) and issubclass(cls, torch.optim.Optimizer)):
        raise TypeError(f"torch_optimizer must be a torch.optim optimizer or its name, got "
                        f"{torch_optimizer!r}")
    steps = _validate.integer("steps", steps, low=1)
    n_cases = _validate.integer("n_cases", n_cases, low=1)
    size = _validate.integer("size", size, low=1)
    rng = np.random.default_rng(_validate.seed("seed", seed))
    name = _name(reader_step)
    label = f"torch.optim.{cls.__name__}(" + ", ".join(f"{k}={v!r}" for k, v in hyper.items()) + ")"

    def torch_state(opt, p):
        return {k: v.detach().numpy().copy() for k, v in opt.state[p].items()
                if k != "step" and torch.is_tensor(v) and v.shape == p.shape}

    largest = 0.0
    for case in range(1, n_cases + 1):
        A, b = _spd_quadratic(rng, size)
        theta0 = rng.standard_normal(size)
        p = torch.tensor(theta0, dtype=torch.float64, requires_grad=True)
        opt = cls([p], **hyper)
        # torch creates its state on the first step; a zero gradient at θ = 0 leaves it as created
        probe = torch.zeros(size, dtype=torch.float64, requires_grad=True)
        probe_opt = cls([probe], **hyper)
        probe.grad = torch.zeros(size, dtype=torch.float64)
        probe_opt.step()
        state = torch_state(probe_opt, probe)
        theta = theta0.copy()
        for t in range(1, steps + 1):
            grad = A @ theta - b
            where = [f"case {case} of {n_cases}, step {t} of {steps}",
                     f"theta = {_fmt(theta)}", f"grad  = {_fmt(grad)}", f"state = {_fmt(state)}"]
            given = {k: v.copy() for k, v in state.items()}
            result = _call(reader_step, (theta.copy(), grad.copy(), given), {}, name, where)
            p.grad = torch.from_numpy(grad.copy())
            opt.step()
            expected_theta, expected_state = p.detach().numpy().copy(), torch_state(opt, p)
            if not (isinstance(result, (tuple, list)) and len(result) == 2):
                _fail(f"{name} must return (new_theta, new_state).",
                      where[:1] + [f"got {_fmt(result)}",
                                   "hint: end with 'return new_theta, new_state', new_state a "
                                   f"dict with the keys {sorted(expected_state)}."])
            new_theta, new_state = result
            if hasattr(new_state, "_asdict"):
                new_state = new_state._asdict()
            lines = _problem(new_theta, expected_theta, rtol, atol)
            if lines:
                hint = None
                try:
                    swapped = reader_step(grad.copy(), theta.copy(), {k: v.copy() for k, v in
                                                                      state.items()})[0]
                    if _problem(swapped, expected_theta, rtol, atol) is None:
                        hint = "you swapped theta and grad: the order is (theta, grad, state)."
                except Exception:  # the swapped call may fail: then it is no clue
                    pass
                hint = hint or _step_hint(new_theta, expected_theta, theta, rtol, atol)
                if hint and not any(line.startswith("hint") for line in lines):
                    lines.append("hint: " + hint)
                _fail(f"{name}'s new theta differs from {label}'s at step {t} (case {case}).",
                      where + lines)
            if not isinstance(new_state, dict) or not set(expected_state) <= set(new_state):
                keys = sorted(new_state) if isinstance(new_state, dict) else type(new_state).__name__
                _fail(f"{name}'s new state is not a dict with torch's keys (step {t}).",
                      where[:1] + [f"expected the keys {sorted(expected_state)}, got {keys}"])
            for key, value in expected_state.items():
                lines = _problem(new_state[key], value, rtol, atol)
                if lines:
                    if _problem(new_state[key], state[key], 0, 0) is None:
                        lines = [line for line in lines if not line.startswith("hint")]
                        lines.append(f"hint: new_state[{key!r}] is the old value: update it and "
                                     "return the new array.")
                    _fail(f"{name}'s new_state[{key!r}] differs from torch's at step {t} "
                          f"(case {case}); theta is still right.", where + lines)
                largest = max(largest, float(np.max(np.abs(_as_array(new_state[key]) - value))))
            largest = max(largest, float(np.max(np.abs(_as_array(new_theta) - expected_theta))))
            theta = _as_array(new_theta).copy()
            state = {k: _as_array(v).copy() for k, v in new_state.items() if k in expected_state}
    print(f"✓ {name} follows {label} for {steps} steps on {n_cases} random quadratics "
          f"(largest difference {largest:.1e}).")


__all__ += ["check_adagrad_rate", "check_torch_steps"]


# ---- chapter 07 exercises
def _adam_first_step_variants(g, lr, beta1, beta2, eps):
    """Adam's uncorrected first step and the usual mistakes, as {name: step}."""
    root = np.sqrt(1 - beta2) * np.abs(g)
    return {
        "right": -lr * (1 - beta1) * g / (root + eps),
        "corrected": -lr * g / (np.abs(g) + eps),
        "swapped": -lr * (1 - beta2) * g / (np.sqrt(1 - beta1) * np.abs(g) + eps),
        "eps inside": -lr * (1 - beta1) * g / np.sqrt((1 - beta2) * g**2 + eps),
        "no eps": -lr * (1 - beta1) * g / root,
        "no root": -lr * (1 - beta1) * g / ((1 - beta2) * g**2 + eps),
    }


_FIRST_STEP_HINTS = {
    "corrected": "this is the bias-corrected first step −η g/(|g| + ε). Without the corrections "
                 "m_1 = (1−β1) g and v_1 = (1−β2) g² are used as they are.",
    "swapped": "β1 and β2 are swapped: β1 belongs to the average of gradients m, β2 to the average "
               "of squares v.",
    "eps inside": "ε goes outside the square root in Adam: √v_1 + ε, not √(v_1 + ε).",
    "no eps": "ε is missing from the denominator √v_1 + ε (it matters when |g| is small).",
    "no root": "the denominator is the square root of v_1 = (1−β2) g², plus ε.",
}


def check_uncorrected_first_step(reader_fn, n_cases=6, seed=0, rtol=1e-7):
    r"""Check a reader's first update of Adam without bias correction.

    With :math:`m_0 = v_0 = 0` and the two bias-correction lines of Adam left out,
    :math:`m_1 = (1-\beta_1) g` and :math:`v_1 = (1-\beta_2) g^2`, so the first update is

    .. math::

        \theta_1 - \theta_0 = -\eta\, \frac{(1-\beta_1)\, g}{\sqrt{1-\beta_2}\,|g| + \epsilon} .

    Parameters
    ----------
    reader_fn : callable
        ``reader_fn(g, lr, beta1, beta2, eps) -> ndarray`` of the shape of ``g`` (the
        update, not the new parameters).
    n_cases : int >= 1
        Number of cases. Case 1 has the defaults (lr 0.001, betas 0.9 and 0.999, eps
        1e-8); the others draw lr, the betas and eps at random, and gradients of shape
        (5,) with entries from 1e-4 to 1e2 in size, so that eps matters in some entries.
    seed : int >= 0
        Seed of the random cases.
    rtol : float
        Relative tolerance.

    Returns
    -------
    None
        Prints a ``✓`` line on success.

    Raises
    ------
    AssertionError
        At the first wrong case, showing its inputs, with a hint when the answer is the
        bias-corrected step, swaps ``beta1`` and ``beta2``, puts ``eps`` inside the root,
        leaves ``eps`` or the root out, or has the sign flipped; also when the function
        raises, returns ``None`` or changes ``g`` in place.
    ValueError, TypeError
        If ``n_cases`` < 1 or ``seed`` < 0, or either is not an integer.

    Examples
    --------
    >>> import numpy as np
    >>> def first_step(g, lr, beta1, beta2, eps):
    ...     return -lr * (1 - beta1) * g / (np.sqrt(1 - beta2) * np.abs(g) + eps)
    >>> check_uncorrected_first_step(first_step)
    ✓ first_step is Adam's uncorrected first update in all 6 cases (3.16 η for the defaults).
    >>> def corrected(g, lr, beta1, beta2, eps):
    ...     return -lr * g / (np.abs(g) + eps)
    >>> check_uncorrected_first_step(corrected)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: ✗ corrected is wrong in case 1 of 6.
    ...
      hint: this is the bias-corrected first step −η g/(|g| + ε). ...

    References
    ----------
    D. P. Kingma, J. Ba, "Adam: A method for stochastic optimization", ICLR 2015,
    arXiv:1412.6980 (Algorithm 1 and section 3).
    """
    n_cases = _validate.integer("n_cases", n_cases, low=1)
    seed = _validate.seed("seed", seed)
    rng = np.random.default_rng(seed)
    name = _name(reader_fn)
    for k in range(1, n_cases + 1):
        if k == 1:
            g = np.array([2.0, -0.5, 30.0, -1e-3, 0.07])
            lr, beta1, beta2, eps = 0.001, 0.9, 0.999, 1e-8
        else:
            g = rng.choice([-1.0, 1.0], 5) * 10.0 ** rng.uniform(-4, 2, 5)
            lr = float(10.0 ** rng.uniform(-4, 0))
            beta1 = float(rng.uniform(0.5, 0.95))
            beta2 = float(rng.uniform(0.98, 0.9999))
            eps = float(10.0 ** rng.uniform(-8, -3))
        where = [f"inputs (case {k} of {n_cases}): g = {_fmt(g)}, lr = {lr:.6g}, beta1 = {beta1:.6g}, "
                 f"beta2 = {beta2:.6g}, eps = {eps:.3g}"]
        given = g.copy()
        got = _call(reader_fn, (given, lr, beta1, beta2, eps), {}, name, where)
        if not np.array_equal(given, g):
            _fail(f"{name} changed its argument g in place (case {k} of {n_cases}).",
                  where + ["hint: compute a new array instead of g *= ... or g[...] = ..."])
        variants = _adam_first_step_variants(g, lr, beta1, beta2, eps)
        lines = _problem(got, variants["right"], rtol, 1e-300)
        if lines:
            for mistake, hint in _FIRST_STEP_HINTS.items():
                if _problem(got, variants[mistake], rtol, 1e-300) is None:
                    lines = [line for line in lines if not line.startswith("hint")]
                    lines.append("hint: " + hint)
                    break
            _fail(f"{name} is wrong in case {k} of {n_cases}.", where + lines)
    print(f"✓ {name} is Adam's uncorrected first update in all {n_cases} cases "
          f"(3.16 η for the defaults).")


__all__ += ["check_uncorrected_first_step"]


# ---- chapter 05 exercises
def _momentum_rate(eta, gamma, lam, nesterov):
    """Largest |root| of z² − (1 + γ' − ηλ) z + γ' with γ' = γ (heavy ball) or γ(1 − ηλ) (NAG)."""
    a = eta * lam
    g = gamma * (1 - a) if nesterov else gamma
    b = 1 + g - a
    root = np.sqrt(complex(b * b - 4 * g))
    return max(abs((b + root) / 2), abs((b - root) / 2))


def check_momentum_rate(reader_rate, nesterov=False, n_cases=12, seed=None, rtol=1e-6):
    r"""Check a reader's rate of momentum (or NAG) on one eigen-direction of a quadratic.

    On :math:`f(c) = \frac12 \lambda c^2` the heavy ball maps :math:`(c_{t-1}, v_{t-1})` to
    :math:`(c_t, v_t)` with a :math:`2 \times 2` matrix; NAG, which takes the gradient at the
    look-ahead point :math:`c - \gamma v`, with another one:

    .. math::

        M_{\text{heavy ball}} = \begin{pmatrix} 1 - \eta\lambda & -\gamma \\ \eta\lambda & \gamma
        \end{pmatrix}, \qquad
        M_{\text{NAG}} = \begin{pmatrix} 1 - \eta\lambda & -\gamma(1 - \eta\lambda) \\ \eta\lambda &
        \gamma(1 - \eta\lambda) \end{pmatrix}, \qquad
        \rho = \max |\text{eigenvalue}| .

    The reference is the larger modulus of the roots of the characteristic polynomial
    :math:`z^2 - (1 + \gamma' - \eta\lambda) z + \gamma'`, with :math:`\gamma' = \gamma` for
    the heavy ball and :math:`\gamma(1 - \eta\lambda)` for NAG. The cases are drawn afresh
    (:math:`\eta \in (0.01, 0.5)`, :math:`\gamma \in [0, 0.99)`, :math:`\lambda \in (0.1, 10)`,
    stable and unstable ones), with one over-damped and one under-damped case always included.

    Parameters
    ----------
    reader_rate : callable
        ``reader_rate(eta, gamma, lam) -> float``.
    nesterov : bool, default False
        Check NAG's rate instead of the heavy ball's.
    n_cases : int >= 2
        Number of cases.
    seed : int >= 0, optional
        Seed of the random cases (default: fresh cases at every call).
    rtol : float
        Relative tolerance.

    Returns
    -------
    None
        Prints a ``✓`` line on success.

    Raises
    ------
    AssertionError
        At the first case where the reader's function raises, returns no number, or a wrong
        one; with a hint when it swapped ``eta`` and ``gamma``, returned the other method's
        rate, a root instead of its modulus, or the smallest modulus.
    TypeError
        If ``reader_rate`` is not callable or ``nesterov`` is not a bool.
    ValueError
        If ``n_cases`` < 2 or ``seed`` < 0.

    Examples
    --------
    >>> def rate(eta, gamma, lam):
    ...     M = np.array([[1 - eta * lam, -gamma], [eta * lam, gamma]])
    ...     return np.abs(np.linalg.eigvals(M)).max()
    >>> check_momentum_rate(rate, seed=0)
    ✓ rate gives the heavy ball's rate per step on 12 random (η, γ, λ), stable and unstable.
    >>> check_momentum_rate(rate, nesterov=True, seed=0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: ✗ rate is not NAG's rate for case 1 of 12.
    ...
      hint: this is the heavy ball's rate; NAG takes the gradient at c − γv, which ...

    References
    ----------
    B. T. Polyak, "Some methods of speeding up the convergence of iteration methods", USSR
    Computational Mathematics and Mathematical Physics 4(5), 1964,
    doi:10.1016/0041-5553(64)90137-5.
    I. Sutskever, J. Martens, G. Dahl, G. Hinton, "On the importance of initialization and
    momentum in deep learning", ICML 2013, PMLR 28(3):1139-1147.
    """
    if not callable(reader_rate):
        raise TypeError(f"check_momentum_rate(reader_rate) needs a function, got "
                        f"{type(reader_rate).__name__}")
    if not isinstance(nesterov, (bool, np.bool_)):
        raise TypeError(f"nesterov must be True or False, got {nesterov!r}")
    n_cases = _validate.integer("n_cases", n_cases, low=2)
    rng = np.random.default_rng(None if seed is None else _validate.seed("seed", seed))
    method = "NAG" if nesterov else "the heavy ball"
    other = not nesterov
    # one over-damped and one under-damped case, then random ones
    cases = [(0.05, 0.1, 1.0), (0.1, 0.9, 2.0)]
    while len(cases) < n_cases:
        cases.append((float(rng.uniform(0.01, 0.5)), float(rng.uniform(0, 0.99)),
                      float(rng.uniform(0.1, 10.0))))
    order = rng.permutation(len(cases))
    cases = [cases[i] for i in order]
    name = _name(reader_rate)
    n_unstable = 0
    for k, (eta, gamma, lam) in enumerate(cases, start=1):
        where = [f"inputs: eta = {eta:.6g}, gamma = {gamma:.6g}, lam = {lam:.6g}"]
        expected = _momentum_rate(eta, gamma, lam, nesterov)
        n_unstable += expected >= 1
        got = _call(reader_rate, (eta, gamma, lam), {}, name, where)
        if isinstance(got, (complex, np.complexfloating)) or np.iscomplexobj(got):
            _fail(f"{name} returned a complex number for case {k} of {n_cases}.",
                  where + [f"got:      {got}",
                           "hint: the rate is the modulus: np.abs(...) of the eigenvalues."])
        lines = _kind_problem(got, expected)
        if lines:
            if np.ndim(got) > 0:
                lines = [line for line in lines if not line.startswith("hint")] + [
                    "hint: return one number, the largest modulus: np.abs(eigenvalues).max()."]
            _fail(f"{name} did not return a number for case {k} of {n_cases}.", where + lines)
        value = float(_as_array(got))
        if np.isclose(value, expected, rtol=rtol, atol=1e-12):
            continue
        lines = where + [f"expected: {expected:.8g}", f"got:      {value:.8g}"]
        roots = np.roots([1, -(1 + (gamma * (1 - eta * lam) if nesterov else gamma) - eta * lam),
                          gamma * (1 - eta * lam) if nesterov else gamma])
        slips = [(_momentum_rate(gamma, eta, lam, nesterov),
                  "you swapped eta and gamma: the order is (eta, gamma, lam)."),
                 (_momentum_rate(eta, gamma, lam, other),
                  ("this is the heavy ball's rate; NAG takes the gradient at c − γv, which "
                   "multiplies the momentum by (1 − ηλ) in the matrix.") if nesterov else
                  "this is NAG's rate; the heavy ball takes the gradient at c itself."),
                 (float(np.abs(roots).min()),
                  "this is the smaller modulus: the rate is set by the larger one."),
                 (float(max(roots.real, key=abs)),
                  "use the modulus of the eigenvalues (np.abs), not their real part.")]
        for candidate, hint in slips:
            if np.isclose(value, candidate, rtol=rtol, atol=1e-12):
                lines.append("hint: " + hint)
                break
        _fail(f"{name} is not {method}'s rate for case {k} of {n_cases}.", lines)
    print(f"✓ {name} gives {method}'s rate per step on {n_cases} random (η, γ, λ), "
          f"stable and unstable.")


__all__ += ["check_momentum_rate"]


# ---- chapter 08 exercises
def _parameter_names(fn):
    try:
        return list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return []


def _whole_number(got):
    """``got`` as an int if it is a whole number (int, NumPy integer, integral float), else None."""
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, numbers.Real):
        return None
    value = float(got)
    return int(value) if np.isfinite(value) and value == round(value) else None


def _best_rate_cases(rng, n_cases):
    cases = [([0.01, 0.1, 1.0], [0.3, 0.05, np.inf]),             # the docstring's example
             ([1.0, 0.1, 0.01], [0.05, 0.05, 0.3])]                # a tie, rates falling
    while len(cases) < n_cases:
        k = int(rng.integers(4, 9))
        rates = 10.0 ** (rng.permutation(k) / 2 - 3)               # a shuffled log grid
        scores = np.round(10.0 ** rng.uniform(-3, 1, k), 3)
        scores[rng.random(k) < 0.25] = np.inf                      # some rates diverged
        scores[int(np.argmax(np.isfinite(scores)))] = 0.5          # at least one works
        if len(cases) % 2 == 0:                                    # a tie for the best
            j = int(rng.choice(np.flatnonzero(np.isfinite(scores))))
            best = float(np.min(scores[np.isfinite(scores)]))
            scores[j] = best
            scores[(j + 1) % k] = best
        cases.append((rates.tolist(), scores.tolist()))
    return cases


def check_best_rate(reader_fn, n_cases=8, seed=0):
    r"""Check a reader's choice of the learning rate with the lowest score (ties: the smaller rate).

    .. math::

        \eta^\star = \min \big\{ \eta_k : s_k = \min_j s_j \big\}

    The reference is :func:`gdlab.tuning.best_rate`. The cases are the docstring's two
    examples and random shuffled log grids of 4 to 8 rates whose scores include ``inf``
    (a rate that diverged) and, in every other case, a tie for the lowest score.

    Parameters
    ----------
    reader_fn : callable
        ``reader_fn(rates, scores) -> float``; gets lists (copies).
    n_cases : int >= 2
    seed : int >= 0
        Seed of the random cases.

    Returns
    -------
    None
        Prints a ``✓`` line on success.

    Raises
    ------
    AssertionError
        At the first wrong case, showing its inputs, with a hint when the answer is an index,
        a score instead of a rate (arguments swapped?), the highest score's rate, the larger
        rate of a tie, or an ``inf`` rate; also when the function raises or returns None.
    TypeError, ValueError
        If ``reader_fn`` is not callable, or ``n_cases`` / ``seed`` is not a valid integer.

    Examples
    --------
    >>> import numpy as np
    >>> def best_rate(rates, scores):
    ...     rates, scores = np.asarray(rates), np.asarray(scores)
    ...     return float(rates[scores == scores.min()].min())
    >>> check_best_rate(best_rate)
    ✓ best_rate picks the rate with the lowest score in all 8 cases (ties: the smaller rate).
    >>> def first_best(rates, scores):
    ...     return rates[int(np.argmin(scores))]
    >>> check_best_rate(first_best)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: ✗ first_best is wrong in case 2 of 8.
    ...
      hint: 1 and 0.1 tie for the lowest score: take the smaller rate, the one further from divergence.

    References
    ----------
    Choi, D. et al. (2019). On empirical comparisons of optimizers for deep learning.
    arXiv:1910.05446.
    """
    from gdlab import tuning

    if not callable(reader_fn):
        raise TypeError(f"check_best_rate(reader_fn) needs a function, got {type(reader_fn).__name__}")
    n_cases = _validate.integer("n_cases", n_cases, low=2)
    rng = np.random.default_rng(_validate.seed("seed", seed))
    name = _name(reader_fn)
    if _parameter_names(reader_fn)[:2] == ["scores", "rates"]:
        _fail(f"{name} takes (scores, rates): the order is best_rate(rates, scores).",
              ["hint: swap the two parameters in the 'def' line."])
    cases = _best_rate_cases(rng, n_cases)
    for k, (rates, scores) in enumerate(cases, start=1):
        where = [f"rates  = {_fmt(np.array(rates))}", f"scores = {_fmt(np.array(scores))}"]
        expected = tuning.best_rate(rates, scores)
        got = _call(reader_fn, (list(rates), list(scores)), {}, name, where)
        lines = _kind_problem(got, expected)
        if lines:
            _fail(f"{name} did not return a rate in case {k} of {n_cases}.", where + lines)
        value = float(_as_array(got))
        if np.isclose(value, expected, rtol=1e-12, atol=0):
            continue
        r, s = np.array(rates), np.array(scores)
        finite = np.isfinite(s)
        lines = where + [f"expected: {expected:.6g}", f"got:      {value:.6g}"]
        best = s == s[finite].min()
        if value in r[best]:
            lines.append(f"hint: {' and '.join(f'{v:g}' for v in r[best])} tie for the lowest "
                         "score: take the smaller rate, the one further from divergence.")
        elif value == int(np.flatnonzero(r == expected)[0]):
            lines.append("hint: that is the position of the best rate in the list; return the "
                         "rate itself, rates[k].")
        elif value in s:
            lines.append("hint: that is a score, not a rate: are the arguments swapped? "
                         "The order is best_rate(rates, scores).")
        elif finite.any() and value in r[s == s[finite].max()]:
            lines.append("hint: that rate has the highest finite score; lower is better.")
        elif value in r[~finite]:
            lines.append("hint: that rate scored inf (it diverged): it is out.")
        _fail(f"{name} is wrong in case {k} of {n_cases}.", lines)
    print(f"✓ {name} picks the rate with the lowest score in all {n_cases} cases "
          f"(ties: the smaller rate).")


def _escape_steps(y0, lr):
    """Gradient descent on x² − y²: y_{t+1} = y_t + 2 lr y_t; steps until |y| >= 1."""
    y, t = abs(float(y0)), 0
    while y < 1.0:
        y, t = y + 2.0 * lr * y, t + 1
    return t


def check_escape_steps(reader_fn, n_cases=8, seed=0):
    r"""Check a reader's count of the steps gradient descent needs to leave the saddle :math:`x^2 - y^2`.

    The :math:`y` coordinate follows :math:`y_{t+1} = y_t - \eta\,\partial_y f = (1 + 2\eta)\, y_t`,
    so :math:`|y_t| = (1 + 2\eta)^t |y_0|` and the first step with :math:`|y_t| \ge 1` is

    .. math::

        t^\star = \left\lceil \frac{\ln(1/|y_0|)}{\ln(1 + 2\eta)} \right\rceil .

    The reference counts the steps by iterating the rule itself (so rounding is never an
    issue). Case 1 is the default rate 0.01 from :math:`y_0 = 10^{-3}` (349 steps); the
    others draw :math:`y_0 = \pm 10^{u}`, :math:`u \in [-6, -1]`, and
    :math:`\eta = 10^{v}`, :math:`v \in [-3, -0.3]`.

    Parameters
    ----------
    reader_fn : callable
        ``reader_fn(y0, lr) -> int``.
    n_cases : int >= 1
    seed : int >= 0
        Seed of the random cases.

    Returns
    -------
    None
        Prints a ``✓`` line on success.

    Raises
    ------
    AssertionError
        At the first wrong case, with a hint for a count off by one, a factor 1 + η instead
        of 1 + 2η, a negative :math:`y_0` not handled, swapped arguments, or a count that is
        not a whole number; also when the function raises or returns None.
    TypeError, ValueError
        If ``reader_fn`` is not callable, or ``n_cases`` / ``seed`` is not a valid integer.

    Examples
    --------
    >>> import math
    >>> def escape_steps(y0, lr):
    ...     return math.ceil(math.log(1 / abs(y0)) / math.log(1 + 2 * lr))
    >>> check_escape_steps(escape_steps)
    ✓ escape_steps counts the steps to leave the saddle in all 8 cases (349 at lr = 0.01 from y0 = 1e-3).
    >>> def half_as_fast(y0, lr):
    ...     return math.ceil(math.log(1 / abs(y0)) / math.log(1 + lr))
    >>> check_escape_steps(half_as_fast)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: ✗ half_as_fast is wrong in case 1 of 8.
    ...
      hint: the gradient of −y² is −2y, so y grows by the factor 1 + 2·lr per step, not 1 + lr.

    References
    ----------
    Dauphin, Y. et al. (2014). Identifying and attacking the saddle point problem in
    high-dimensional non-convex optimization. NeurIPS 27. arXiv:1406.2572.
    """
    if not callable(reader_fn):
        raise TypeError(f"check_escape_steps(reader_fn) needs a function, got {type(reader_fn).__name__}")
    n_cases = _validate.integer("n_cases", n_cases, low=1)
    rng = np.random.default_rng(_validate.seed("seed", seed))
    name = _name(reader_fn)
    if _parameter_names(reader_fn)[:2] == ["lr", "y0"]:
        _fail(f"{name} takes (lr, y0): the order is escape_steps(y0, lr).",
              ["hint: swap the two parameters in the 'def' line."])
    cases = [(1e-3, 0.01)]
    while len(cases) < n_cases:
        sign = -1.0 if len(cases) % 3 == 2 else 1.0
        cases.append((sign * float(10 ** rng.uniform(-6, -1)), float(10 ** rng.uniform(-3, -0.3))))
    for k, (y0, lr) in enumerate(cases, start=1):
        where = [f"y0 = {y0:.6g}, lr = {lr:.6g}"]
        expected = _escape_steps(y0, lr)
        got = _call(reader_fn, (y0, lr), {}, name, where)
        value = _whole_number(got)
        if value is None:
            lines = where + [f"expected: {expected}", f"got:      {_fmt(got)}"]
            if isinstance(got, numbers.Real) and not isinstance(got, (bool, np.bool_)) \
                    and np.isnan(float(got)) and y0 < 0:
                lines.append("hint: y0 is negative here: the distance from the ridge is |y0| "
                             "(abs(y0)).")
            elif isinstance(got, numbers.Real) and np.isfinite(float(got)):
                lines.append("hint: a number of steps is a whole number: round up with "
                             "math.ceil.")
            _fail(f"{name} did not return a whole number of steps in case {k} of {n_cases}.",
                  lines)
        if value == expected:
            continue
        lines = where + [f"expected: {expected}", f"got:      {value}"]
        if abs(value - expected) == 1:
            lines.append("hint: off by one: the answer is the FIRST t with (1 + 2·lr)^t·|y0| >= 1, "
                         "so round up (math.ceil) and count t from 0.")
        elif abs(value - _escape_steps(y0, lr / 2)) <= 1:       # the factor 1 + lr
            lines.append("hint: the gradient of −y² is −2y, so y grows by the factor 1 + 2·lr per "
                         "step, not 1 + lr.")
        elif abs(y0) < 1 and abs(lr) < 1 and 0 < abs(lr) and value in (
                _escape_steps(lr, abs(y0)), _escape_steps(lr, abs(y0)) - 1):
            lines.append("hint: the arguments look swapped: the order is escape_steps(y0, lr).")
        _fail(f"{name} is wrong in case {k} of {n_cases}.", lines)
    print(f"✓ {name} counts the steps to leave the saddle in all {n_cases} cases "
          f"(349 at lr = 0.01 from y0 = 1e-3).")


def _steps_to_target_cases(rng, n_cases):
    cases = [([0.1, 0.6, 0.93, 0.95, 0.97], 0.95, 5),        # the docstring's example: equality
             ([0.2, 0.5, 0.7], 0.99, 10),                      # never reached
             ([0.5, 0.8, 0.9], 0.3, 5)]                        # reached at the start
    while len(cases) < n_cases:
        n = int(rng.integers(5, 25))
        curve = np.round(np.clip(np.cumsum(rng.uniform(-0.02, 0.12, n)) + 0.1, 0, 1), 3)
        every = int(rng.choice([1, 2, 5, 10]))
        target = float(curve[int(rng.integers(1, n))]) if len(cases) % 2 else \
            float(np.round(rng.uniform(curve.min(), curve.max()), 4))
        cases.append((curve.tolist(), target, every))
    return cases


def check_steps_to_target(reader_fn, n_cases=10, seed=0):
    r"""Check a reader's first step at which a recorded accuracy curve reaches a target.

    ``curve[k]`` is recorded after :math:`k \cdot` ``every`` steps (``curve[0]`` at the
    start), and the answer is

    .. math::

        t^\star = \text{every} \cdot \min\{k : \text{curve}_k \ge \text{target}\}

    or ``None`` when no record reaches the target. The reference is
    :func:`gdlab.tuning.steps_to_target`. The cases include a record equal to the target,
    a target never reached, one reached at the start, and random rising curves with
    ``every`` in {1, 2, 5, 10}.

    Parameters
    ----------
    reader_fn : callable
        ``reader_fn(curve, target, every) -> int or None``; gets a list (a copy).
    n_cases : int >= 3
    seed : int >= 0
        Seed of the random cases.

    Returns
    -------
    None
        Prints a ``✓`` line on success.

    Raises
    ------
    AssertionError
        At the first wrong case, with a hint when the answer is the record index (not
        multiplied by ``every``), one record late, misses a record equal to the target
        (``>`` instead of ``>=``), gives a value of the curve, or is not ``None`` for a
        target never reached; also when the function raises or has the parameters in
        another order.
    TypeError, ValueError
        If ``reader_fn`` is not callable, or ``n_cases`` / ``seed`` is not a valid integer.

    Examples
    --------
    >>> import numpy as np
    >>> def steps_to_target(curve, target, every):
    ...     hits = np.flatnonzero(np.asarray(curve) >= target)
    ...     return int(hits[0]) * every if hits.size else None
    >>> check_steps_to_target(steps_to_target)
    ✓ steps_to_target finds the first step at the target in all 10 cases (never reached: None).
    >>> def strictly(curve, target, every):
    ...     hits = np.flatnonzero(np.asarray(curve) > target)
    ...     return int(hits[0]) * every if hits.size else None
    >>> check_steps_to_target(strictly)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: ✗ strictly is wrong in case 1 of 10.
    ...
      hint: a record equal to the target reaches it: compare with >=, not >.
    ...

    References
    ----------
    Schmidt, R. M., Schneider, F. & Hennig, P. (2021). Descending through a crowded valley:
    benchmarking deep learning optimizers. ICML 2021. arXiv:2007.01547.
    """
    from gdlab import tuning

    if not callable(reader_fn):
        raise TypeError(f"check_steps_to_target(reader_fn) needs a function, "
                        f"got {type(reader_fn).__name__}")
    n_cases = _validate.integer("n_cases", n_cases, low=3)
    rng = np.random.default_rng(_validate.seed("seed", seed))
    name = _name(reader_fn)
    params = _parameter_names(reader_fn)
    if params[:2] == ["target", "curve"]:
        _fail(f"{name} takes (target, curve, ...): the order is steps_to_target(curve, target, every).",
              ["hint: put curve first in the 'def' line."])
    for k, (curve, target, every) in enumerate(_steps_to_target_cases(rng, n_cases), start=1):
        where = [f"curve = {_fmt(np.array(curve))}", f"target = {target:g}, every = {every}"]
        expected = tuning.steps_to_target(curve, target, every)
        try:
            got = reader_fn(list(curve), target, every)
        except Exception as err:
            lines = where + _exception_hint(err, (curve, target, every), {})
            if expected is None:
                lines.append("hint: this curve never reaches the target: return None instead "
                             "of failing (e.g. check hits.size, or loop and return None after it).")
            _fail(f"{name} raised {type(err).__name__}: {err}", lines, cause=err)
        if got is Ellipsis or (got is None and k == 1):
            _not_implemented(name)
        if expected is None:
            if got is not None:
                _fail(f"{name} is wrong in case {k} of {n_cases}.", where + [
                    "expected: None (the curve never reaches the target)", f"got:      {_fmt(got)}",
                    "hint: return None when no record reaches the target, not a number."])
            continue
        value = _whole_number(got)
        if value == expected:
            continue
        lines = where + [f"expected: {expected}", f"got:      {_fmt(got)}"]
        index = expected // every
        if got is None:
            lines.append("hint: the curve does reach the target here; return the step.")
        elif value == index and every > 1:
            lines.append(f"hint: {index} is the record's position; each record is {every} steps "
                         "apart: multiply by every.")
        elif value is not None and (value == expected + every or curve[index] == target):
            above = [j for j, c in enumerate(curve) if c > target]
            if curve[index] == target and above and value == above[0] * every:
                lines.append("hint: a record equal to the target reaches it: compare with >=, "
                             "not >.")
            if value == expected + every:
                lines.append("hint: one record late: curve[0] is recorded at step 0, curve[k] "
                             "at step k·every.")
        elif not isinstance(got, (bool, np.bool_)) and isinstance(got, numbers.Real) \
                and float(got) in curve:
            lines.append("hint: that is a value of the curve; return the step at which it is "
                         "reached.")
        _fail(f"{name} is wrong in case {k} of {n_cases}.", lines)
    print(f"✓ {name} finds the first step at the target in all {n_cases} cases "
          f"(never reached: None).")


__all__ += ["check_best_rate", "check_escape_steps", "check_steps_to_target"]
