r"""Small data sets for the course: synthetic problems, handwritten digits, MNIST files.

Everything here is offline: the synthetic sets are drawn from a seeded NumPy
generator, the digits come from the copy bundled with scikit-learn, and the
MNIST reader only reads files the reader already has. Nothing downloads.

Public functions
----------------
linear_regression, logistic_classification, sparse_features, noisy_polynomial,
true_curve                 synthetic problems (float64 NumPy arrays)
sparse_problem             sparse_features as least squares, with H, b, w*, L, loss, grad
digits, digits_loaders     the 8x8 handwritten digits, split train/val/test
make_loader                arrays -> torch DataLoader (seeded shuffling)
batch_indices              one epoch of shuffled mini-batch indices (NumPy loops)
read_idx, write_idx        the MNIST IDX file format (plain or gzip)
load_mnist                 MNIST images and labels from IDX files on disk
"""

from __future__ import annotations

import gzip
import math
import os
from typing import NamedTuple

import numpy as np

from gdlab import _validate

__all__ = [
    "Split",
    "Regression",
    "SparseRegression",
    "Curve",
    "Loaders",
    "Mnist",
    "linear_regression",
    "logistic_classification",
    "sparse_features",
    "noisy_polynomial",
    "true_curve",
    "digits",
    "digits_loaders",
    "make_loader",
    "batch_indices",
    "read_idx",
    "write_idx",
    "load_mnist",
]


# --------------------------------------------------------------------------- results
class Regression(NamedTuple):
    """A synthetic problem: inputs ``X`` (n, d), targets ``y`` (n,), true weights ``w_true`` (d,)."""
    X: np.ndarray
    y: np.ndarray
    w_true: np.ndarray


class SparseRegression(NamedTuple):
    """:func:`sparse_features`: ``X``, ``y``, ``w_true`` and each feature's frequency ``p_j``."""
    X: np.ndarray
    y: np.ndarray
    w_true: np.ndarray
    frequencies: np.ndarray


class Curve(NamedTuple):
    """:func:`noisy_polynomial`: sorted inputs ``x`` (n,) and noisy targets ``y`` (n,)."""
    x: np.ndarray
    y: np.ndarray


class Loaders(NamedTuple):
    """:func:`digits_loaders`: the train, validation and test ``DataLoader`` (None when empty)."""
    train: object
    val: object
    test: object


class Mnist(NamedTuple):
    """:func:`load_mnist`: images ``X`` (n, rows * cols) and labels ``y`` (n,)."""
    X: np.ndarray
    y: np.ndarray


# --------------------------------------------------------------------------- validation
def _check_int(name, value, minimum):
    return _validate.integer(name, value, low=minimum)


def _check_float(name, value, low=0.0, high=None, high_open=False):
    return _validate.real(name, value, low, high, high_open=high_open)


# --------------------------------------------------------------------------- synthetic sets
def _gaussian_inputs(n_samples, n_features, seed, bias):
    """The seeded generator and standard-normal inputs, with a leading column of ones if ``bias``.

    Shared by the linear and logistic problems, so that the same seed gives both the same X.
    """
    n_samples = _check_int("n_samples", n_samples, 1)
    n_features = _check_int("n_features", n_features, 1)
    bias = _validate.flag("bias", bias)
    rng = np.random.default_rng(_validate.seed("seed", seed))
    X = rng.standard_normal((n_samples, n_features))
    if bias:
        X = np.hstack([np.ones((n_samples, 1)), X])
    return rng, X


def linear_regression(n_samples=200, n_features=2, noise=0.1, seed=0, bias=False):
    r"""Draw a linear regression problem :math:`y = X w + \varepsilon`.

    .. math::

        x_i \sim \mathcal N(0, I), \quad w \sim \mathcal N(0, I), \quad
        y_i = w^\top x_i + \varepsilon_i, \quad \varepsilon_i \sim \mathcal N(0, \sigma^2)

    With ``bias=True`` the first column of ``X`` is all ones, so ``w_true[0]`` is the
    intercept and the model is still the plain product ``X @ w`` (no separate bias term).

    Parameters
    ----------
    n_samples : int >= 1
    n_features : int >= 1
        Number of random features (not counting the column of ones).
    noise : float >= 0
        Standard deviation :math:`\sigma` of the Gaussian noise.
    seed : int >= 0
        Seed of ``numpy.random.default_rng`` (required: no ``None``).
    bias : bool
        Prepend a column of ones to ``X`` (and an intercept to ``w_true``).

    Returns
    -------
    Regression
        Named tuple ``(X, y, w_true)``:
    X : ndarray, shape (n_samples, n_features + bias), float64
    y : ndarray, shape (n_samples,), float64
    w_true : ndarray, shape (n_features + bias,), float64

    Raises
    ------
    ValueError
        If a size is not a positive integer or ``noise`` is negative.
    TypeError
        If an argument has the wrong type: a size or ``seed`` that is not an integer
        (NumPy integers are fine; ``seed=None`` is refused so that results are reproducible),
        a number that is not a real number, or a flag that is not a bool.

    Examples
    --------
    >>> X, y, w = linear_regression(n_samples=100, n_features=3, noise=0.0, seed=1, bias=True)
    >>> X.shape, y.shape, w.shape
    ((100, 4), (100,), (4,))
    >>> bool(np.all(X[:, 0] == 1.0)), bool(np.allclose(X @ w, y))
    (True, True)

    References
    ----------
    C. M. Bishop, *Pattern Recognition and Machine Learning*, Springer, 2006, ch. 3.
    """
    noise = _check_float("noise", noise)
    rng, X = _gaussian_inputs(n_samples, n_features, seed, bias)
    w_true = rng.standard_normal(X.shape[1])
    y = X @ w_true + noise * rng.standard_normal(n_samples)
    return Regression(X, y, w_true)


