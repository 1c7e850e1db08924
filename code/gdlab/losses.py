r"""Losses and gradients of the linear models the chapters train with NumPy.

Several chapters run gradient descent, SGD and the optimizers on the same two convex problems: least squares and
logistic regression. Their losses and gradients live here, written once, as pure functions of
``(theta, X, y)`` so that a mini-batch is simply a subset of rows::

    loss = losses.least_squares(theta, X[batch], y[batch])
    grad = losses.least_squares_grad(theta, X[batch], y[batch])

Both losses are *means* over the rows, so the size of the gradient does not grow with the batch size.
"""

from __future__ import annotations

import numpy as np

__all__ = ["sigmoid", "least_squares", "least_squares_grad", "logistic", "logistic_grad"]


def _check(theta, X, y):
    theta = np.asarray(theta)
    X = np.asarray(X)
    y = np.asarray(y)
    for name, value in (("theta", theta), ("X", X), ("y", y)):
        if not np.issubdtype(value.dtype, np.number) or np.issubdtype(value.dtype, np.complexfloating):
            raise TypeError(f"{name} must be a real numeric array, got dtype {value.dtype}")
    if theta.ndim != 1:
        raise ValueError(f"theta must be a 1-D array of weights, got shape {theta.shape}")
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array (examples x features), got shape {X.shape}")
    if X.shape[1] != theta.shape[0]:
        raise ValueError(f"X has {X.shape[1]} features but theta has {theta.shape[0]} weights")
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},) to match X, got {y.shape}")
    if X.shape[0] == 0:
        raise ValueError("X has no rows: a loss over an empty batch is undefined")
    return theta, X, y


def sigmoid(z):
    r"""The logistic function, computed without overflow.

    .. math::

        \sigma(z) = \frac{1}{1 + e^{-z}} = \exp\bigl(-\log(1 + e^{-z})\bigr)

    The right-hand form, with :math:`\log(1 + e^{-z})` from ``np.logaddexp``, never overflows and keeps full
    relative precision for large negative :math:`z` (the popular :math:`\tfrac12(1 + \tanh(z/2))` loses it there:
    at :math:`z = -30` it is wrong in the fourth digit).

    Parameters
    ----------
    z : array_like
        Real numbers.

    Returns
    -------
    numpy.ndarray or float
        :math:`\sigma(z)`, element-wise, in :math:`[0, 1]`.

    Examples
    --------
    >>> float(sigmoid(0.0))
    0.5
    >>> [round(float(s), 6) for s in sigmoid(np.array([-1000.0, 2.0]))]
    [0.0, 0.880797]

    References
    ----------
    .. [1] C. M. Bishop, *Pattern Recognition and Machine Learning*, Springer, 2006, section 4.3.2.
    """
    z = np.asarray(z, dtype=np.float64)
    return np.exp(-np.logaddexp(0.0, -z))


def least_squares(theta, X, y) -> float:
    r"""Mean squared-error loss of a linear model.

    .. math::

        J(\theta) = \frac{1}{2n} \sum_{i=1}^{n} (x_i \cdot \theta - y_i)^2 = \frac{1}{2n} \lVert X\theta - y \rVert^2

    Parameters
    ----------
    theta : array_like, shape (d,)
        Weights.
    X : array_like, shape (n, d)
        One example per row.
    y : array_like, shape (n,)
        Targets.

    Returns
    -------
    float
        The loss :math:`J(\theta)`.

    Raises
    ------
    ValueError
        If the shapes do not match or the batch is empty.
    TypeError
        If an argument is not a real numeric array.

    Examples
    --------
    >>> X = np.array([[1.0, 0.0], [0.0, 2.0]])
    >>> least_squares(np.array([1.0, 1.0]), X, np.array([0.0, 0.0]))
    1.25

    References
    ----------
    .. [1] C. M. Bishop, *Pattern Recognition and Machine Learning*, Springer, 2006, section 3.1.1.
    """
    theta, X, y = _check(theta, X, y)
    residual = X @ theta - y
    return float(0.5 * np.mean(residual**2))


