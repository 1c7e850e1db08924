r"""Choosing a learning rate fairly: a grid, a score, a search, and the numbers a comparison reports.

A comparison of optimizers is only as fair as the learning rates it gives them
(Choi et al., 2019; Schmidt et al., 2021). The functions here implement one stated
protocol, the same for every optimizer:

- :func:`log_grid`: the candidate rates, evenly spaced on a log scale;
- :func:`search_score`: how a rate is scored from runs on *held-out* start points or
  data (the median of the values reached; a rate that diverged anywhere is out);
- :func:`best_rate`: the rate with the lowest score (ties go to the smaller rate);
- :func:`log_line_search`: the same choice when every evaluation is expensive (a
  training run): walk along the log grid from a library default while the score improves;
- :func:`steps_to_target` and :func:`mean_std`: what a results table reports.

All functions are small and pure (no global state, no randomness); the runs themselves
are made by :func:`gdlab.optim.run_many` or a training loop.

References
----------
Choi, D., Shallue, C. J., Nado, Z., Lee, J., Maddison, C. J. & Dahl, G. E. (2019). On
empirical comparisons of optimizers for deep learning. arXiv:1910.05446.

Schmidt, R. M., Schneider, F. & Hennig, P. (2021). Descending through a crowded valley:
benchmarking deep learning optimizers. ICML 2021, PMLR 139. arXiv:2007.01547.
"""

from __future__ import annotations

import math
import numbers
from typing import NamedTuple

import numpy as np

from gdlab import _validate

__all__ = ["LineSearch", "best_rate", "log_grid", "log_line_search", "mean_std", "search_score",
           "steps_to_target"]


def _real_array(name, values, ndim_min=1):
    a = np.asarray(values)
    if a.dtype.kind not in "biuf" or a.dtype.kind == "b":
        raise TypeError(f"{name} must be an array of real numbers, got {_validate.describe(values)}")
    if a.ndim < ndim_min or a.size == 0:
        raise ValueError(f"{name} must hold at least one value"
                         + (f" along {ndim_min} axis" if ndim_min > 1 else "")
                         + f", got shape {a.shape}")
    return a.astype(float)


def log_grid(low, high, per_decade=2):
    r"""Candidate learning rates evenly spaced on a log scale, from ``low`` to ``high``.

    .. math::

        \eta_k = 10^{k/m}, \qquad \lceil m \log_{10} \eta_{\text{low}} \rceil \le k \le
        \lfloor m \log_{10} \eta_{\text{high}} \rfloor

    with :math:`m` points per decade (``per_decade=2``: 1, 3.16, 10, 31.6, ...). The grid
    points are the same whatever ``low`` and ``high`` are, so grids for different
    optimizers line up.

    Parameters
    ----------
    low, high : float
        Smallest and largest rate, ``0 < low <= high`` (a bound that is not on the grid is
        rounded inwards).
    per_decade : int >= 1, default 2
        Grid points per factor of 10.

    Returns
    -------
    ndarray of float
        Increasing rates; at least one (``ValueError`` otherwise).

    Raises
    ------
    TypeError
        A bound that is not a real number, ``per_decade`` not an integer.
    ValueError
        ``low <= 0``, ``low > high``, ``per_decade < 1``, or no grid point in ``[low, high]``.

    Examples
    --------
    >>> from gdlab import tuning
    >>> tuning.log_grid(1e-3, 1).round(4).tolist()
    [0.001, 0.0032, 0.01, 0.0316, 0.1, 0.3162, 1.0]
    >>> tuning.log_grid(0.01, 100, per_decade=1).tolist()
    [0.01, 0.1, 1.0, 10.0, 100.0]

    References
    ----------
    Bengio, Y. (2012). Practical recommendations for gradient-based training of deep
    architectures. In *Neural Networks: Tricks of the Trade*, 2nd ed., LNCS 7700, 437-478
    (search the learning rate on a log scale). doi:10.1007/978-3-642-35289-8_26
    """
    low = _validate.real("low", low, low=0, low_open=True)
    high = _validate.real("high", high, low=0, low_open=True)
    per_decade = _validate.integer("per_decade", per_decade, low=1)
    if low > high:
        raise ValueError(f"low must be <= high, got low={low!r} > high={high!r}")
    # a small tolerance so that 1e-3 counts as 10**-3 despite rounding in log10
    k_low = math.ceil(per_decade * math.log10(low) - 1e-9)
    k_high = math.floor(per_decade * math.log10(high) + 1e-9)
    if k_low > k_high:
        raise ValueError(f"no grid point 10**(k/{per_decade}) lies in [{low!r}, {high!r}]; "
                         "widen the interval or raise per_decade")
    return 10.0 ** (np.arange(k_low, k_high + 1) / per_decade)