def logistic_classification(n_samples=200, n_features=2, seed=0, bias=False, scale=3.0):
    r"""Draw a binary classification problem from a logistic model.

    .. math::

        x_i \sim \mathcal N(0, I), \quad
        P(y_i = 1 \mid x_i) = \sigma(w^\top x_i) = \frac{1}{1 + e^{-w^\top x_i}}, \quad
        w = s \, u / \lVert u \rVert,\ u \sim \mathcal N(0, I)

    The true weight vector has norm ``scale`` (:math:`s`), so a larger ``scale`` gives
    cleaner classes. With ``bias=True`` the first column of ``X`` is all ones.

    Parameters
    ----------
    n_samples, n_features : int >= 1
    seed : int
    bias : bool
        Prepend a column of ones to ``X`` (``w_true[0]`` is then the intercept).
    scale : float >= 0
        Norm of ``w_true``; 0 gives labels that are fair coin flips.

    Returns
    -------
    Regression
        Named tuple ``(X, y, w_true)``:
    X : ndarray, shape (n_samples, n_features + bias), float64
    y : ndarray, shape (n_samples,), float64 with values in {0.0, 1.0}
    w_true : ndarray, shape (n_features + bias,), float64

    Raises
    ------
    ValueError
        If a size is not a positive integer or ``scale`` is negative.
    TypeError
        If an argument has the wrong type: a size or ``seed`` that is not an integer
        (NumPy integers are fine; ``seed=None`` is refused so that results are reproducible),
        a number that is not a real number, or a flag that is not a bool.

    Examples
    --------
    >>> X, y, w = logistic_classification(n_samples=500, seed=0)
    >>> X.shape, sorted(set(y.tolist())), round(float(np.linalg.norm(w)), 6)
    ((500, 2), [0.0, 1.0], 3.0)
    >>> agree = np.mean((X @ w > 0) == (y == 1))   # the true boundary classifies most points
    >>> bool(agree > 0.8)
    True

    References
    ----------
    C. M. Bishop, *Pattern Recognition and Machine Learning*, Springer, 2006, sec. 4.3.2.
    """
    scale = _check_float("scale", scale)
    rng, X = _gaussian_inputs(n_samples, n_features, seed, bias)
    u = rng.standard_normal(X.shape[1])
    w_true = scale * u / np.linalg.norm(u)
    p = 1.0 / (1.0 + np.exp(-(X @ w_true)))
    y = (rng.random(n_samples) < p).astype(np.float64)
    return Regression(X, y, w_true)


def sparse_features(n_samples=1000, n_features=20, seed=0, noise=0.1,
                    max_frequency=0.5, min_frequency=0.01):
    r"""Draw a regression problem with sparse binary features of skewed frequencies.

    Feature :math:`j` is present (value 1) in a sample with probability :math:`p_j`, where the
    frequencies fall geometrically from ``max_frequency`` to ``min_frequency`` (think of words:
    a few are common, most are rare). This is the setting where one learning rate for all
    parameters is a poor fit and Adagrad-style per-parameter rates help.

    .. math::

        p_j = p_{\max} \left(\frac{p_{\min}}{p_{\max}}\right)^{j/(d-1)}, \quad
        X_{ij} \sim \mathrm{Bernoulli}(p_j), \quad
        y_i = w^\top x_i + \varepsilon_i, \quad w \sim \mathcal N(0, I),\
        \varepsilon_i \sim \mathcal N(0, \sigma^2)

    Parameters
    ----------
    n_samples, n_features : int >= 1
    seed : int
    noise : float >= 0
        Standard deviation of the noise.
    max_frequency, min_frequency : float in (0, 1]
        Frequencies of the most common and the rarest feature (``min <= max``).

    Returns
    -------
    SparseRegression
        Named tuple ``(X, y, w_true, frequencies)``:
    X : ndarray, shape (n_samples, n_features), float64 of 0s and 1s
    y : ndarray, shape (n_samples,), float64
    w_true : ndarray, shape (n_features,), float64
    frequencies : ndarray, shape (n_features,), the probabilities :math:`p_j` (decreasing)

    Raises
    ------
    ValueError
        If a size is not a positive integer, a frequency is outside (0, 1] or
        ``min_frequency > max_frequency``.
    TypeError
        If an argument has the wrong type: a size or ``seed`` that is not an integer
        (NumPy integers are fine; ``seed=None`` is refused so that results are reproducible),
        a number that is not a real number, or a flag that is not a bool.

    Examples
    --------
    >>> X, y, w, freq = sparse_features(n_samples=2000, n_features=5, seed=0)
    >>> [round(float(p), 4) for p in freq]
    [0.5, 0.188, 0.0707, 0.0266, 0.01]
    >>> bool(X[:, 0].mean() > 10 * X[:, 4].mean())    # the first feature is far more common
    True

    References
    ----------
    J. Duchi, E. Hazan, Y. Singer, "Adaptive subgradient methods for online learning and
    stochastic optimization", JMLR 12, 2011.
    """
    n_samples = _check_int("n_samples", n_samples, 1)
    n_features = _check_int("n_features", n_features, 1)
    noise = _check_float("noise", noise)
    max_frequency = _check_float("max_frequency", max_frequency, 0.0, 1.0)
    min_frequency = _check_float("min_frequency", min_frequency, 0.0, 1.0)
    if min_frequency <= 0 or max_frequency <= 0:
        raise ValueError(f"frequencies must be > 0, got min_frequency={min_frequency!r}, "
                         f"max_frequency={max_frequency!r}")
    if min_frequency > max_frequency:
        raise ValueError(f"min_frequency must be <= max_frequency, got {min_frequency!r} > {max_frequency!r}")
    rng = np.random.default_rng(_validate.seed("seed", seed))
    frequencies = np.geomspace(max_frequency, min_frequency, n_features)
    X = (rng.random((n_samples, n_features)) < frequencies).astype(np.float64)
    w_true = rng.standard_normal(n_features)
    y = X @ w_true + noise * rng.standard_normal(n_samples)
    return SparseRegression(X, y, w_true, frequencies)


