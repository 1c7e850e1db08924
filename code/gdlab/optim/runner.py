r"""Running an optimizer: :func:`run`, :func:`run_many`, :func:`run_minibatch`, :class:`DivergenceError`."""

from __future__ import annotations

import numbers

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