def search_score(values, diverged, floor=0.0):
    r"""Score of each learning rate from its runs on held-out start points (lower is better).

    .. math::

        s(\eta) = \begin{cases} \operatorname{median}_i\, \max\big(v_i(\eta), v_{\min}\big)
        & \text{no run diverged} \\ +\infty & \text{a run diverged} \end{cases}

    where :math:`v_i(\eta)` is what run :math:`i` reached with rate :math:`\eta` (e.g.
    :math:`f(\theta_T) - f^*` after the step budget :math:`T`, or a validation loss). The
    median is robust to one unlucky start; a rate that diverges from any start is unusable,
    whatever the others reached. Values below the floor :math:`v_{\min}` count as equal:
    once several rates reach the minimum to rounding error, round-off should not pick the
    winner (:func:`best_rate` then takes the smallest of them).

    Parameters
    ----------
    values : array_like, shape (..., n_runs)
        The values reached; the last axis runs over start points (or seeds). NaN or inf
        counts as a divergence.
    diverged : array_like of bool or int, same shape
        True (or a nonzero step, as in ``optim.run_many(...).diverged_at``) where a run
        diverged.
    floor : float >= 0, default 0
        Values below it count as ``floor`` (e.g. ``1e-12`` for gaps at rounding level).

    Returns
    -------
    ndarray, shape values.shape[:-1]
        One score per rate (a 0-d array for a single rate).

    Raises
    ------
    TypeError
        ``values`` not real numbers.
    ValueError
        No runs, the two shapes differ, or a negative floor.

    Examples
    --------
    >>> import numpy as np
    >>> from gdlab import tuning
    >>> values = np.array([[0.5, 0.1, 0.3], [1e-4, 1e-3, 1e-2], [1e-9, 1e-9, 1e-9]])
    >>> diverged = np.array([[0, 0, 0], [0, 0, 0], [0, 12, 0]])   # the last rate blew up once
    >>> tuning.search_score(values, diverged).tolist()
    [0.3, 0.001, inf]
    >>> tuning.search_score([[1e-15, 3e-14], [2e-16, 1e-17]], [[0, 0], [0, 0]], floor=1e-12).tolist()
    [1e-12, 1e-12]

    References
    ----------
    Choi, D. et al. (2019). On empirical comparisons of optimizers for deep learning.
    arXiv:1910.05446.
    """
    v = _real_array("values", values)
    d = np.asarray(diverged)
    if d.dtype.kind not in "biu":
        raise TypeError(f"diverged must hold booleans or step numbers, got dtype {d.dtype}")
    if d.shape != v.shape:
        raise ValueError(f"values and diverged must have the same shape, got {v.shape} "
                         f"and {d.shape}")
    floor = _validate.real("floor", floor, low=0)
    bad = (d != 0) | ~np.isfinite(v)
    kept = np.maximum(np.where(bad, 0.0, v), floor)
    return np.where(bad.any(axis=-1), np.inf, np.median(kept, axis=-1))


def best_rate(rates, scores):
    r"""The learning rate with the lowest score; ties go to the smaller rate.

    .. math::

        \eta^\star = \min \big\{ \eta_k : s_k = \min_j s_j \big\}

    Preferring the smaller of two equally good rates is the safe choice: it is further
    from divergence.

    Parameters
    ----------
    rates : array_like, shape (n,)
        Candidate rates, > 0, in any order.
    scores : array_like, shape (n,)
        Their scores (lower is better); ``inf`` marks a rate that is out.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        Arguments not real numbers.
    ValueError
        Shapes that differ, a rate <= 0, a NaN score, or every score infinite (no rate
        works: widen the grid towards smaller rates).

    Examples
    --------
    >>> from gdlab import tuning
    >>> tuning.best_rate([0.01, 0.1, 1.0], [0.2, 0.05, float("inf")])
    0.1
    >>> tuning.best_rate([1.0, 0.1, 0.01], [0.05, 0.05, 0.3])     # a tie: the smaller rate
    0.1

    References
    ----------
    Bengio, Y. (2012). Practical recommendations for gradient-based training of deep
    architectures. In *Neural Networks: Tricks of the Trade*, 2nd ed., LNCS 7700, 437-478.
    doi:10.1007/978-3-642-35289-8_26
    """
    r = _real_array("rates", rates)
    s = _real_array("scores", scores)
    if r.ndim != 1 or r.shape != s.shape:
        raise ValueError(f"rates and scores must be 1-D of the same length, got shapes "
                         f"{r.shape} and {s.shape}")
    if not (np.isfinite(r).all() and (r > 0).all()):
        raise ValueError(f"rates must be finite and > 0, got {r.tolist()}")
    if np.isnan(s).any():
        raise ValueError(f"scores must not be NaN (use inf for a rate that is out), got {s.tolist()}")
    if np.isinf(s).all():
        raise ValueError(f"every rate scored inf (all diverged?) among {r.tolist()}: "
                         "widen the grid towards smaller rates")
    best = s == s.min()
    return float(r[best].min())