def true_curve(x):
    r"""The smooth function behind :func:`noisy_polynomial`: :math:`f(x) = \sin(2\pi x)`.

    .. math::

        f(x) = \sin(2 \pi x)

    Parameters
    ----------
    x : array_like

    Returns
    -------
    ndarray (or float for a scalar input)

    Examples
    --------
    >>> round(float(true_curve(0.25)), 6)
    1.0

    References
    ----------
    C. M. Bishop, *Pattern Recognition and Machine Learning*, Springer, 2006, sec. 1.1.
    """
    return np.sin(2.0 * np.pi * np.asarray(x, dtype=np.float64))


def noisy_polynomial(n_samples=20, noise=0.1, seed=0, x_range=(0.0, 1.0), function=true_curve):
    r"""Noisy samples of a smooth curve, for polynomial curve fitting (Bishop's example).

    .. math::

        x_i \sim \mathcal U(a, b) \text{ (sorted)}, \quad
        y_i = f(x_i) + \varepsilon_i, \quad \varepsilon_i \sim \mathcal N(0, \sigma^2),
        \quad f = \texttt{function} \text{ (default } \sin 2\pi x\text{)}

    Call it twice with different seeds to get a training and a test set from the same curve.

    Parameters
    ----------
    n_samples : int >= 1
    noise : float >= 0
        Standard deviation :math:`\sigma` of the noise.
    seed : int
    x_range : (float, float)
        Interval :math:`[a, b)` the inputs are drawn from, ``a < b``.
    function : callable
        The true curve, vectorised over NumPy arrays (default :func:`true_curve`).

    Returns
    -------
    Curve
        Named tuple ``(x, y)``:
    x : ndarray, shape (n_samples,), float64, sorted increasingly
    y : ndarray, shape (n_samples,), float64

    Raises
    ------
    ValueError
        If ``n_samples`` is not a positive integer, ``noise`` is negative or ``x_range`` is empty.
    TypeError
        If an argument has the wrong type: a size or ``seed`` that is not an integer
        (NumPy integers are fine; ``seed=None`` is refused so that results are reproducible),
        a number that is not a real number, or a flag that is not a bool.

    Examples
    --------
    >>> x, y = noisy_polynomial(n_samples=10, noise=0.0, seed=0)
    >>> bool(np.all(np.diff(x) >= 0)), bool(np.allclose(y, true_curve(x)))
    (True, True)
    >>> x, y = noisy_polynomial(n_samples=5, x_range=(-1, 1), function=lambda t: t ** 3, noise=0.0)
    >>> bool(np.allclose(y, x ** 3))
    True

    References
    ----------
    C. M. Bishop, *Pattern Recognition and Machine Learning*, Springer, 2006, sec. 1.1.
    """
    n_samples = _check_int("n_samples", n_samples, 1)
    noise = _check_float("noise", noise)
    seed = _validate.seed("seed", seed)
    if not isinstance(x_range, (tuple, list)) or len(x_range) != 2:
        raise TypeError(f"x_range must be a pair (a, b), got {x_range!r}")
    a, b = (_validate.real(f"x_range[{i}]", v) for i, v in enumerate(x_range))
    if not a < b:
        raise ValueError(f"x_range must be two finite numbers a < b, got {x_range!r}")
    if not callable(function):
        raise TypeError(f"function must be callable, got {function!r}")
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(a, b, n_samples))
    y = np.asarray(function(x), dtype=np.float64) + noise * rng.standard_normal(n_samples)
    return Curve(x, y)


