r"""Running an optimizer: :func:`run`, :func:`run_many`, :func:`run_minibatch`, :class:`DivergenceError`."""

from __future__ import annotations

import dataclasses
import numbers
import time
from typing import NamedTuple

import numpy as np

from gdlab import _validate
from gdlab.optim._common import _all_finite, _dtype


# ----------------------------------------------------------------------------
# Running an optimizer
# ----------------------------------------------------------------------------

class DivergenceError(FloatingPointError):
    r"""An iterate, its gradient or a loss became inf or NaN.

    .. math::

        \theta_t \notin \mathbb R^n \quad \text{or} \quad \nabla J(\theta_t) \notin
        \mathbb R^n \quad \text{or} \quad L \notin \mathbb R

    One class for the whole library: raised by :func:`run` and by
    :func:`gdlab.train.fit` (``gdlab.train.DivergenceError`` is this class). A
    ``FloatingPointError``, hence an ``ArithmeticError``.

    Parameters
    ----------
    message : str, optional
        Default: built from the attributes, e.g. "training diverged at epoch 2,
        step 5: loss = inf (try a smaller learning rate)".
    epoch, step : int, optional (keyword only)
        Where it happened (1-based; ``step`` counts the steps of :func:`run`, or
        the batches within ``epoch`` in :func:`gdlab.train.fit`). ``None`` if unknown.
    loss : float, optional (keyword only)
        The (non-finite) loss, or the last finite one when the parameters failed.
    last_theta : ndarray, optional (keyword only)
        The last finite iterate (:func:`run`).

    Raises
    ------
    TypeError
        If ``message`` is not a string (the attributes are keyword-only).

    Examples
    --------
    >>> from gdlab import optim
    >>> err = optim.DivergenceError(epoch=2, step=5, loss=float("inf"))
    >>> print(err)
    training diverged at epoch 2, step 5: loss = inf (try a smaller learning rate)
    >>> isinstance(err, ArithmeticError), err.step, err.last_theta is None
    (True, 5, True)

    References
    ----------
    Y. LeCun, L. Bottou, G. B. Orr, K.-R. Müller, "Efficient BackProp", in *Neural
    Networks: Tricks of the Trade*, LNCS 1524, Springer, 1998, doi:10.1007/3-540-49430-8_2.
    """

    def __init__(self, message=None, *, epoch=None, step=None, loss=None, last_theta=None):
        if message is None:
            where = " at " + ", ".join(f"{k} {v}" for k, v in (("epoch", epoch), ("step", step))
                                       if v is not None)
            message = ("training diverged" if epoch is not None else "diverged") \
                + (where if where != " at " else "") \
                + (f": loss = {loss}" if loss is not None else "") \
                + " (try a smaller learning rate)"
        elif not isinstance(message, str):
            raise TypeError("DivergenceError(message=None, *, epoch=None, step=None, loss=None, "
                            f"last_theta=None): message must be a string, got {message!r}")
        super().__init__(message)
        self.epoch, self.step, self.loss, self.last_theta = epoch, step, loss, last_theta