class LineSearch(NamedTuple):
    """Result of :func:`log_line_search`: the chosen rate, its score, and every rate tried
    (a dict ``{rate: score}`` in the order of evaluation)."""
    rate: float
    score: float
    tried: dict


def log_line_search(score_fn, start, factor=10 ** 0.5, max_evals=10):
    r"""Walk along a log grid of rates from ``start`` while the score improves.

    The grid is :math:`\eta_k = \eta_0 c^k` (:math:`c` = ``factor``). The search scores
    :math:`\eta_0` and :math:`\eta_1`, then keeps stepping in the better direction while
    the score strictly falls:

    .. math::

        k \leftarrow k \pm 1 \quad \text{while} \quad s(\eta_{k \pm 1}) < s(\eta_k)

    If :math:`\eta_0` diverges (score :math:`+\infty`) it steps down until a rate works.
    For a score that falls, then rises, with the rate (the usual U shape) this finds the
    grid minimum in a few evaluations, which matters when each one is a training run.

    Parameters
    ----------
    score_fn : callable
        ``score_fn(rate) -> float`` (lower is better; NaN or inf for a run that failed).
    start : float > 0
        The first rate, e.g. the library default.
    factor : float > 1, default sqrt(10)
        Ratio of neighbouring grid points (two per decade).
    max_evals : int >= 2, default 10
        At most this many calls of ``score_fn``.

    Returns
    -------
    LineSearch
        ``(rate, score, tried)``: the best rate seen (ties: the smaller), its score, and
        ``{rate: score}`` for every rate tried.

    Raises
    ------
    TypeError
        ``score_fn`` not callable, or returning something that is not a real number.
    ValueError
        ``start <= 0``, ``factor <= 1``, ``max_evals < 2``, or every rate tried failed.

    Examples
    --------
    >>> from gdlab import tuning
    >>> bowl = lambda rate: (np.log10(rate) + 2) ** 2      # best rate 0.01
    >>> result = tuning.log_line_search(bowl, start=1.0)
    >>> round(result.rate, 6), [round(r, 4) for r in result.tried]
    (0.01, [1.0, 3.1623, 0.3162, 0.1, 0.0316, 0.01, 0.0032])

    References
    ----------
    Nocedal, J. & Wright, S. J. (2006). *Numerical Optimization*, 2nd ed., Springer, ch. 3
    (bracketing a minimum along a line). doi:10.1007/978-0-387-40065-5
    """
    if not callable(score_fn):
        raise TypeError(f"score_fn must be callable, got {_validate.describe(score_fn)}")
    start = _validate.real("start", start, low=0, low_open=True)
    factor = _validate.real("factor", factor, low=1, low_open=True)
    max_evals = _validate.integer("max_evals", max_evals, low=2)
    scores, order = {}, []

    def score(k):
        if k not in scores:
            rate = start * factor**k
            value = score_fn(rate)
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
                raise TypeError(f"score_fn({rate:g}) must return a real number, "
                                f"got {_validate.describe(value)}")
            scores[k] = math.inf if math.isnan(float(value)) else float(value)
            order.append(k)
        return scores[k]

    k = 0
    if math.isinf(score(0)):                       # diverged: step down until a rate works
        while math.isinf(score(k)) and len(order) < max_evals:
            k -= 1
        direction = -1
    elif score(1) < score(0):
        k, direction = 1, 1
    else:
        direction = -1
    while len(order) < max_evals and score(k + direction) < score(k):
        k += direction
    tried = {start * factor**j: scores[j] for j in order}
    finite = {j: s for j, s in scores.items() if math.isfinite(s)}
    if not finite:
        raise ValueError(f"every rate tried failed (score inf or NaN): "
                         f"{[f'{r:g}' for r in tried]}; start lower or allow more evaluations")
    best_score = min(finite.values())
    best = min(j for j, s in finite.items() if s == best_score)
    return LineSearch(start * factor**best, best_score, tried)