# --------------------------------------------------------------------------- digits
class Split(NamedTuple):
    r"""A data set split into training, validation and test arrays (returned by :func:`digits`).

    .. math::

        n = n_\text{train} + n_\text{val} + n_\text{test}

    Attributes
    ----------
    X_train, y_train, X_val, y_val, X_test, y_test : ndarray
        Features (n, d) and labels (n,) of each part; a part may be empty.

    Examples
    --------
    >>> s = Split(np.zeros((3, 2)), np.zeros(3), np.zeros((1, 2)), np.zeros(1), np.zeros((0, 2)), np.zeros(0))
    >>> s.X_train.shape, len(s.y_test)
    ((3, 2), 0)

    References
    ----------
    T. Hastie, R. Tibshirani, J. Friedman, *The Elements of Statistical Learning*, 2nd ed.,
    Springer, 2009, sec. 7.2.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def digits(seed=0, val_fraction=0.15, test_fraction=0.15):
    r"""The 8×8 handwritten digits bundled with scikit-learn, split train/validation/test.

    1797 images of the digits 0–9 (about 180 per class), each 8×8 pixels with integer
    grey levels 0–16, flattened to 64 features and scaled to [0, 1]. The split is
    stratified (every part has the same class proportions) and seeded:

    .. math::

        n_\text{test} = \operatorname{round}(f_\text{test} n), \quad
        n_\text{val} = \operatorname{round}(f_\text{val} n), \quad
        n_\text{train} = n - n_\text{val} - n_\text{test}, \quad x \leftarrow x / 16

    Ships with scikit-learn: nothing downloads.

    Parameters
    ----------
    seed : int
        Seed of the stratified shuffle split.
    val_fraction : float in [0, 1)
        Fraction of all images in the validation set (0 gives empty validation arrays).
    test_fraction : float in [0, 1)
        Fraction of all images in the test set (0 gives empty test arrays).
        ``val_fraction + test_fraction`` must be < 1 and every non-empty part must hold
        at least one image per class.

    Returns
    -------
    Split
        ``X_*`` float32 arrays of shape (n, 64) in [0, 1]; ``y_*`` int64 arrays of labels 0–9.

    Raises
    ------
    ValueError
        If a fraction is outside [0, 1), their sum is >= 1, or a non-empty part would be too
        small to hold every class.
    TypeError
        If an argument has the wrong type: a size or ``seed`` that is not an integer
        (NumPy integers are fine; ``seed=None`` is refused so that results are reproducible),
        a number that is not a real number, or a flag that is not a bool.

    Examples
    --------
    >>> s = digits(seed=0)
    >>> s.X_train.shape, s.X_val.shape, s.X_test.shape
    ((1257, 64), (270, 64), (270, 64))
    >>> s.X_train.dtype, s.y_train.dtype, float(s.X_train.max())
    (dtype('float32'), dtype('int64'), 1.0)
    >>> np.bincount(s.y_test).tolist()          # stratified: about 27 of each digit
    [27, 27, 27, 28, 27, 27, 27, 27, 26, 27]

    References
    ----------
    E. Alpaydin, C. Kaynak, "Optical Recognition of Handwritten Digits", UCI Machine Learning
    Repository, 1998, doi:10.24432/C50P49. F. Pedregosa et al., "Scikit-learn: Machine learning
    in Python", JMLR 12, 2011.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    seed = _validate.seed("seed", seed)
    val_fraction = _check_float("val_fraction", val_fraction, 0.0, 1.0, high_open=True)
    test_fraction = _check_float("test_fraction", test_fraction, 0.0, 1.0, high_open=True)
    if val_fraction + test_fraction >= 1.0:
        raise ValueError("val_fraction + test_fraction must be < 1 to leave training data, "
                         f"got {val_fraction!r} + {test_fraction!r}")
    bunch = load_digits()
    X = (bunch.data / 16.0).astype(np.float32)
    y = bunch.target.astype(np.int64)
    n, n_classes = len(y), len(np.unique(y))

    n_test, n_val = round(test_fraction * n), round(val_fraction * n)  # both fractions of ALL images

    def split(X, y, n_part, name, fraction):
        if n_part == 0:
            return X, y, X[:0], y[:0]
        if n_part < n_classes or len(y) - n_part < n_classes:
            raise ValueError(f"{name}={fraction!r} gives {n_part} of {len(y)} images; a stratified "
                             f"split needs at least {n_classes} (one per class) on each side")
        Xa, Xb, ya, yb = train_test_split(X, y, test_size=n_part, stratify=y, random_state=seed)
        return Xa, ya, Xb, yb

    X_rest, y_rest, X_test, y_test = split(X, y, n_test, "test_fraction", test_fraction)
    X_train, y_train, X_val, y_val = split(X_rest, y_rest, n_val, "val_fraction", val_fraction)
    return Split(X_train, y_train, X_val, y_val, X_test, y_test)