def run(optimizer, grad_fn, theta0, steps):
    r"""Run ``steps`` updates from ``theta0`` and return the whole trajectory.

    .. math::

        \theta_t, s_t = \text{step}\big(\theta_{t-1},\ \nabla J(\text{grad\_point}(\theta_{t-1},
        s_{t-1})),\ s_{t-1}\big), \qquad s_0 = \text{init}(\theta_0)

    Parameters
    ----------
    optimizer : object with ``init``, ``grad_point`` and ``step``
        E.g. ``Adam()`` or ``like_torch("SGD", lr=0.1)``.
    grad_fn : callable
        ``grad_fn(theta) -> ndarray`` of the shape of theta.
    theta0 : array_like of float
        Start point, any shape. ``run`` works on its own copy (``grad_fn`` never
        sees the caller's array) in the dtype ``np.result_type(theta0, 1.0)``:
        float32 stays float32, integers become float64.
    steps : int
        Number of updates, >= 0.

    Returns
    -------
    ndarray, shape (steps + 1, *theta0.shape)
        ``[0] == theta0``, ``[t]`` the iterate after t steps, all in the dtype of
        the copy of ``theta0``. The gdlab optimizers compute in that dtype too (a
        float64 gradient for a float32 ``theta0`` is rounded to float32), so
        ``[t]`` is exactly the point where the next gradient was taken. The state
        starts fresh on every call, so two calls return identical trajectories.

    Raises
    ------
    DivergenceError
        When an iterate, or the gradient at a finite iterate, is inf or NaN; its
        ``step`` is the failing step and ``last_theta`` the last finite iterate.
        For a bad gradient the message ends with the optimizer's own error
        (e.g. "grad must be finite, got nan at index (0,)"), which is also the
        exception's ``__cause__``.
    ValueError
        theta0 not finite (the message names the first bad index), steps < 0, a
        gradient of the wrong shape.
    TypeError
        steps not an integer, theta0 not numeric, optimizer without the interface.

    Examples
    --------
    >>> import numpy as np
    >>> from gdlab import optim
    >>> path = optim.run(optim.GD(lr=0.25), lambda th: 2 * th, np.array([1.0, -2.0]), steps=3)
    >>> path.shape
    (4, 2)
    >>> path[:, 0].tolist()
    [1.0, 0.5, 0.25, 0.125]
    >>> optim.run(optim.GD(lr=10.0), lambda th: th, np.array([1.0]), steps=1000)
    Traceback (most recent call last):
    ...
    gdlab.optim.DivergenceError: diverged at step 323: theta contains inf/nan (last finite |theta| = 1.8e+307)

    References
    ----------
    Ruder, S. (2016). An overview of gradient descent optimization algorithms.
    arXiv:1609.04747.
    """
    for method in ("init", "grad_point", "step"):
        if not callable(getattr(optimizer, method, None)):
            raise TypeError(f"optimizer must have init, grad_point and step methods, "
                            f"got {optimizer!r}")
    if not callable(grad_fn):
        raise TypeError(f"grad_fn must be callable, got {grad_fn!r}")
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral):
        raise TypeError(f"steps must be an integer, got {steps!r}")
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    steps = int(steps)
    theta = np.asarray(theta0)
    if theta.dtype.kind not in "biuf":
        raise TypeError(f"theta0 must be an array of real numbers, got dtype {theta.dtype}")
    theta = np.array(theta, dtype=_dtype(theta), copy=True)   # our own copy, float dtype
    bad = _validate.first_nonfinite(theta)
    if bad is not None:
        raise ValueError(f"theta0 must be finite, got {theta[bad]} at index {bad}")

    path = np.empty((steps + 1, *theta.shape), dtype=theta.dtype)
    path[0] = theta
    state = optimizer.init(theta)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            grad = grad_fn(optimizer.grad_point(theta, state))
            try:
                new_theta, state = optimizer.step(theta, grad, state)
            except ValueError as err:
                g = np.asarray(grad)
                if g.shape == theta.shape and g.dtype.kind == "f" and not _all_finite(g):
                    raise DivergenceError(
                        f"diverged at step {t}: the gradient contains inf/nan "
                        f"(|theta| = {np.max(np.abs(theta), initial=0.0):.1e}): {err}",
                        step=t, last_theta=theta) from err
                raise
            if not _all_finite(new_theta):
                raise DivergenceError(
                    f"diverged at step {t}: theta contains inf/nan "
                    f"(last finite |theta| = {np.max(np.abs(theta), initial=0.0):.1e})",
                    step=t, last_theta=theta)
            path[t] = new_theta
            theta = new_theta if np.asarray(new_theta).dtype == path.dtype else path[t].copy()
    return path




# ----------------------------------------------------------------------------
# Many runs at once
# ----------------------------------------------------------------------------

class Runs(NamedTuple):
    """Result of :func:`run_many`.

    ``path`` has shape ``(steps + 1, runs, *shape)``; ``diverged_at[r]`` is the step at
    which run ``r`` diverged (0: it never did); from that step on, a stopped run keeps its
    last finite iterate.
    """
    path: np.ndarray
    diverged_at: np.ndarray


def _check_interface(optimizer):
    for method in ("init", "grad_point", "step"):
        if not callable(getattr(optimizer, method, None)):
            raise TypeError(f"optimizer must have init, grad_point and step methods, "
                            f"got {optimizer!r}")