def steps_to_target(curve, target, every=1, *, higher_is_better=True):
    r"""The first step at which a recorded curve reaches a target, or None if it never does.

    ``curve[k]`` is the value recorded after :math:`k \cdot` ``every`` steps (``curve[0]``
    at the start). For an accuracy (``higher_is_better=True``):

    .. math::

        t^\star = \text{every} \cdot \min\{k : \text{curve}_k \ge \text{target}\}

    and with ``higher_is_better=False`` (a loss) the condition is
    :math:`\text{curve}_k \le \text{target}`.

    Parameters
    ----------
    curve : array_like, shape (n,)
        Recorded values (NaN never reaches the target).
    target : float
    every : int >= 1, default 1
        Steps between two records.
    higher_is_better : bool, default True (keyword only)

    Returns
    -------
    int or None

    Raises
    ------
    TypeError
        ``curve`` a single number (arguments swapped?) or not real numbers, ``target`` not
        a real number, ``every`` not an integer, ``higher_is_better`` not a bool.
    ValueError
        An empty or multi-dimensional ``curve``, ``every < 1``, a target that is not finite.

    Examples
    --------
    >>> from gdlab import tuning
    >>> tuning.steps_to_target([0.1, 0.6, 0.93, 0.95, 0.97], 0.95, every=5)
    15
    >>> tuning.steps_to_target([3.0, 1.0, 0.5], 0.1, higher_is_better=False) is None
    True

    References
    ----------
    Schmidt, R. M., Schneider, F. & Hennig, P. (2021). Descending through a crowded valley:
    benchmarking deep learning optimizers. ICML 2021. arXiv:2007.01547.
    """
    if np.ndim(curve) == 0:
        raise TypeError(f"curve must be a sequence of recorded values, got "
                        f"{_validate.describe(curve)} (arguments swapped? the order is "
                        "steps_to_target(curve, target, every))")
    c = _real_array("curve", curve)
    if c.ndim != 1:
        raise ValueError(f"curve must be 1-D (one value per record), got shape {c.shape}")
    target = _validate.real("target", target)
    every = _validate.integer("every", every, low=1)
    higher_is_better = _validate.flag("higher_is_better", higher_is_better)
    with np.errstate(invalid="ignore"):
        reached = c >= target if higher_is_better else c <= target
    if not reached.any():
        return None
    return int(np.argmax(reached)) * every


def mean_std(values, digits=1, scale=1.0):
    r"""``"mean ± std"`` of repeated measurements as text; missing runs are counted.

    .. math::

        \bar x = \frac1n \sum_i x_i, \qquad s = \sqrt{\frac{1}{n-1} \sum_i (x_i - \bar x)^2}

    (the sample standard deviation, over the runs that have a value). ``None`` or NaN
    marks a run without a value (a target never reached): the text then ends in
    ``(k/n)``, and is ``"—"`` if no run has one.

    Parameters
    ----------
    values : sequence of float or None
    digits : int >= 0, default 1
        Decimals shown.
    scale : float, default 1.0
        Multiply first (``scale=100`` shows a fraction as a percentage).

    Returns
    -------
    str

    Raises
    ------
    TypeError
        A value that is not a real number or None; ``digits`` not an integer.
    ValueError
        No values, ``digits < 0``, ``scale`` not finite.

    Examples
    --------
    >>> from gdlab import tuning
    >>> tuning.mean_std([0.962, 0.955, 0.970], scale=100)
    '96.2 ± 0.8'
    >>> tuning.mean_std([40, None, 60], digits=0), tuning.mean_std([None, None])
    ('50 ± 14 (2/3)', '—')

    References
    ----------
    Bouthillier, X. et al. (2021). Accounting for variance in machine learning benchmarks.
    MLSys 2021. arXiv:2103.03098.
    """
    digits = _validate.integer("digits", digits, low=0)
    scale = _validate.real("scale", scale)
    values = list(values)
    if not values:
        raise ValueError("values must hold at least one measurement, got none")
    kept = []
    for i, v in enumerate(values):
        if v is None:
            continue
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real):
            raise TypeError(f"values[{i}] must be a real number or None, got {_validate.describe(v)}")
        if not math.isnan(float(v)):
            kept.append(float(v) * scale)
    if not kept:
        return "—"
    text = f"{np.mean(kept):.{digits}f}"
    if len(kept) > 1:
        text += f" ± {np.std(kept, ddof=1):.{digits}f}"
    if len(kept) < len(values):
        text += f" ({len(kept)}/{len(values)})"
    return text