def make_loader(X, y, batch_size=64, shuffle=False, seed=0, drop_last=False):
    r"""Wrap arrays in a ``torch.utils.data.DataLoader`` with seeded shuffling.

    Floating-point arrays become tensors of torch's default dtype (float32 unless changed);
    integer labels become int64 (what ``nn.CrossEntropyLoss`` expects). With ``shuffle=True``
    the order comes from a private ``torch.Generator`` seeded with ``seed``: the global torch
    RNG is neither used nor changed, and a fresh loader with the same seed repeats the same
    sequence of epochs.

    .. math::

        \text{batches per epoch} = \lceil n / B \rceil \ (\lfloor n / B \rfloor \text{ with drop\_last})

    Parameters
    ----------
    X : array_like, shape (n, ...)
    y : array_like, shape (n, ...)
    batch_size : int >= 1
    shuffle : bool
        Reshuffle at every epoch (use it for the training set only).
    seed : int
        Seed of the loader's own generator (used only when ``shuffle=True``).
    drop_last : bool
        Drop the last incomplete batch.

    Returns
    -------
    torch.utils.data.DataLoader
        Yields ``(x_batch, y_batch)`` tensor pairs.

    Raises
    ------
    ValueError
        If ``batch_size`` is not a positive integer or ``X`` and ``y`` differ in length.
    TypeError
        If an argument has the wrong type: a size or ``seed`` that is not an integer
        (NumPy integers are fine; ``seed=None`` is refused so that results are reproducible),
        a number that is not a real number, or a flag that is not a bool.

    Examples
    --------
    >>> loader = make_loader(np.zeros((10, 3)), np.arange(10), batch_size=4)
    >>> [tuple(xb.shape) for xb, yb in loader]
    [(4, 3), (4, 3), (2, 3)]
    >>> xb, yb = next(iter(loader)); xb.dtype, yb.dtype
    (torch.float32, torch.int64)

    References
    ----------
    A. Paszke et al., "PyTorch: An imperative style, high-performance deep learning library",
    NeurIPS 2019, arXiv:1912.01703.
    """
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    batch_size = _check_int("batch_size", batch_size, 1)
    shuffle = _validate.flag("shuffle", shuffle)
    drop_last = _validate.flag("drop_last", drop_last)
    seed = _validate.seed("seed", seed)

    def to_tensor(a):
        a = np.asarray(a)
        if np.issubdtype(a.dtype, np.floating):
            return torch.as_tensor(a, dtype=torch.get_default_dtype())
        if np.issubdtype(a.dtype, np.integer) or a.dtype == bool:
            return torch.as_tensor(a.astype(np.int64))
        raise TypeError(f"arrays must be numeric, got dtype {a.dtype}")

    X_t, y_t = to_tensor(X), to_tensor(y)
    if len(X_t) != len(y_t):
        raise ValueError(f"X and y must have the same length, got {len(X_t)} and {len(y_t)}")
    generator = torch.Generator().manual_seed(seed) if shuffle else None
    return DataLoader(TensorDataset(X_t, y_t), batch_size=batch_size, shuffle=shuffle,
                      generator=generator, drop_last=drop_last)



def batch_indices(n_samples, batch_size, rng, shuffle=True):
    r"""The mini-batches of one epoch, as arrays of row indices.

    The rows :math:`0, \dots, N - 1` are permuted (when ``shuffle``) and cut into consecutive batches of
    ``batch_size``; the last batch is shorter when ``batch_size`` does not divide :math:`N`. Every row appears in
    exactly one batch, so one epoch makes :math:`\lceil N / n \rceil` updates. Call it once per epoch to shuffle
    every epoch, as the mini-batch loop of Ruder's survey does.

    Parameters
    ----------
    n_samples : int
        Number of rows :math:`N` (>= 1).
    batch_size : int
        Rows per batch :math:`n` (>= 1); ``batch_size >= n_samples`` gives one full batch.
    rng : numpy.random.Generator
        Source of the permutation; pass the same seeded generator through all epochs.
    shuffle : bool, default True
        If False, the batches are taken in order (and ``rng`` is not used).

    Returns
    -------
    list of numpy.ndarray
        Integer index arrays, ``ceil(n_samples / batch_size)`` of them.

    Raises
    ------
    ValueError
        If ``n_samples`` or ``batch_size`` is < 1.
    TypeError
        If ``rng`` is not a ``numpy.random.Generator``, or ``n_samples`` or ``batch_size``
        is not an integer.

    Examples
    --------
    >>> batches = batch_indices(10, 4, np.random.default_rng(0))
    >>> [len(b) for b in batches]
    [4, 4, 2]
    >>> sorted(np.concatenate(batches).tolist()) == list(range(10))
    True
    >>> [b.tolist() for b in batch_indices(5, 2, None, shuffle=False)]
    [[0, 1], [2, 3], [4]]

    References
    ----------
    .. [1] S. Ruder, "An overview of gradient descent optimization algorithms", arXiv:1609.04747, 2016,
       section 2.3 (mini-batch gradient descent).
    """
    n_samples = _check_int("n_samples", n_samples, 1)
    batch_size = _check_int("batch_size", batch_size, 1)
    shuffle = _validate.flag("shuffle", shuffle)
    if shuffle:
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
        order = rng.permutation(n_samples)
    else:
        order = np.arange(n_samples)
    return [order[start:start + batch_size] for start in range(0, n_samples, batch_size)]