def _check_steps(steps, name="steps"):
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {steps!r}")
    if steps < 0:
        raise ValueError(f"{name} must be >= 0, got {steps}")
    return int(steps)


def _own_float_copy(theta0, name="theta0"):
    theta = np.asarray(theta0)
    if theta.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be an array of real numbers, got dtype {theta.dtype}")
    theta = np.array(theta, dtype=_dtype(theta), copy=True)
    bad = _validate.first_nonfinite(theta)
    if bad is not None:
        raise ValueError(f"{name} must be finite, got {theta[bad]} at index {bad}")
    return theta


def _with_rates(optimizer, lr, runs, ndim):
    """A copy of ``optimizer`` whose ``lr`` is an array, one rate per run (leading axis)."""
    if not dataclasses.is_dataclass(optimizer) or "lr" not in {f.name for f in dataclasses.fields(optimizer)}:
        raise TypeError(f"lr= needs an optimizer with a learning rate field 'lr', got {optimizer!r}")
    rates = np.asarray(lr)
    if rates.dtype.kind not in "biuf" or rates.dtype.kind == "b":
        raise TypeError(f"lr must be an array of real numbers, got {lr!r}")
    if rates.shape != (runs,):
        raise ValueError(f"lr must have shape (runs,) = ({runs},), one rate per run, "
                         f"got shape {rates.shape}")
    for r, rate in enumerate(rates.tolist()):
        _validate.real(f"lr[{r}]", rate, low=0)
    # validate the other hyper-parameters once, then give the copy its column of rates
    opt = dataclasses.replace(optimizer, lr=float(rates[0]))
    object.__setattr__(opt, "lr", rates.astype(float).reshape((runs,) + (1,) * (ndim - 1)))
    return opt


def _finite_per_run(a):
    a = np.asarray(a)
    return np.isfinite(a).reshape(a.shape[0], -1).all(axis=1)


