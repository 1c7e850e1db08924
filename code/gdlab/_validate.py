"""Argument checks shared by every gdlab module (private).

One rule everywhere: a value of the wrong *type* raises ``TypeError``, a value of the
right type but out of range raises ``ValueError``; both messages name the argument and
show the value, e.g. ``lr must be a finite number >= 0, got -0.1``.

* Real numbers: Python ``int``/``float``/``Fraction`` and NumPy scalars (``np.float32(1)``,
  ``np.int64(2)``); never ``bool``. A Python integer too large for a float (``10**400``)
  is a ``ValueError`` that says so.
* Integers: Python ``int`` and NumPy integers; never ``bool`` or a float such as ``2.0``.
* Flags: ``True``/``False`` (also ``numpy.bool_``).
* Seeds: integers >= 0; ``None`` is refused so that every result can be reproduced.
"""

from __future__ import annotations

import math
import numbers

import numpy as np


def describe(value) -> str:
    """A short repr for messages: NumPy scalars as plain numbers, huge integers abbreviated."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**20:
        text = str(value)
        return f"{text[:8]}... (an integer of {len(text.lstrip('-'))} digits)"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _interval(low, high, low_open, high_open) -> str:
    if low is not None and high is not None:
        return (f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}")
    if low is not None:
        return f"{'>' if low_open else '>='} {low:g}"
    if high is not None:
        return f"{'<' if high_open else '<='} {high:g}"
    return ""


def real(name, value, low=None, high=None, *, low_open=False, high_open=False) -> float:
    """``value`` as a float, after checking it is a finite real number in the interval.

    Raises ``TypeError`` for a non-number (or a bool) and ``ValueError`` for NaN, ±inf,
    a number out of the interval, or an integer too large for a float.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {describe(value)} "
                        f"of type {type(value).__name__}")
    where = _interval(low, high, low_open, high_open)
    wanted = f"{name} must be a finite number{' ' + where if where else ''}"
    try:
        x = float(value)
    except OverflowError:
        raise ValueError(f"{wanted}, got {describe(value)}, too large for a float") from None
    inside = (math.isfinite(x)
              and (low is None or (low < x if low_open else low <= x))
              and (high is None or (x < high if high_open else x <= high)))
    if not inside:
        raise ValueError(f"{wanted}, got {describe(value)}")
    return x


def integer(name, value, low=None, high=None) -> int:
    """``value`` as an int, after checking it is an integer (not a bool) in ``[low, high]``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {describe(value)} "
                        f"of type {type(value).__name__}")
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        if low is not None and high is not None:
            where = f"in {low}..{high}"
        else:
            where = f">= {low}" if low is not None else f"<= {high}"
        raise ValueError(f"{name} must be an integer {where}, got {describe(value)}")
    return value


def flag(name, value) -> bool:
    """``value`` as a bool, after checking it is True or False."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {describe(value)}")
    return bool(value)


def seed(name, value) -> int:
    """A seed: an integer >= 0 (``None`` would make the result irreproducible)."""
    if value is None:
        raise TypeError(f"{name} must be an integer >= 0 (results must be reproducible), got None")
    return integer(name, value, low=0)


def first_nonfinite(a):
    """Index (a tuple) of the first NaN/inf entry of array ``a``, or ``None`` if all are finite."""
    a = np.asarray(a)
    if all_finite(a):
        return None
    return tuple(int(i) for i in np.argwhere(~np.isfinite(a))[0])


def all_finite(a) -> bool:
    """Whether every entry of the float array ``a`` is finite.

    One pass and no temporary array: a sum of finite numbers is finite unless it
    overflows, and any NaN or ±inf makes it NaN or ±inf. Only when the sum is not
    finite (a bad entry, or an overflow of huge values) are the entries looked at.
    """
    a = np.asarray(a)
    if a.size == 0 or a.dtype.kind in "biu":
        return True
    with np.errstate(over="ignore", invalid="ignore"):
        if math.isfinite(np.add.reduce(a, axis=None)):
            return True
        return bool(np.isfinite(a).all())