def digits_loaders(batch_size=64, seed=0, val_fraction=0.15, test_fraction=0.15):
    r"""The digits split of :func:`digits` as three ``DataLoader`` objects.

    The training loader reshuffles every epoch from its own generator seeded with ``seed``
    (so two fresh calls give identical runs); validation and test loaders keep a fixed order.

    .. math::

        \text{batches per epoch} = \lceil n_\text{train} / B \rceil

    Parameters
    ----------
    batch_size : int >= 1
    seed : int
        Seeds both the split and the shuffling.
    val_fraction, test_fraction : float in [0, 1)
        As in :func:`digits`.

    Returns
    -------
    Loaders
        Named tuple ``(train, val, test)`` of DataLoaders; ``val`` / ``test`` / ``test_loader`` is ``None`` when its fraction is 0. Batches are
        ``(x, y)`` with ``x`` float32 of shape (B, 64) and ``y`` int64 of shape (B,).

    Raises
    ------
    ValueError
        If ``batch_size`` or a fraction is invalid.
    TypeError
        If an argument has the wrong type: a size or ``seed`` that is not an integer
        (NumPy integers are fine; ``seed=None`` is refused so that results are reproducible),
        a number that is not a real number, or a flag that is not a bool.

    Examples
    --------
    >>> train, val, test = digits_loaders(batch_size=128, seed=0)
    >>> len(train.dataset), len(val.dataset), len(test.dataset), len(train)
    (1257, 270, 270, 10)
    >>> x, y = next(iter(train)); tuple(x.shape), tuple(y.shape)
    ((128, 64), (128,))

    References
    ----------
    E. Alpaydin, C. Kaynak, "Optical Recognition of Handwritten Digits", UCI Machine Learning
    Repository, 1998, doi:10.24432/C50P49.
    """
    batch_size = _check_int("batch_size", batch_size, 1)
    seed = _validate.seed("seed", seed)
    s = digits(seed=seed, val_fraction=val_fraction, test_fraction=test_fraction)
    train = make_loader(s.X_train, s.y_train, batch_size, shuffle=True, seed=seed)
    val = make_loader(s.X_val, s.y_val, batch_size) if len(s.y_val) else None
    test = make_loader(s.X_test, s.y_test, batch_size) if len(s.y_test) else None
    return Loaders(train, val, test)


# --------------------------------------------------------------------------- IDX (MNIST)
# type code -> big-endian NumPy dtype (LeCun et al.'s IDX specification)
_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_IDX_CODES = {np.dtype(v).newbyteorder("="): k for k, v in _IDX_TYPES.items()}


def read_idx(path):
    r"""Read an array from a file in the IDX format of MNIST (plain or gzip-compressed).

    Layout (all integers big-endian):

    .. math::

        \underbrace{0\;0}_{\text{2 bytes}}\ \underbrace{t}_{\text{type}}\ \underbrace{d}_{\text{ndim}}
        \ \underbrace{n_1 \dots n_d}_{d \times \text{int32}}\ \underbrace{\text{data}}_{n_1 \cdots n_d
        \text{ values}}

    with type codes 0x08 unsigned byte, 0x09 signed byte, 0x0B int16, 0x0C int32,
    0x0D float32, 0x0E float64. Gzip files are recognised by their content, not their name.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    ndarray
        Of shape ``(n_1, ..., n_d)`` in native byte order (``uint8`` for MNIST files).

    Raises
    ------
    ValueError
        If the magic number is wrong, the type code unknown, or the file is shorter or longer
        than its header says. ``FileNotFoundError`` if the file does not exist.

    Examples
    --------
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "tiny-idx2-ubyte.gz")
    >>> write_idx(path, np.arange(6, dtype=np.uint8).reshape(2, 3))
    >>> read_idx(path).tolist()
    [[0, 1, 2], [3, 4, 5]]

    References
    ----------
    Y. LeCun, L. Bottou, Y. Bengio, P. Haffner, "Gradient-based learning applied to document
    recognition", Proc. IEEE 86(11), 1998, doi:10.1109/5.726791 (file format: the MNIST page).
    """
    with open(path, "rb") as fh:
        raw = fh.read()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as err:
            raise ValueError(f"{path}: corrupt gzip file ({err})") from err
    if len(raw) < 4:
        raise ValueError(f"{path}: not an IDX file: {len(raw)} bytes, shorter than the 4-byte magic number")
    if raw[0] != 0 or raw[1] != 0:
        raise ValueError(f"{path}: not an IDX file: magic number 0x{raw[:4].hex()} "
                         "does not start with two zero bytes")
    code, ndim = raw[2], raw[3]
    if code not in _IDX_TYPES:
        raise ValueError(f"{path}: unknown IDX type code 0x{code:02x} in magic number 0x{raw[:4].hex()}; "
                         f"known: {', '.join(f'0x{c:02x}' for c in _IDX_TYPES)}")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{path}: truncated header: {ndim} dimensions need {header} bytes, "
                         f"file has {len(raw)}")
    shape = tuple(int(n) for n in np.frombuffer(raw, ">u4", count=ndim, offset=4))
    dtype = np.dtype(_IDX_TYPES[code])
    expected = header + dtype.itemsize * math.prod(shape)
    if len(raw) != expected:
        raise ValueError(f"{path}: size mismatch: header says shape {shape} of {dtype.name} "
                         f"({expected} bytes with header), file has {len(raw)} bytes")
    data = np.frombuffer(raw, dtype, offset=header).reshape(shape)
    return data.astype(dtype.newbyteorder("="))