def run_many(optimizer, grad_fn, theta0, steps, *, lr=None, on_divergence="raise"):
    r"""Run one optimizer from many start points (or with many learning rates) at once.

    Every run follows :func:`run`'s recursion, vectorised over a leading axis of runs
    :math:`r = 1, \dots, R`:

    .. math::

        \theta^{(r)}_t, s^{(r)}_t = \text{step}_{\eta_r}\big(\theta^{(r)}_{t-1},\
        \nabla J(\text{grad\_point}(\theta^{(r)}_{t-1}, s^{(r)}_{t-1})),\ s^{(r)}_{t-1}\big)

    The optimizers are elementwise, so run ``r`` of ``run_many`` equals
    ``run(replace(optimizer, lr=lr[r]), grad_fn_r, theta0[r], steps)`` (tested for
    every optimizer).

    Parameters
    ----------
    optimizer : gdlab optimizer
        E.g. ``GD(lr=0.1)`` or ``like_torch("Adam")``.
    grad_fn : callable
        ``grad_fn(theta) -> ndarray`` for ``theta`` of shape ``(runs, *shape)``: the
        gradient of every run at once. For a 2-D surface of :mod:`gdlab.surfaces`,
        whose points are columns, ``lambda th: surface.grad(th.T).T``.
    theta0 : array_like, shape (runs, *shape)
        One start point per run (``np.repeat(start[None], runs, axis=0)`` for a common one).
    steps : int >= 0
        Number of updates.
    lr : array_like of shape (runs,), optional
        One learning rate per run, replacing the optimizer's ``lr``.
    on_divergence : {"raise", "stop"}
        ``"raise"``: a :class:`DivergenceError` naming the run and the step.
        ``"stop"``: the run is frozen at its last finite iterate (no NaN in ``path``)
        and ``diverged_at`` records the step; the other runs go on.

    Returns
    -------
    Runs
        Named tuple ``(path, diverged_at)``: ``path`` of shape ``(steps + 1, runs,
        *shape)``, ``path[0] == theta0``; ``diverged_at`` int array of shape ``(runs,)``.

    Raises
    ------
    DivergenceError
        With ``on_divergence="raise"``, when an iterate or gradient of a run becomes inf
        or NaN; ``err.run`` is the run, ``err.step`` the step, ``err.last_theta`` its last
        finite iterate.
    ValueError
        ``theta0`` not finite or of no run axis, ``lr`` of the wrong shape or negative,
        ``steps < 0``, a gradient of the wrong shape, an unknown ``on_divergence``.
    TypeError
        ``steps`` not an integer, ``lr`` given for an optimizer without one, a
        non-callable ``grad_fn``.

    Examples
    --------
    >>> import numpy as np
    >>> from gdlab import optim
    >>> runs = optim.run_many(optim.GD(lr=0.1), lambda th: 2 * th, np.ones((3, 1)), steps=2,
    ...                       lr=[0.25, 0.5, 1.5], on_divergence="stop")
    >>> runs.path[:, :, 0].T.tolist()    # one row per run: halves, jumps to 0, flips and grows
    [[1.0, 0.5, 0.25], [1.0, 0.0, 0.0], [1.0, -2.0, 4.0]]
    >>> runs.diverged_at.tolist()
    [0, 0, 0]

    References
    ----------
    Ruder, S. (2016). An overview of gradient descent optimization algorithms.
    arXiv:1609.04747.
    """
    _check_interface(optimizer)
    if not callable(grad_fn):
        raise TypeError(f"grad_fn must be callable, got {grad_fn!r}")
    steps = _check_steps(steps)
    if on_divergence not in ("raise", "stop"):
        raise ValueError(f"on_divergence must be 'raise' or 'stop', got {on_divergence!r}")
    theta = _own_float_copy(theta0)
    if theta.ndim == 0 or theta.shape[0] == 0:
        raise ValueError(f"theta0 must have a leading axis of runs (shape (runs, ...)), "
                         f"got shape {theta.shape}")
    runs = theta.shape[0]
    opt = optimizer if lr is None else _with_rates(optimizer, lr, runs, theta.ndim)

    path = np.empty((steps + 1, *theta.shape), dtype=theta.dtype)
    path[0] = theta
    diverged_at = np.zeros(runs, dtype=int)
    state = opt.init(theta)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            grad = np.asarray(grad_fn(opt.grad_point(theta, state)), dtype=theta.dtype)
            if grad.shape != theta.shape:
                raise ValueError(f"grad_fn must return an array of shape {theta.shape} "
                                 f"(runs, ...), got shape {grad.shape}")
            # the fast path (every run finite, none stopped) costs two isfinite calls per step
            any_stopped = bool(diverged_at.any())
            if any_stopped or not _all_finite(grad):
                active = diverged_at == 0
                bad_grad = active & ~_finite_per_run(grad)
                grad = grad.copy()
                grad[~active | bad_grad] = 0.0        # stopped runs get a harmless gradient
            else:
                active, bad_grad = None, None
            new_theta, state = opt.step(theta, grad, state)
            new_theta = np.asarray(new_theta, dtype=theta.dtype)
            if bad_grad is None and _all_finite(new_theta):
                path[t] = new_theta
                theta = new_theta
                continue
            if bad_grad is None:
                active, bad_grad = diverged_at == 0, np.zeros(runs, dtype=bool)
            new_theta = new_theta.copy()
            bad = bad_grad | (active & ~_finite_per_run(new_theta))
            if bad.any():
                r = int(np.flatnonzero(bad)[0])
                if on_divergence == "raise":
                    what = "the gradient" if bad_grad[r] else "theta"
                    err = DivergenceError(
                        f"run {r} diverged at step {t}: {what} contains inf/nan (last finite "
                        f"|theta| = {np.max(np.abs(theta[r]), initial=0.0):.1e})",
                        step=t, last_theta=theta[r].copy())
                    err.run = r
                    raise err
                diverged_at[bad] = t
            stopped = diverged_at != 0
            new_theta[stopped] = theta[stopped]
            path[t] = new_theta
            theta = new_theta
    return Runs(path, diverged_at)


# ----------------------------------------------------------------------------
# Mini-batch SGD on a data set
# ----------------------------------------------------------------------------

