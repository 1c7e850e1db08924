r"""Learning-rate schedules, each equal to its ``torch.optim.lr_scheduler`` counterpart.

Convention
----------
A fixed schedule is a **pure function of the epoch**::

    lr = schedule(epoch, lr0, ...hyper-parameters...)

where ``epoch`` :math:`t = 0, 1, 2, \dots` counts the calls of
``scheduler.step()`` made so far (torch's ``last_epoch``): ``schedule(t, ...)``
is the learning rate used during epoch :math:`t` and equals
``scheduler.get_last_lr()[0]`` after :math:`t` calls of ``scheduler.step()``.
``epoch`` may be a number or an array (then an array of learning rates is
returned, handy for plots). Real, non-integer epochs are accepted as well
(e.g. fractions of an epoch for per-batch annealing); torch itself only uses
integers.

* :func:`step_decay`: :math:`\eta_t = \eta_0 \gamma^{\lfloor t / s \rfloor}` (torch ``StepLR``);
* :func:`exponential_decay`: :math:`\eta_t = \eta_0 \gamma^t` (``ExponentialLR``);
* :func:`inverse_time_decay`: :math:`\eta_t = \eta_0 / (1 + t/\tau)` (``LambdaLR`` with
  ``lambda t: 1 / (1 + d * t)``; torch has no dedicated class);
* :func:`cosine_annealing`: :math:`\eta_t = \eta_{\min} + \tfrac12 (\eta_0 - \eta_{\min})
  (1 + \cos(\pi t / T_{\max}))` (``CosineAnnealingLR``);
* :func:`cosine_warm_restarts`: the same with restarts, SGDR (``CosineAnnealingWarmRestarts``);
* :func:`linear_warmup`: :math:`\eta_t = \eta_0 (f_0 + (f_1 - f_0) \min(t, T) / T)` (``LinearLR``).

Reduce-on-plateau depends on the measured metric, so it is a state machine
with explicit state: :class:`ReduceOnPlateau` (``init`` / ``step``, like the
optimizers of :mod:`gdlab.optim`) and :func:`reduce_on_plateau` for a whole
sequence of metrics.

:func:`torch_rates` reads, epoch by epoch, the learning rate that a real
``torch.optim.SGD`` uses under any PyTorch scheduler: the reference the
closed forms above are tested against (it imports torch when called; importing
this module does not).

References
----------
.. [1] PyTorch documentation, "How to adjust learning rate",
   https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate
.. [2] C. Darken, J. Chang and J. Moody, "Learning rate schedules for faster
   stochastic gradient search", Neural Networks for Signal Processing II,
   IEEE, 1992.
.. [3] I. Loshchilov and F. Hutter, "SGDR: Stochastic Gradient Descent with
   Warm Restarts", ICLR 2017. arXiv:1608.03983.
.. [4] P. Goyal et al., "Accurate, Large Minibatch SGD: Training ImageNet in
   1 Hour", arXiv:1706.02677, 2017.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real
from typing import NamedTuple, Sequence

import numpy as np

from gdlab import _validate

__all__ = [
    "PlateauState",
    "ReduceOnPlateau",
    "cosine_annealing",
    "cosine_warm_restarts",
    "exponential_decay",
    "inverse_time_decay",
    "linear_warmup",
    "reduce_on_plateau",
    "step_decay",
    "torch_rates",
]


# --------------------------------------------------------------------------
# Argument validation (private helpers)
# --------------------------------------------------------------------------
def _number(name: str, value, *, low=None, high=None, low_open=False, high_open=False) -> float:
    """``value`` as a float after checking it is a finite real number in the given interval."""
    return _validate.real(name, value, low, high, low_open=low_open, high_open=high_open)


def _integer(name: str, value, *, low: int) -> int:
    """``value`` as an int after checking it is an integer >= low."""
    return _validate.integer(name, value, low=low)


def _epochs(epoch):
    """``(array, is_scalar)``: epochs as float64 after checking they are finite and >= 0."""
    if isinstance(epoch, bool):
        raise TypeError(f"epoch must be a number or an array of numbers, got {epoch!r}")
    arr = np.asarray(epoch)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"epoch must be a number or an array of real numbers, got {epoch!r}")
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        bad = float(arr[~(np.isfinite(arr) & (arr >= 0))].ravel()[0])
        raise ValueError(f"epoch must be finite and >= 0, got {bad!r}")
    return arr, arr.ndim == 0


def _result(values: np.ndarray, scalar: bool):
    return float(values) if scalar else values


# --------------------------------------------------------------------------
# Fixed schedules: pure functions of the epoch
# --------------------------------------------------------------------------
def step_decay(epoch, lr0: float, step_size: int, gamma: float = 0.1):
    r"""Step decay: multiply the learning rate by ``gamma`` every ``step_size`` epochs.

    .. math::

        \eta_t = \eta_0\, \gamma^{\lfloor t / s \rfloor}

    Equal to ``torch.optim.lr_scheduler.StepLR(optimizer, step_size, gamma)``
    with initial learning rate ``lr0``.

    Parameters
    ----------
    epoch : int, float or array_like
        Number :math:`t \ge 0` of completed epochs (scheduler steps).
    lr0 : float
        Initial learning rate :math:`\eta_0 \ge 0`.
    step_size : int
        Period :math:`s \ge 1` of the decay, in epochs.
    gamma : float, default 0.1
        Multiplicative factor, in (0, 1].

    Returns
    -------
    float or numpy.ndarray
        :math:`\eta_t`, with the shape of ``epoch``.

    Raises
    ------
    TypeError
        If an argument has the wrong type (e.g. a float ``step_size``).
    ValueError
        If ``epoch < 0``, ``lr0 < 0``, ``step_size < 1`` or ``gamma`` is not in (0, 1].

    References
    ----------
    .. [1] PyTorch documentation, ``torch.optim.lr_scheduler.StepLR``,
       https://pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.StepLR.html

    Examples
    --------
    >>> [step_decay(t, lr0=0.1, step_size=2, gamma=0.5) for t in range(5)]
    [0.1, 0.1, 0.05, 0.05, 0.025]
    """
    t, scalar = _epochs(epoch)
    lr0 = _number("lr0", lr0, low=0)
    step_size = _integer("step_size", step_size, low=1)
    gamma = _number("gamma", gamma, low=0, high=1, low_open=True)
    return _result(lr0 * gamma ** np.floor(t / step_size), scalar)


def exponential_decay(epoch, lr0: float, gamma: float):
    r"""Exponential decay: multiply the learning rate by ``gamma`` every epoch.

    .. math::

        \eta_t = \eta_0\, \gamma^{t}

    Equal to ``torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma)``.

    Parameters
    ----------
    epoch : int, float or array_like
        Number :math:`t \ge 0` of completed epochs.
    lr0 : float
        Initial learning rate :math:`\eta_0 \ge 0`.
    gamma : float
        Factor per epoch, in (0, 1].

    Returns
    -------
    float or numpy.ndarray
        :math:`\eta_t`, with the shape of ``epoch``.

    Raises
    ------
    TypeError
        If an argument is not a real number.
    ValueError
        If ``epoch < 0``, ``lr0 < 0`` or ``gamma`` is not in (0, 1].

    References
    ----------
    .. [1] PyTorch documentation, ``torch.optim.lr_scheduler.ExponentialLR``,
       https://pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.ExponentialLR.html

    Examples
    --------
    >>> [round(exponential_decay(t, lr0=1.0, gamma=0.9), 6) for t in range(3)]
    [1.0, 0.9, 0.81]
    """
    t, scalar = _epochs(epoch)
    lr0 = _number("lr0", lr0, low=0)
    gamma = _number("gamma", gamma, low=0, high=1, low_open=True)
    return _result(lr0 * gamma**t, scalar)


def inverse_time_decay(epoch, lr0: float, tau: float):
    r"""Inverse-time ("1/t") decay with time constant :math:`\tau`.

    .. math::

        \eta_t = \frac{\eta_0}{1 + t/\tau}

    The rate halves after :math:`\tau` epochs and then falls like :math:`\eta_0\tau/t`,
    which satisfies the Robbins-Monro conditions :math:`\sum_t \eta_t = \infty`,
    :math:`\sum_t \eta_t^2 < \infty`; the "search then converge" schedules of
    Darken, Chang & Moody (1992) are of this form, with :math:`\tau` the search
    time. torch has no dedicated scheduler for it: it equals
    ``torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: 1 / (1 + t / tau))``.

    Parameters
    ----------
    epoch : int, float or array_like
        Number :math:`t \ge 0` of completed epochs.
    lr0 : float
        Initial learning rate :math:`\eta_0 \ge 0`.
    tau : float
        Time constant :math:`\tau > 0`, in epochs.

    Returns
    -------
    float or numpy.ndarray
        :math:`\eta_t`, with the shape of ``epoch``.

    Raises
    ------
    TypeError
        If an argument is not a real number.
    ValueError
        If ``epoch < 0``, ``lr0 < 0`` or ``tau <= 0``.

    References
    ----------
    .. [1] C. Darken, J. Chang and J. Moody, "Learning rate schedules for
       faster stochastic gradient search", Neural Networks for Signal
       Processing II, IEEE, 1992.
    .. [2] PyTorch documentation, ``torch.optim.lr_scheduler.LambdaLR``,
       https://pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.LambdaLR.html

    Examples
    --------
    >>> [inverse_time_decay(t, lr0=1.0, tau=1.0) for t in range(4)]
    [1.0, 0.5, 0.3333333333333333, 0.25]
    >>> inverse_time_decay(10, lr0=0.1, tau=10)
    0.05
    """
    t, scalar = _epochs(epoch)
    lr0 = _number("lr0", lr0, low=0)
    tau = _number("tau", tau, low=0, low_open=True)
    # written as lr0 * (1 / (1 + t / tau)), the order of operations of LambdaLR
    return _result(lr0 * (1.0 / (1.0 + t / tau)), scalar)


def cosine_annealing(epoch, lr0: float, T_max: int, eta_min: float = 0.0):
    r"""Cosine annealing from ``lr0`` down to ``eta_min`` over ``T_max`` epochs.

    .. math::

        \eta_t = \eta_{\min} + \tfrac12 (\eta_0 - \eta_{\min})
                 \left(1 + \cos\frac{\pi t}{T_{\max}}\right)

    This closed form is what ``torch.optim.lr_scheduler.CosineAnnealingLR``
    computes with its recursive update. Past :math:`T_{\max}` neither
    restarts: both keep following the cosine, which rises back to
    :math:`\eta_0` at :math:`t = 2T_{\max}` (period :math:`2T_{\max}`); the
    tests check equality over :math:`3T_{\max}` epochs. SGDR's restarts are
    :func:`cosine_warm_restarts`.

    Parameters
    ----------
    epoch : int, float or array_like
        Number :math:`t \ge 0` of completed epochs.
    lr0 : float
        Initial (maximal) learning rate :math:`\eta_0 \ge 0`.
    T_max : int
        Half period :math:`T_{\max} \ge 1`, in epochs.
    eta_min : float, default 0.0
        Minimal learning rate, :math:`0 \le \eta_{\min} \le \eta_0`.

    Returns
    -------
    float or numpy.ndarray
        :math:`\eta_t`, with the shape of ``epoch``.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``epoch < 0``, ``lr0 < 0``, ``T_max < 1`` or ``eta_min`` is not in
        ``[0, lr0]``.

    References
    ----------
    .. [1] I. Loshchilov and F. Hutter, "SGDR: Stochastic Gradient Descent
       with Warm Restarts", ICLR 2017. arXiv:1608.03983.
    .. [2] PyTorch documentation, ``torch.optim.lr_scheduler.CosineAnnealingLR``,
       https://pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.CosineAnnealingLR.html

    Examples
    --------
    >>> [round(cosine_annealing(t, lr0=1.0, T_max=4), 6) for t in range(9)]
    [1.0, 0.853553, 0.5, 0.146447, 0.0, 0.146447, 0.5, 0.853553, 1.0]
    """
    t, scalar = _epochs(epoch)
    lr0 = _number("lr0", lr0, low=0)
    T_max = _integer("T_max", T_max, low=1)
    eta_min = _number("eta_min", eta_min, low=0, high=lr0)
    return _result(eta_min + (lr0 - eta_min) * (1.0 + np.cos(np.pi * t / T_max)) / 2.0, scalar)


def cosine_warm_restarts(epoch, lr0: float, T_0: int, T_mult: int = 1, eta_min: float = 0.0):
    r"""Cosine annealing with warm restarts (SGDR).

    .. math::

        \eta_t = \eta_{\min} + \tfrac12 (\eta_0 - \eta_{\min})
                 \left(1 + \cos\frac{\pi T_{\mathrm{cur}}}{T_i}\right)

    where :math:`T_{\mathrm{cur}}` is the number of epochs since the last
    restart and :math:`T_i` the length of the current run: the first run
    lasts :math:`T_0` epochs and each next one :math:`T_{\mathrm{mult}}` times
    longer. At a restart the learning rate jumps back to :math:`\eta_0`.
    Equal to ``torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(optimizer,
    T_0, T_mult, eta_min)``.

    Parameters
    ----------
    epoch : int, float or array_like
        Number :math:`t \ge 0` of completed epochs.
    lr0 : float
        Learning rate :math:`\eta_0 \ge 0` at every (re)start.
    T_0 : int
        Length of the first run, >= 1.
    T_mult : int, default 1
        Growth factor of the run length, >= 1.
    eta_min : float, default 0.0
        Minimal learning rate, in ``[0, lr0]``.

    Returns
    -------
    float or numpy.ndarray
        :math:`\eta_t`, with the shape of ``epoch``.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``epoch < 0``, ``lr0 < 0``, ``T_0 < 1``, ``T_mult < 1`` or
        ``eta_min`` is not in ``[0, lr0]``.

    References
    ----------
    .. [1] I. Loshchilov and F. Hutter, "SGDR: Stochastic Gradient Descent
       with Warm Restarts", ICLR 2017. arXiv:1608.03983.
    .. [2] PyTorch documentation,
       ``torch.optim.lr_scheduler.CosineAnnealingWarmRestarts``,
       https://pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.CosineAnnealingWarmRestarts.html

    Examples
    --------
    Runs of 2, then 4 epochs, restarting at :math:`t = 2` and :math:`t = 6`:

    >>> [round(cosine_warm_restarts(t, lr0=1.0, T_0=2, T_mult=2), 6) for t in range(7)]
    [1.0, 0.5, 1.0, 0.853553, 0.5, 0.146447, 1.0]
    """
    t, scalar = _epochs(epoch)
    lr0 = _number("lr0", lr0, low=0)
    T_0 = _integer("T_0", T_0, low=1)
    T_mult = _integer("T_mult", T_mult, low=1)
    eta_min = _number("eta_min", eta_min, low=0, high=lr0)
    t_cur = t.copy()
    t_i = np.full_like(t, float(T_0))
    # peel off completed runs; the loop runs O(log t) times for T_mult > 1
    while np.any(t_cur >= t_i):
        done = t_cur >= t_i
        t_cur = np.where(done, t_cur - t_i, t_cur)
        t_i = np.where(done, t_i * T_mult, t_i)
    return _result(eta_min + (lr0 - eta_min) * (1.0 + np.cos(np.pi * t_cur / t_i)) / 2.0, scalar)


def linear_warmup(epoch, lr0: float, start_factor: float = 1.0 / 3.0, end_factor: float = 1.0,
                  total_iters: int = 5):
    r"""Linear warm-up: scale the learning rate linearly from ``start_factor`` to ``end_factor``.

    .. math::

        \eta_t = \eta_0 \left(f_0 + (f_1 - f_0)\, \frac{\min(t, T)}{T}\right)

    with :math:`f_0` = ``start_factor``, :math:`f_1` = ``end_factor`` and
    :math:`T` = ``total_iters``; constant :math:`\eta_0 f_1` after :math:`T`.
    Goyal et al. (2017) warm up from a small rate to the target rate over the
    first epochs so that training with large batches does not diverge early.
    Equal to ``torch.optim.lr_scheduler.LinearLR(optimizer, start_factor,
    end_factor, total_iters)`` (defaults are torch's).

    Parameters
    ----------
    epoch : int, float or array_like
        Number :math:`t \ge 0` of completed epochs (or iterations).
    lr0 : float
        Target learning rate :math:`\eta_0 \ge 0`.
    start_factor : float, default 1/3
        Factor at :math:`t = 0`, in (0, 1].
    end_factor : float, default 1.0
        Factor from :math:`t = T` on, in [0, 1].
    total_iters : int, default 5
        Length :math:`T \ge 1` of the ramp.

    Returns
    -------
    float or numpy.ndarray
        :math:`\eta_t`, with the shape of ``epoch``.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``epoch < 0``, ``lr0 < 0``, a factor is out of range or
        ``total_iters < 1``.

    References
    ----------
    .. [1] P. Goyal et al., "Accurate, Large Minibatch SGD: Training ImageNet
       in 1 Hour", arXiv:1706.02677, 2017.
    .. [2] PyTorch documentation, ``torch.optim.lr_scheduler.LinearLR``,
       https://pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.LinearLR.html

    Examples
    --------
    >>> [linear_warmup(t, lr0=1.0, start_factor=0.25, total_iters=3) for t in range(5)]
    [0.25, 0.5, 0.75, 1.0, 1.0]
    """
    t, scalar = _epochs(epoch)
    lr0 = _number("lr0", lr0, low=0)
    start_factor = _number("start_factor", start_factor, low=0, high=1, low_open=True)
    end_factor = _number("end_factor", end_factor, low=0, high=1)
    total_iters = _integer("total_iters", total_iters, low=1)
    frac = np.minimum(t, total_iters) / total_iters
    return _result(lr0 * (start_factor + (end_factor - start_factor) * frac), scalar)


# --------------------------------------------------------------------------
# Reduce on plateau: an explicit state machine
# --------------------------------------------------------------------------
class PlateauState(NamedTuple):
    """State of :class:`ReduceOnPlateau` (all fields plain Python numbers).

    Attributes
    ----------
    lr : float
        Current learning rate.
    best : float
        Best metric seen so far (``inf`` for mode 'min' before the first step).
    num_bad_epochs : int
        Epochs since the last improvement (reset during cool-down).
    cooldown_counter : int
        Epochs of cool-down left (no bad epochs are counted while > 0).
    epoch : int
        Number of ``step`` calls so far.
    """

    lr: float
    best: float
    num_bad_epochs: int
    cooldown_counter: int
    epoch: int


@dataclass(frozen=True)
class ReduceOnPlateau:
    r"""Reduce the learning rate when a metric stops improving.

    At every step (one per epoch) with metric :math:`m_t`:

    .. math::

        \text{better} &\iff m_t < b\,(1 - \tau) \quad\text{(mode 'min', threshold\_mode 'rel')}, \\
        \text{(or } & m_t < b - \tau \text{ for 'abs'; } m_t > b(1+\tau),\ m_t > b + \tau \text{ for 'max')}, \\
        \text{if better: } & b \leftarrow m_t,\ n_{\text{bad}} \leftarrow 0
            \text{ else } n_{\text{bad}} \leftarrow n_{\text{bad}} + 1, \\
        \text{if } c > 0: & c \leftarrow c - 1,\ n_{\text{bad}} \leftarrow 0, \\
        \text{if } n_{\text{bad}} > p: & \eta \leftarrow \max(\phi\,\eta, \eta_{\min})
            \text{ (only if the change exceeds } \epsilon),\ c \leftarrow \text{cooldown},\
            n_{\text{bad}} \leftarrow 0,

    with :math:`b` the best metric, :math:`p` = ``patience``, :math:`\phi` =
    ``factor`` and :math:`c` the cool-down counter. This is exactly the logic
    of ``torch.optim.lr_scheduler.ReduceLROnPlateau`` (same parameters and
    defaults; tested step by step), written as a pure function of an explicit
    :class:`PlateauState` instead of a stateful object. A NaN metric never
    counts as better (as in torch).

    Parameters
    ----------
    mode : {'min', 'max'}, default 'min'
        Whether the metric should decrease (a loss) or increase (an accuracy).
    factor : float, default 0.1
        Multiplicative factor :math:`\phi` in (0, 1).
    patience : int, default 10
        Number of bad epochs tolerated before reducing (>= 0).
    threshold : float, default 1e-4
        Minimal improvement :math:`\tau \ge 0` that counts.
    threshold_mode : {'rel', 'abs'}, default 'rel'
        Relative or absolute threshold.
    cooldown : int, default 0
        Epochs to wait after a reduction before counting bad epochs (>= 0).
    min_lr : float, default 0.0
        Lower bound :math:`\eta_{\min} \ge 0` on the learning rate.
    eps : float, default 1e-8
        Reductions smaller than ``eps`` are skipped (>= 0).

    Raises
    ------
    TypeError, ValueError
        If a parameter has the wrong type or is out of range (the message
        names it).

    References
    ----------
    .. [1] PyTorch documentation, ``torch.optim.lr_scheduler.ReduceLROnPlateau``,
       https://pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.ReduceLROnPlateau.html

    Examples
    --------
    >>> sched = ReduceOnPlateau(factor=0.5, patience=1)
    >>> state = sched.init(lr0=1.0)
    >>> for loss in [3.0, 2.0, 2.0, 2.0, 2.0, 1.0]:
    ...     lr, state = sched.step(state, loss)
    ...     print(lr, state.num_bad_epochs)
    1.0 0
    1.0 0
    1.0 1
    0.5 0
    0.5 1
    0.5 0
    """

    mode: str = "min"
    factor: float = 0.1
    patience: int = 10
    threshold: float = 1e-4
    threshold_mode: str = "rel"
    cooldown: int = 0
    min_lr: float = 0.0
    eps: float = 1e-8

    def __post_init__(self):
        for name in ("mode", "threshold_mode"):
            if not isinstance(getattr(self, name), str):
                raise TypeError(f"{name} must be a string, got {getattr(self, name)!r}")
        if self.mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min' or 'max', got {self.mode!r}")
        if self.threshold_mode not in ("rel", "abs"):
            raise ValueError(f"threshold_mode must be 'rel' or 'abs', got {self.threshold_mode!r}")
        object.__setattr__(self, "factor", _number("factor", self.factor, low=0, high=1, low_open=True,
                                                   high_open=True))
        object.__setattr__(self, "patience", _integer("patience", self.patience, low=0))
        object.__setattr__(self, "threshold", _number("threshold", self.threshold, low=0))
        object.__setattr__(self, "cooldown", _integer("cooldown", self.cooldown, low=0))
        object.__setattr__(self, "min_lr", _number("min_lr", self.min_lr, low=0))
        object.__setattr__(self, "eps", _number("eps", self.eps, low=0))

    def init(self, lr0: float) -> PlateauState:
        """Initial state for learning rate ``lr0``.

        Parameters
        ----------
        lr0 : float
            Initial learning rate, finite and >= 0.

        Returns
        -------
        PlateauState
            ``best`` is ``inf`` (mode 'min') or ``-inf`` (mode 'max'), counters 0.

        Raises
        ------
        TypeError, ValueError
            If ``lr0`` is not a finite number >= 0.

        Examples
        --------
        >>> ReduceOnPlateau().init(0.1)
        PlateauState(lr=0.1, best=inf, num_bad_epochs=0, cooldown_counter=0, epoch=0)
        """
        lr0 = _number("lr0", lr0, low=0)
        best = math.inf if self.mode == "min" else -math.inf
        return PlateauState(lr=lr0, best=best, num_bad_epochs=0, cooldown_counter=0, epoch=0)

    def is_better(self, metric: float, best: float) -> bool:
        r"""Whether ``metric`` improves on ``best`` by more than the threshold.

        .. math::

            m < b(1 - \tau) \text{ (min, rel)}, \quad m < b - \tau \text{ (min, abs)}, \quad
            m > b(1 + \tau) \text{ (max, rel)}, \quad m > b + \tau \text{ (max, abs)}

        Parameters
        ----------
        metric, best : float

        Returns
        -------
        bool

        Examples
        --------
        >>> ReduceOnPlateau(threshold=0.1).is_better(0.95, 1.0)  # needs < 0.9
        False
        """
        if self.mode == "min" and self.threshold_mode == "rel":
            return metric < best * (1.0 - self.threshold)
        if self.mode == "min":
            return metric < best - self.threshold
        if self.threshold_mode == "rel":
            return metric > best * (self.threshold + 1.0)
        return metric > best + self.threshold

    def step(self, state: PlateauState, metric: float) -> tuple[float, PlateauState]:
        """One epoch: update the state with the new metric.

        Parameters
        ----------
        state : PlateauState
            State from :meth:`init` or the previous :meth:`step`; not modified.
        metric : float
            The monitored value of this epoch (e.g. the validation loss).

        Returns
        -------
        lr : float
            Learning rate to use for the next epoch.
        state : PlateauState
            The new state.

        Raises
        ------
        TypeError
            If ``state`` is not a PlateauState or ``metric`` is not a real number.

        Examples
        --------
        >>> sched = ReduceOnPlateau(patience=0)
        >>> lr, s = sched.step(sched.init(1.0), 5.0)
        >>> lr, s = sched.step(s, 5.0)  # no improvement, patience 0: reduce
        >>> round(lr, 12)
        0.1
        """
        if not isinstance(state, PlateauState):
            raise TypeError(f"state must be a PlateauState from init(), got {type(state).__name__}")
        if isinstance(metric, bool) or not isinstance(metric, (Real, np.floating, np.integer)):
            try:  # accept 0-d arrays and torch scalars
                metric = float(metric)
            except (TypeError, ValueError):
                raise TypeError(f"metric must be a real number, got {metric!r}") from None
        metric = float(metric)
        lr, best, bad, cool, epoch = state
        if self.is_better(metric, best):
            best, bad = metric, 0
        else:
            bad += 1
        if cool > 0:
            cool -= 1
            bad = 0  # bad epochs are ignored during cool-down
        if bad > self.patience:
            new_lr = max(lr * self.factor, self.min_lr)
            if lr - new_lr > self.eps:
                lr = new_lr
            cool, bad = self.cooldown, 0
        return lr, PlateauState(lr=lr, best=best, num_bad_epochs=bad, cooldown_counter=cool, epoch=epoch + 1)


def reduce_on_plateau(metrics: Sequence[float], lr0: float, **kwargs) -> np.ndarray:
    r"""Learning rates chosen by :class:`ReduceOnPlateau` for a whole sequence of metrics.

    .. math::

        (\eta_{t+1}, s_{t+1}) = \mathrm{step}(s_t, m_t), \qquad s_0 = \mathrm{init}(\eta_0)

    Parameters
    ----------
    metrics : sequence of float
        The metric of each epoch, :math:`m_0, m_1, \dots`.
    lr0 : float
        Initial learning rate.
    **kwargs
        Parameters of :class:`ReduceOnPlateau` (mode, factor, patience, ...).

    Returns
    -------
    numpy.ndarray
        ``lrs[t]`` is the learning rate after the metric of epoch ``t`` was
        seen, i.e. the one used in epoch ``t + 1``; same length as ``metrics``.

    Raises
    ------
    TypeError, ValueError
        As :class:`ReduceOnPlateau`.

    Examples
    --------
    >>> reduce_on_plateau([1.0, 1.0, 1.0, 0.5], lr0=1.0, factor=0.5, patience=1).tolist()
    [1.0, 1.0, 0.5, 0.5]

    References
    ----------
    .. [1] PyTorch documentation, ``torch.optim.lr_scheduler.ReduceLROnPlateau``.
    """
    sched = ReduceOnPlateau(**kwargs)
    state = sched.init(lr0)
    lrs = []
    for m in metrics:
        lr, state = sched.step(state, m)
        lrs.append(lr)
    return np.array(lrs, dtype=np.float64)


# --------------------------------------------------------------------------
# The reference: what torch's optimizer actually uses
# --------------------------------------------------------------------------
def torch_rates(make_scheduler, epochs: int, lr0: float = 0.1, metrics=None) -> np.ndarray:
    r"""Learning rate that ``torch.optim.SGD`` uses in each epoch under a PyTorch scheduler.

    Builds an SGD optimizer with learning rate :math:`\eta_0` on one dummy
    parameter, passes it to ``make_scheduler``, and for
    :math:`t = 0, \dots, E - 1` records the rate in the optimizer's parameter
    group, then calls ``optimizer.step()`` and ``scheduler.step()`` (or
    ``scheduler.step(metrics[t])``), the order PyTorch prescribes:

    .. math::

        r_t = \texttt{optimizer.param\_groups[0]["lr"]} \text{ during epoch } t,
        \qquad r_0 = \eta_0 \text{ for schedules that start at } \eta_0 .

    So ``r[t]`` equals a closed-form schedule of this module at epoch ``t``,
    e.g. ``step_decay(t, lr0, s, gamma)`` for ``StepLR(opt, s, gamma)``. For
    ``ReduceLROnPlateau``, ``r[t + 1]`` is the rate chosen after seeing
    ``metrics[t]``, i.e. ``reduce_on_plateau(metrics, lr0)[t]``.

    Parameters
    ----------
    make_scheduler : callable
        ``make_scheduler(optimizer)`` returns a scheduler attached to that
        optimizer, e.g. ``lambda o: torch.optim.lr_scheduler.StepLR(o, 10)``.
    epochs : int
        Number :math:`E \ge 1` of epochs to record.
    lr0 : float, default 0.1
        Learning rate :math:`\eta_0 \ge 0` the optimizer is created with.
    metrics : sequence of float, optional
        One metric per epoch (at least ``epochs`` of them), passed to
        ``scheduler.step``: required for ``ReduceLROnPlateau`` and refused for
        the other torch schedulers, whose ``step`` would read it as an epoch
        number.

    Returns
    -------
    numpy.ndarray
        float64 array of shape ``(epochs,)``.

    Raises
    ------
    TypeError
        If ``make_scheduler`` is not callable or returns an object without a
        ``step`` method, ``epochs`` is not an integer, ``lr0`` is not a real
        number, or ``metrics`` is not a sequence of real numbers.
    ValueError
        If ``epochs < 1``, ``lr0 < 0``, the scheduler is attached to another
        optimizer, there are fewer metrics than epochs, metrics are missing
        for ``ReduceLROnPlateau`` or given to another torch scheduler.

    References
    ----------
    .. [1] A. Paszke et al., "PyTorch: An Imperative Style, High-Performance
       Deep Learning Library", NeurIPS 2019. arXiv:1912.01703.
    .. [2] PyTorch documentation, "How to adjust learning rate",
       https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate

    Examples
    --------
    >>> import torch
    >>> rates = torch_rates(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=2, gamma=0.5), 5, lr0=0.1)
    >>> [round(float(r), 6) for r in rates]
    [0.1, 0.1, 0.05, 0.05, 0.025]
    >>> bool((rates == step_decay(range(5), 0.1, step_size=2, gamma=0.5)).all())
    True
    """
    if not callable(make_scheduler):
        raise TypeError(f"make_scheduler must be a callable that takes an optimizer, got "
                        f"{_validate.describe(make_scheduler)} of type {type(make_scheduler).__name__}")
    epochs = _integer("epochs", epochs, low=1)
    lr0 = _number("lr0", lr0, low=0)
    if metrics is not None:
        values = np.asarray(metrics)
        if values.dtype.kind not in "iuf" or values.ndim != 1:
            raise TypeError(f"metrics must be a 1-D sequence of real numbers, got {_validate.describe(metrics)}")
        if values.size < epochs:
            raise ValueError(f"metrics must have at least epochs = {epochs} values, got {values.size}")
        metrics = values.astype(np.float64)

    import torch  # here, not at the top: importing gdlab.schedules must stay cheap

    param = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([param], lr=lr0)
    scheduler = make_scheduler(optimizer)
    if not callable(getattr(scheduler, "step", None)):
        raise TypeError(f"make_scheduler must return a scheduler with a step() method, got "
                        f"{type(scheduler).__name__}")
    attached = getattr(scheduler, "optimizer", optimizer)
    if attached is not optimizer:
        raise ValueError("make_scheduler must attach the scheduler to the optimizer it is given, "
                         "got a scheduler of another optimizer")
    plateau = isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau)
    if plateau and metrics is None:
        raise ValueError("ReduceLROnPlateau needs metrics (one per epoch), got metrics=None")
    if (not plateau and metrics is not None
            and isinstance(scheduler, torch.optim.lr_scheduler.LRScheduler)):
        raise ValueError(f"metrics are only for ReduceLROnPlateau; {type(scheduler).__name__}.step(x) "
                         f"would read x as an epoch number")
    rates = np.empty(epochs, dtype=np.float64)
    for t in range(epochs):
        rates[t] = float(optimizer.param_groups[0]["lr"])
        optimizer.step()  # no gradient: changes nothing, but keeps torch's required order
        if metrics is None:
            scheduler.step()
        else:
            scheduler.step(float(metrics[t]))
    return rates