def write_idx(path, array):
    r"""Write an array to a file in the IDX format (gzip-compressed if ``path`` ends in ``.gz``).

    The inverse of :func:`read_idx`: magic number ``0 0 t d``, then the :math:`d` sizes as
    big-endian int32, then the values big-endian.

    .. math::

        \text{file size} = 4 + 4d + \text{itemsize} \cdot \textstyle\prod_k n_k

    Parameters
    ----------
    path : str or os.PathLike
    array : array_like
        dtype uint8, int8, int16, int32, float32 or float64; 1 to 255 dimensions.

    Returns
    -------
    None

    Raises
    ------
    ValueError
        If the dtype has no IDX type code or the number of dimensions is 0 or > 255.

    Examples
    --------
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "labels-idx1-ubyte")
    >>> write_idx(path, np.array([7, 2, 1], dtype=np.uint8))
    >>> os.path.getsize(path), read_idx(path).tolist()
    (11, [7, 2, 1])

    References
    ----------
    Y. LeCun, L. Bottou, Y. Bengio, P. Haffner, "Gradient-based learning applied to document
    recognition", Proc. IEEE 86(11), 1998, doi:10.1109/5.726791.
    """
    array = np.asarray(array)
    native = array.dtype.newbyteorder("=")
    if native not in _IDX_CODES:
        raise ValueError(f"dtype {array.dtype} has no IDX type code; use one of "
                         "uint8, int8, int16, int32, float32, float64")
    if not 1 <= array.ndim <= 255:
        raise ValueError(f"an IDX array needs 1 to 255 dimensions, got ndim={array.ndim}")
    code = _IDX_CODES[native]
    payload = (bytes([0, 0, code, array.ndim])
               + np.asarray(array.shape, dtype=">u4").tobytes()
               + array.astype(_IDX_TYPES[code]).tobytes())
    opener = gzip.open if os.fspath(path).endswith(".gz") else open
    with opener(path, "wb") as fh:
        fh.write(payload)


def load_mnist(directory, kind="train"):
    r"""Load MNIST images and labels from the standard IDX files in ``directory``.

    Looks for ``train-images-idx3-ubyte`` / ``train-labels-idx1-ubyte`` (``kind="train"``) or
    ``t10k-images-idx3-ubyte`` / ``t10k-labels-idx1-ubyte`` (``kind="test"``), with or without
    ``.gz``. Nothing downloads: get the files yourself if you want the full MNIST.

    .. math::

        x = \text{pixel} / 255 \in [0, 1], \quad \text{image } 28 \times 28 \to 784 \text{ features}

    Parameters
    ----------
    directory : str or os.PathLike
    kind : {"train", "test"}

    Returns
    -------
    Mnist
        Named tuple ``(X, y)``:
    X : ndarray, shape (n, rows * cols), float32 in [0, 1]
    y : ndarray, shape (n,), int64

    Raises
    ------
    FileNotFoundError
        If a file is missing (the message lists the names tried).
    ValueError
        If ``kind`` is unknown, the files are not IDX, or images and labels disagree in number.

    Examples
    --------
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> write_idx(os.path.join(d, "t10k-images-idx3-ubyte.gz"), np.full((2, 28, 28), 255, np.uint8))
    >>> write_idx(os.path.join(d, "t10k-labels-idx1-ubyte.gz"), np.array([3, 9], np.uint8))
    >>> X, y = load_mnist(d, kind="test")
    >>> X.shape, float(X.max()), y.tolist()
    ((2, 784), 1.0, [3, 9])

    References
    ----------
    Y. LeCun, L. Bottou, Y. Bengio, P. Haffner, "Gradient-based learning applied to document
    recognition", Proc. IEEE 86(11), 1998, doi:10.1109/5.726791.
    """
    prefix = {"train": "train", "test": "t10k"}.get(kind)
    if prefix is None:
        raise ValueError(f"kind must be 'train' or 'test', got {kind!r}")

    def find(stem):
        names = [os.path.join(directory, stem + ext) for ext in (".gz", "")]
        for name in names:
            if os.path.exists(name):
                return name
        raise FileNotFoundError(f"MNIST file not found: tried {names} (gdlab never downloads; "
                                "use gdlab.data.digits() for a bundled data set)")

    images = read_idx(find(f"{prefix}-images-idx3-ubyte"))
    labels = read_idx(find(f"{prefix}-labels-idx1-ubyte"))
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise ValueError(f"expected images of shape (n, rows, cols) and labels of shape (n,), "
                         f"got {images.shape} and {labels.shape}")
    X = images.reshape(len(images), -1).astype(np.float32) / 255.0
    return Mnist(X, labels.astype(np.int64))