class MinibatchRun(NamedTuple):
    """Result of :func:`run_minibatch`, one entry per record (record 0: the start).

    ``theta``: final parameters; ``updates``: updates made at each record; ``loss``: the
    full-data loss at each record (None without ``loss_fn``); ``seconds``: time spent
    updating (not recording) up to each record; ``path``: the iterates at the records.
    """
    theta: np.ndarray
    updates: np.ndarray
    loss: np.ndarray | None
    seconds: np.ndarray
    path: np.ndarray


def run_minibatch(grad_fn, X, y, theta0, *, lr=None, epochs, batch_size, seed, loss_fn=None,
                  record_every=None, shuffle=True, optimizer=None):
    r"""Mini-batch stochastic gradient descent over a data set, epoch after epoch.

    Each epoch cuts a fresh random permutation of the :math:`n` examples into batches
    :math:`B` of ``batch_size`` (the last may be smaller) and makes one update per batch:

    .. math::

        \theta_{t+1} = \theta_t - \eta_t\, \nabla J_B(\theta_t), \qquad
        \nabla J_B(\theta) = \texttt{grad\_fn}(\theta, X_B, y_B)

    ``batch_size=1`` is SGD, ``batch_size=n`` (with ``shuffle`` or not) batch gradient
    descent. With an ``optimizer``, its rule replaces the plain update, applied to the
    same batch gradients.

    Parameters
    ----------
    grad_fn : callable
        ``grad_fn(theta, X_batch, y_batch) -> ndarray`` of the shape of theta, e.g.
        :func:`gdlab.losses.least_squares_grad`.
    X, y : array_like
        The data; examples along the first axis of both.
    theta0 : array_like
        Start point (``run_minibatch`` works on its own float copy).
    lr : float or callable, optional
        :math:`\eta_t`: a number, or a function ``t -> eta_t`` of the number of updates
        made so far (``t = 0`` for the first). Required without ``optimizer``; with one,
        it overrides the optimizer's ``lr`` at every update when given. For a schedule of
        :mod:`gdlab.schedules`, which counts epochs, pass
        ``lambda t: schedule(t // batches_per_epoch, ...)``.
    epochs : int >= 0
        Passes over the data.
    batch_size : int >= 1
    seed : int
        Seed of the one generator ``np.random.default_rng(seed)`` that shuffles every
        epoch (:func:`gdlab.data.batch_indices`).
    loss_fn : callable, optional
        ``loss_fn(theta, X, y) -> float``, evaluated on the full data at each record.
    record_every : int >= 1, optional
        Record every this many updates (default: at the end of every epoch).
    shuffle : bool, default True
        False: visit the examples in their stored order in every epoch.
    optimizer : gdlab optimizer, optional
        E.g. ``Momentum(lr=0.05, gamma=0.9)``; default: plain SGD with ``lr``.

    Returns
    -------
    MinibatchRun
        Named tuple ``(theta, updates, loss, seconds, path)``; see :class:`MinibatchRun`.

    Raises
    ------
    DivergenceError
        When an update gives a non-finite theta or a recorded loss is not finite; the
        message names the epoch, the batch within it and the loss.
    ValueError
        ``len(X) != len(y)``, a negative rate, ``epochs < 0``, ``batch_size < 1``.
    TypeError
        ``lr`` missing without an optimizer, an argument of the wrong type.

    Examples
    --------
    >>> import numpy as np
    >>> from gdlab import data, losses, optim
    >>> X, y, w = data.linear_regression(n_samples=64, n_features=2, noise=0.0, seed=0)
    >>> result = optim.run_minibatch(losses.least_squares_grad, X, y, np.zeros(2), lr=0.1,
    ...                              epochs=20, batch_size=8, seed=0, loss_fn=losses.least_squares)
    >>> result.updates[:3].tolist(), bool(result.loss[-1] < 1e-6 * result.loss[0])
    ([0, 8, 16], True)

    References
    ----------
    Robbins, H. & Monro, S. (1951). A stochastic approximation method. The Annals of
    Mathematical Statistics 22(3), 400-407. doi:10.1214/aoms/1177729586

    Bottou, L. (2012). Stochastic gradient descent tricks. In *Neural Networks: Tricks of
    the Trade*, 2nd ed., LNCS 7700, 421-436. doi:10.1007/978-3-642-35289-8_25
    """
    from gdlab import data   # here, not at the top: data is not needed by the rest of optim

    if not callable(grad_fn):
        raise TypeError(f"grad_fn must be callable, got {grad_fn!r}")
    if loss_fn is not None and not callable(loss_fn):
        raise TypeError(f"loss_fn must be callable or None, got {loss_fn!r}")
    if optimizer is not None:
        _check_interface(optimizer)
    if lr is None and optimizer is None:
        raise TypeError("run_minibatch needs a learning rate lr= (a number or a function t -> "
                        "eta_t) or an optimizer=")
    if lr is not None and not callable(lr):
        _validate.real("lr", lr, low=0)
    if lr is not None and optimizer is not None and not (
            dataclasses.is_dataclass(optimizer)
            and "lr" in {f.name for f in dataclasses.fields(optimizer)}):
        raise TypeError(f"lr= needs an optimizer with a learning rate field 'lr', got {optimizer!r}")
    epochs = _check_steps(epochs, "epochs")
    batch_size = _validate.integer("batch_size", batch_size, low=1)
    if record_every is not None:
        record_every = _validate.integer("record_every", record_every, low=1)
    _validate.flag("shuffle", shuffle)
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0 or len(X) != len(y):
        raise ValueError(f"X and y must have the same number of examples along axis 0, "
                         f"got shapes {X.shape} and {y.shape}")
    n = len(y)
    if n == 0:
        raise ValueError("X and y must hold at least one example")
    theta = _own_float_copy(theta0)
    rng = np.random.default_rng(_validate.seed("seed", seed))
    schedule = lr if callable(lr) else (lambda t: lr)

    def full_loss(theta):
        return None if loss_fn is None else float(loss_fn(theta, X, y))

    state = optimizer.init(theta) if optimizer is not None else None
    t, clock = 0, 0.0
    updates, losses, seconds, path = [0], [full_loss(theta)], [0.0], [theta.copy()]
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(1, epochs + 1):
            start = time.perf_counter()
            for k, batch in enumerate(data.batch_indices(n, batch_size, rng, shuffle), start=1):
                rate = schedule(t) if lr is not None else None
                if lr is not None and not rate >= 0:       # NaN or a negative rate
                    _validate.real(f"the learning rate lr({t})", rate, low=0)
                if optimizer is None:
                    theta = theta - rate * grad_fn(theta, X[batch], y[batch])
                else:
                    opt = optimizer if lr is None else dataclasses.replace(optimizer, lr=rate)
                    grad = grad_fn(opt.grad_point(theta, state), X[batch], y[batch])
                    if not _all_finite(grad):
                        raise DivergenceError(
                            f"training diverged at epoch {epoch}, step {k} (update {t + 1}): "
                            f"the batch gradient contains inf/nan (try a smaller learning rate)",
                            epoch=epoch, step=k, loss=full_loss(theta), last_theta=theta)
                    theta, state = opt.step(theta, grad, state)
                t += 1
                recording = record_every is not None and t % record_every == 0
                if not _all_finite(theta) or recording:
                    clock += time.perf_counter() - start    # the clock stops while recording
                    finite = _all_finite(theta)
                    loss = full_loss(theta) if finite else float("nan")
                    if not finite or (loss is not None and not np.isfinite(loss)):
                        what = "" if finite else ", theta contains inf/nan"
                        raise DivergenceError(
                            f"training diverged at epoch {epoch}, step {k} (update {t}): "
                            f"loss = {loss}{what} (try a smaller learning rate)",
                            epoch=epoch, step=k, loss=loss, last_theta=path[-1])
                    updates.append(t), losses.append(loss), seconds.append(clock)
                    path.append(theta.copy())
                    start = time.perf_counter()
            clock += time.perf_counter() - start
            if record_every is None:
                loss = full_loss(theta)
                if loss is not None and not np.isfinite(loss):
                    raise DivergenceError(epoch=epoch, step=k, loss=loss, last_theta=path[-1])
                updates.append(t), losses.append(loss), seconds.append(clock)
                path.append(theta.copy())
    return MinibatchRun(theta, np.array(updates), None if loss_fn is None else np.array(losses),
                        np.array(seconds), np.array(path))