def least_squares_grad(theta, X, y) -> np.ndarray:
    r"""Gradient of :func:`least_squares` with respect to the weights.

    .. math::

        \nabla J(\theta) = \frac{1}{n} X^\top (X\theta - y)

    Parameters
    ----------
    theta : array_like, shape (d,)
        Weights.
    X : array_like, shape (n, d)
        One example per row.
    y : array_like, shape (n,)
        Targets.

    Returns
    -------
    numpy.ndarray, shape (d,)
        The gradient.

    Raises
    ------
    ValueError
        If the shapes do not match or the batch is empty.
    TypeError
        If an argument is not a real numeric array.

    Examples
    --------
    >>> X = np.array([[1.0, 0.0], [0.0, 2.0]])
    >>> least_squares_grad(np.array([1.0, 1.0]), X, np.array([0.0, 0.0])).tolist()
    [0.5, 2.0]

    References
    ----------
    .. [1] C. M. Bishop, *Pattern Recognition and Machine Learning*, Springer, 2006, section 3.1.3.
    """
    theta, X, y = _check(theta, X, y)
    return X.T @ (X @ theta - y) / len(y)


def logistic(theta, X, y) -> float:
    r"""Mean cross-entropy loss of logistic regression, from the logits, computed stably.

    With logits :math:`z_i = x_i \cdot \theta` and labels :math:`y_i \in \{0, 1\}`,

    .. math::

        J(\theta) = \frac1n \sum_{i=1}^n \Bigl[-y_i \log \sigma(z_i) - (1 - y_i) \log\bigl(1 - \sigma(z_i)\bigr)\Bigr]
                  = \frac1n \sum_{i=1}^n \Bigl[\log\bigl(1 + e^{z_i}\bigr) - y_i z_i\Bigr].

    The right-hand form is evaluated with ``np.logaddexp(0, z)``, which does not overflow.

    Parameters
    ----------
    theta : array_like, shape (d,)
        Weights.
    X : array_like, shape (n, d)
        One example per row.
    y : array_like, shape (n,)
        Labels, 0 or 1 (soft labels in [0, 1] also work).

    Returns
    -------
    float
        The loss :math:`J(\theta)`, equal to ``torch.nn.BCEWithLogitsLoss()`` on the same logits.

    Raises
    ------
    ValueError
        If the shapes do not match or the batch is empty.
    TypeError
        If an argument is not a real numeric array.

    Examples
    --------
    >>> round(logistic(np.zeros(2), np.ones((3, 2)), np.array([0.0, 1.0, 1.0])), 6)  # log 2 at theta = 0
    0.693147

    References
    ----------
    .. [1] C. M. Bishop, *Pattern Recognition and Machine Learning*, Springer, 2006, section 4.3.2.
    """
    theta, X, y = _check(theta, X, y)
    z = X @ theta
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


def logistic_grad(theta, X, y) -> np.ndarray:
    r"""Gradient of :func:`logistic` with respect to the weights.

    .. math::

        \nabla J(\theta) = \frac1n X^\top \bigl(\sigma(X\theta) - y\bigr)

    Parameters
    ----------
    theta : array_like, shape (d,)
        Weights.
    X : array_like, shape (n, d)
        One example per row.
    y : array_like, shape (n,)
        Labels, 0 or 1.

    Returns
    -------
    numpy.ndarray, shape (d,)
        The gradient.

    Raises
    ------
    ValueError
        If the shapes do not match or the batch is empty.
    TypeError
        If an argument is not a real numeric array.

    Examples
    --------
    >>> logistic_grad(np.zeros(2), np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([1.0, 0.0])).tolist()
    [-0.25, 0.25]

    References
    ----------
    .. [1] C. M. Bishop, *Pattern Recognition and Machine Learning*, Springer, 2006, equation (4.91).
    """
    theta, X, y = _check(theta, X, y)
    return X.T @ (sigmoid(X @ theta) - y) / len(y)