# --------------------------------------------------------------------------- chapter 04: sparse problem
class SparseProblem(NamedTuple):
    r"""Least squares on :func:`sparse_features`, with everything its analysis needs.

    :math:`J(w) = \|Xw - y\|^2 / (2N)`, :math:`\nabla J(w) = Hw - b`, :math:`H = X^\top X / N`,
    :math:`b = X^\top y / N`. Fields: ``X``, ``y``, ``w_true``, ``frequencies`` (the drawing
    probabilities :math:`p_j`), ``p_hat`` (observed frequencies, the diagonal of ``H``), ``H``,
    ``b``, ``w_star`` (the minimiser of :math:`J`), ``L`` (the largest eigenvalue of ``H``).
    Methods ``loss(w)`` and ``grad(w)``; ``grad`` also takes a stack of points of shape
    ``(runs, d)``, as :func:`gdlab.optim.run_many` passes them.
    """
    X: np.ndarray
    y: np.ndarray
    w_true: np.ndarray
    frequencies: np.ndarray
    p_hat: np.ndarray
    H: np.ndarray
    b: np.ndarray
    w_star: np.ndarray
    L: float

    def loss(self, w):
        """The loss :math:`\\|Xw - y\\|^2 / (2N)` at ``w`` of shape (d,)."""
        residual = self.X @ np.asarray(w, dtype=float) - self.y
        return 0.5 * float(residual @ residual) / len(self.y)

    def grad(self, w):
        """The gradient :math:`Hw - b` at ``w`` of shape (d,) or (runs, d)."""
        return np.asarray(w, dtype=float) @ self.H - self.b


def sparse_problem(n_samples=5000, n_features=20, seed=0, noise=0.1, max_frequency=0.5,
                   min_frequency=0.002):
    r"""The sparse-feature least-squares problem of the chapter on challenges, in one call.

    Draws :func:`sparse_features` (feature :math:`j` present with probability :math:`p_j`,
    falling geometrically from ``max_frequency`` to ``min_frequency``) and returns it with
    the quantities of its analysis:

    .. math::

        J(w) = \frac{1}{2N}\|Xw - y\|^2, \quad \nabla J(w) = Hw - b, \quad
        H = \frac{X^\top X}{N}, \quad b = \frac{X^\top y}{N}, \quad
        H_{jj} = \hat p_j = \frac{1}{N}\sum_i x_{ij}, \quad w^\star = H^{-1} b

    (:math:`H_{jj} = \hat p_j` because :math:`x^2 = x` for a 0/1 feature: a rare feature is a
    flat direction of the loss).

    Parameters
    ----------
    n_samples, n_features, seed, noise, max_frequency, min_frequency
        As in :func:`sparse_features` (the defaults are the chapter's problem).

    Returns
    -------
    SparseProblem
        Named tuple ``(X, y, w_true, frequencies, p_hat, H, b, w_star, L)`` with methods
        ``loss(w)`` and ``grad(w)``.

    Raises
    ------
    ValueError
        As :func:`sparse_features`, or if some feature occurs in no sample (then :math:`H`
        is singular and :math:`w^\star` not unique: draw more samples or raise
        ``min_frequency``).
    TypeError
        As :func:`sparse_features`.

    Examples
    --------
    >>> problem = sparse_problem()
    >>> problem.X.shape, round(problem.L, 3)
    ((5000, 20), 0.786)
    >>> bool(np.allclose(np.diag(problem.H), problem.p_hat))     # curvature = frequency
    True
    >>> float(np.abs(problem.grad(problem.w_star)).max()) < 1e-12
    True

    References
    ----------
    J. Duchi, E. Hazan, Y. Singer, "Adaptive subgradient methods for online learning and
    stochastic optimization", JMLR 12, 2011. S. Ruder, "An overview of gradient descent
    optimization algorithms", arXiv:1609.04747, 2016, sec. 4.4.
    """
    X, y, w_true, frequencies = sparse_features(n_samples=n_samples, n_features=n_features,
                                                seed=seed, noise=noise,
                                                max_frequency=max_frequency,
                                                min_frequency=min_frequency)
    p_hat = X.mean(axis=0)
    if not np.all(p_hat > 0):
        j = int(np.flatnonzero(p_hat == 0)[0])
        raise ValueError(f"feature {j} occurs in none of the {len(y)} samples, so the Hessian is "
                         "singular: draw more samples or raise min_frequency")
    H = X.T @ X / len(y)
    b = X.T @ y / len(y)
    w_star = np.linalg.solve(H, b)
    return SparseProblem(X, y, w_true, frequencies, p_hat, H, b, w_star,
                         float(np.linalg.eigvalsh(H)[-1]))


__all__ += ["SparseProblem", "sparse_problem"]
