r"""Gradient-descent optimizers written from scratch in NumPy, as the papers write them.

Every optimizer is a small frozen dataclass that only holds hyper-parameters. Its
state lives outside, in a ``NamedTuple`` you can print, so nothing is hidden:

- ``opt.init(theta) -> state``: the initial state (``state.step == 0``, zero
  moments, ...);
- ``opt.grad_point(theta, state) -> ndarray``: where the gradient must be taken.
  It returns ``theta`` itself except for :class:`NAG`, which looks ahead to
  :math:`\theta - \gamma v`;
- ``opt.step(theta, grad, state) -> (new_theta, new_state)``: one update. Pure: it
  never modifies its inputs and returns new arrays.

A complete loop is therefore::

    state = opt.init(theta)
    for t in range(steps):
        grad = grad_fn(opt.grad_point(theta, state))
        theta, state = opt.step(theta, grad, state)

which is what :func:`run` does (returning the whole trajectory).

Two families of classes:

1. *Paper forms* (``GD``, ``Momentum``, ``NAG``, ``Adagrad``, ``Adadelta``,
   ``RMSprop``, ``Adam``, ``AdaMax``, ``Nadam``, ``AMSGrad``, ``AdamW``): the update
   rules of the original papers as written in Ruder's survey (Ruder, 2016), with
   the papers' names and defaults.
2. *Torch forms* (``TorchSGD``, ``TorchAdagrad``, ``TorchAdadelta``,
   ``TorchRMSprop``, ``TorchAdam``, ``TorchAdamW``, ``TorchNAdam``,
   ``TorchAdamax``): line-by-line ports of the single-tensor algorithms of
   ``torch.optim`` (keyword names and defaults as in PyTorch). Get them with
   :func:`like_torch`, e.g. ``like_torch("Adam", lr=1e-2)``.

How paper forms relate to ``torch.optim`` (each row is checked in ``tests/test_optim.py``):

============  ==========================================  ======================================================
paper form    torch.optim                                 relation
============  ==========================================  ======================================================
GD            SGD(lr)                                     equal
Momentum      SGD(lr=η, momentum=γ)                       equal iterates; :math:`v_{paper} = lr\, v_{torch}`
Momentum      SGD(lr=η, momentum=γ, dampening=τ)          Momentum(lr=η(1−τ)) except torch's undamped first
                                                          gradient: iterates apart by
                                                          :math:`\eta\tau g_1 (1-\gamma^t)/(1-\gamma)`
NAG           SGD(lr=η, momentum=γ, nesterov=True)        torch's iterates are the look-ahead points
                                                          :math:`\theta_t - \gamma v_t`
Adagrad       Adagrad(lr, eps)                            ε inside the root (paper) vs outside (torch)
Adadelta      Adadelta(lr=1.0, rho, eps)                  equal
RMSprop       RMSprop(lr, alpha=γ, eps)                   ε inside the root (paper) vs outside (torch)
Adam          Adam(lr, betas, eps)                        equal
AdaMax        Adamax(lr, betas, eps)                      torch adds ε to :math:`|g|`; equal as ε → 0
Nadam         NAdam(lr, betas, eps, momentum_decay)       differ: torch uses Dozat's μ_t schedule and
                                                          :math:`1-\prod_{i\le t+1}\mu_i` for the momentum term
AMSGrad       Adam(lr, betas, eps, amsgrad=True)          differ: the paper has no bias correction
AdamW         AdamW(lr, betas, eps, weight_decay=λ/lr)    equal; the paper's λ is not multiplied by the lr
============  ==========================================  ======================================================

Other public names: :func:`run`, :func:`like_torch`, :func:`as_torch_optimizer`,
:class:`DivergenceError`, and the state classes (``GDState``, ``MomentumState``, ...).
``TorchAdapter`` (the ``torch.optim.Optimizer`` subclass returned by
:func:`as_torch_optimizer`) is created on first access so that importing this
module does not import torch.

Conventions: arrays of any shape and float dtype; all arithmetic is vectorised NumPy.
Hyper-parameters are validated when an optimizer is created (``ValueError`` /
``TypeError`` naming the bad value), gradients at every step (shape and finiteness).

Dtypes: the update is computed in ``theta``'s float dtype (float64 for integer
``theta``): ``init`` returns float state arrays and a float64 gradient for float32
parameters is rounded to float32, as in torch.

Performance: being pure, ``step`` must return new arrays where torch updates in
place. ``Adam`` and ``Momentum`` write everything with ``out=`` into their results,
which are the rows of one freshly allocated block (so keeping the new θ alive also
keeps the new state's memory); the others are written as plainly as the formulas.
On 10^6 parameters fresh memory pages cost about as much as the arithmetic
(``tests/bench_optim.py`` measures it against torch).

References
----------
Ruder, S. (2016). An overview of gradient descent optimization algorithms.
arXiv:1609.04747.

Paszke, A. et al. (2019). PyTorch: An imperative style, high-performance deep
learning library. NeurIPS 32. arXiv:1912.01703.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import math
import numbers
from dataclasses import dataclass, fields
from typing import ClassVar, NamedTuple

import numpy as np

from gdlab import _validate

__all__ = [
    # paper forms
    "GD", "Momentum", "NAG", "Adagrad", "Adadelta", "RMSprop", "Adam", "AdaMax",
    "Nadam", "AMSGrad", "AdamW",
    # torch forms
    "TorchSGD", "TorchAdagrad", "TorchAdadelta", "TorchRMSprop", "TorchAdam",
    "TorchAdamW", "TorchNAdam", "TorchAdamax",
    # states
    "GDState", "MomentumState", "AdagradState", "AdadeltaState", "RMSpropState",
    "AdamState", "AdaMaxState", "AMSGradState", "TorchSGDState", "TorchAdagradState",
    "TorchAdadeltaState", "TorchRMSpropState", "TorchAdamState", "TorchNAdamState",
    "TorchAdamaxState",
    # functions
    "run", "like_torch", "as_torch_optimizer", "DivergenceError", "TorchAdapter",
]


# ----------------------------------------------------------------------------
# Validation helpers (shared by all optimizers)
# ----------------------------------------------------------------------------

def _check_number(name, value, low=0.0, high=None, *, low_open=False, high_open=True):
    """Raise TypeError/ValueError unless ``value`` is a finite real in the interval."""
    _validate.real(name, value, low, high, low_open=low_open, high_open=high_open)


def _check_lr(lr):
    _check_number("lr", lr)


def _check_rate(name, value):
    """A decay rate such as β1, β2, γ, ρ: a number in [0, 1)."""
    _check_number(name, value, 0.0, 1.0)


def _check_eps(eps):
    _check_number("eps", eps, low_open=True)


def _check_flag(name, value):
    _validate.flag(name, value)


def _check_adam_hyperparameters(opt):
    """Check ``lr``, ``beta1``, ``beta2`` and ``eps`` of a paper-form Adam variant."""
    _check_lr(opt.lr)
    _check_rate("beta1", opt.beta1)
    _check_rate("beta2", opt.beta2)
    _check_eps(opt.eps)


def _check_betas(obj):
    """Check ``obj.betas`` (a pair of rates in [0, 1)) and store it as a tuple (hashable)."""
    betas = obj.betas
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise TypeError(f"betas must be a pair (beta1, beta2), got {betas!r}")
    _check_rate("betas[0]", betas[0])
    _check_rate("betas[1]", betas[1])
    object.__setattr__(obj, "betas", tuple(betas))   # frozen dataclass: a list would not hash


def _all_finite(a):
    return _validate.all_finite(a)


def _dtype(theta):
    """The float dtype an optimizer computes in: ``theta``'s, or float64 for integers."""
    return np.result_type(np.asarray(theta).dtype, 1.0)


def _zeros(theta):
    """A state array of zeros shaped like ``theta``, in the float dtype of the update."""
    return np.zeros(np.shape(theta), _dtype(theta))


def _check_grad(grad, theta):
    """Return ``grad`` as an array after checking its dtype, shape and finiteness.

    The update is computed in ``theta``'s float dtype (float64 for integer ``theta``):
    a float64 gradient for float32 parameters is rounded to float32, as in torch where
    a gradient always has its parameter's dtype.
    """
    g = np.asarray(grad)
    if g.dtype.kind not in "fiu":
        raise TypeError(f"grad must be an array of real numbers, got dtype {g.dtype}")
    if g.shape != np.shape(theta):
        raise ValueError(f"grad must have the shape of theta {np.shape(theta)}, "
                         f"got shape {g.shape}")
    index = _validate.first_nonfinite(g)
    if index is not None:
        raise ValueError(f"grad must be finite, got {g[index]} at index {index}")
    return g.astype(_dtype(theta), copy=False)


def _new_arrays(n, like):
    """``n`` new, separate, uninitialised arrays with the shape and dtype of ``like``.

    A step writes its results into these with ``out=`` instead of building them from
    temporaries: on 10^6 parameters Adam's step takes about 5.5 ms so, against 6.5 ms
    written as plain expressions (measured on the course's 2-core VM).
    """
    shape, dtype = np.shape(like), np.asarray(like).dtype
    return [np.empty(shape, dtype) for _ in range(n)]


def _at_theta(self, theta, state):
    """The gradient is taken at the current iterate: return ``theta`` itself."""
    return theta


def _lerp(start, end, weight):
    """``start + weight (end - start)``, rounded exactly as ``torch.lerp`` does."""
    if abs(weight) < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * (1 - weight)


# ----------------------------------------------------------------------------
# States
# ----------------------------------------------------------------------------

class GDState(NamedTuple):
    """State of :class:`GD`: only the step counter."""
    step: int


class MomentumState(NamedTuple):
    """State of :class:`Momentum` and :class:`NAG`: the velocity :math:`v_t`."""
    step: int
    velocity: np.ndarray


class AdagradState(NamedTuple):
    """State of :class:`Adagrad`: :math:`G_t`, the sum of squared gradients."""
    step: int
    sum_sq_grad: np.ndarray


class AdadeltaState(NamedTuple):
    r"""State of :class:`Adadelta`: :math:`E[g^2]_t` and :math:`E[\Delta\theta^2]_t`."""
    step: int
    sq_grad_avg: np.ndarray
    sq_delta_avg: np.ndarray


class RMSpropState(NamedTuple):
    """State of :class:`RMSprop`: :math:`E[g^2]_t`."""
    step: int
    sq_grad_avg: np.ndarray


class AdamState(NamedTuple):
    """State of :class:`Adam`, :class:`Nadam`, :class:`AdamW`: moments :math:`m_t, v_t`."""
    step: int
    m: np.ndarray
    v: np.ndarray


class AdaMaxState(NamedTuple):
    """State of :class:`AdaMax`: first moment :math:`m_t` and infinity norm :math:`u_t`."""
    step: int
    m: np.ndarray
    u: np.ndarray


class AMSGradState(NamedTuple):
    r"""State of :class:`AMSGrad`: :math:`m_t`, :math:`v_t` and :math:`\hat v_t = \max(\hat v_{t-1}, v_t)`."""
    step: int
    m: np.ndarray
    v: np.ndarray
    v_hat: np.ndarray


# ----------------------------------------------------------------------------
# Paper forms
# ----------------------------------------------------------------------------

@dataclass(frozen=True)
class GD:
    r"""Plain (full-batch) gradient descent.

    .. math::

        \theta_t = \theta_{t-1} - \eta\, \nabla J(\theta_{t-1})

    Parameters
    ----------
    lr : float
        Learning rate :math:`\eta \ge 0` (no default: there is no universal one).

    Notes
    -----
    Equals ``torch.optim.SGD(params, lr=lr)``. Given mini-batch gradients this is
    SGD (Robbins & Monro, 1951).

    Raises
    ------
    ValueError, TypeError
        When created with an invalid hyper-parameter (the message names it), and from
        ``step`` for a gradient of the wrong shape, dtype, or with inf/NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from gdlab import optim
    >>> opt = optim.GD(lr=0.1)
    >>> theta, state = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    >>> round(float(theta[0]), 6), state.step
    (0.8, 1)

    References
    ----------
    Cauchy, A. (1847). Méthode générale pour la résolution des systèmes d'équations
    simultanées. Comptes Rendus de l'Académie des Sciences 25, 536-538.

    Robbins, H. & Monro, S. (1951). A stochastic approximation method. The Annals of
    Mathematical Statistics 22(3), 400-407. doi:10.1214/aoms/1177729586
    """

    lr: float

    def __post_init__(self):
        _check_lr(self.lr)

    def init(self, theta):
        return GDState(step=0)

    grad_point = _at_theta

    def step(self, theta, grad, state):
        g = _check_grad(grad, theta)
        return theta - self.lr * g, GDState(state.step + 1)


@dataclass(frozen=True)
class Momentum:
    r"""Gradient descent with (heavy-ball) momentum.

    .. math::

        v_t = \gamma\, v_{t-1} + \eta\, \nabla J(\theta_{t-1}), \qquad
        \theta_t = \theta_{t-1} - v_t, \qquad v_0 = 0

    Parameters
    ----------
    lr : float, default 0.01
        Learning rate :math:`\eta` (no standard value; the course's default).
    gamma : float, default 0.9
        Momentum :math:`\gamma \in [0, 1)` ("usually set to 0.9 or a similar value",
        Ruder 2016).

    Notes
    -----
    ``torch.optim.SGD(lr=η, momentum=γ)`` keeps :math:`b_t = \gamma b_{t-1} + g_t` and
    steps :math:`\theta_t = \theta_{t-1} - \eta b_t`. For a constant :math:`\eta`
    this is the same algorithm under :math:`v_t = \eta\, b_t`: the iterates are equal.
    (With a learning-rate schedule they differ: torch rescales the whole velocity
    when :math:`\eta` changes, the paper form only the new gradient.)

    *Damped* momentum, ``SGD(lr=η, momentum=γ, dampening=τ)``, keeps
    :math:`b_t = \gamma b_{t-1} + (1-\tau) g_t` (with τ = γ an exponential average, as
    Adam's :math:`m_t`) but torch does not damp the first gradient, :math:`b_1 = g_1`.
    It is therefore this class with ``lr = η(1-τ)`` except for that first gradient,
    which torch weights :math:`1/(1-\tau)` times more: for the same gradients,
    :math:`\eta b_t = v_t + \eta\tau\gamma^{t-1} g_1` and the torch iterate lies
    :math:`\eta\tau g_1 (1-\gamma^t)/(1-\gamma)` further along :math:`-g_1`
    (:math:`9\,\eta g_1` in the limit for τ = γ = 0.9). Setting the velocity after
    the first step to :math:`\eta g_1` makes the two coincide (tested).

    Raises
    ------
    ValueError, TypeError
        When created with an invalid hyper-parameter (the message names it), and from
        ``step`` for a gradient of the wrong shape, dtype, or with inf/NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from gdlab import optim
    >>> opt = optim.Momentum(lr=0.1, gamma=0.9)
    >>> state = opt.init(np.array([1.0]))
    >>> theta, state = opt.step(np.array([1.0]), np.array([2.0]), state)
    >>> theta, state = opt.step(theta, np.array([2.0]), state)
    >>> round(float(theta[0]), 6), round(float(state.velocity[0]), 6)
    (0.42, 0.38)

    References
    ----------
    Qian, N. (1999). On the momentum term in gradient descent learning algorithms.
    Neural Networks 12(1), 145-151. doi:10.1016/S0893-6080(98)00116-6

    Polyak, B. T. (1964). Some methods of speeding up the convergence of iteration
    methods. USSR Computational Mathematics and Mathematical Physics 4(5), 1-17.
    doi:10.1016/0041-5553(64)90137-5
    """

    lr: float = 0.01
    gamma: float = 0.9

    def __post_init__(self):
        _check_lr(self.lr)
        _check_rate("gamma", self.gamma)

    def init(self, theta):
        return MomentumState(step=0, velocity=_zeros(theta))

    grad_point = _at_theta

    def step(self, theta, grad, state):
        g = _check_grad(grad, theta)
        # v = γ v + η g;  θ − v, written with out= into the two results (no temporaries)
        v, new_theta = _new_arrays(2, g)
        np.multiply(state.velocity, self.gamma, out=v)   # γ v_{t-1}
        np.multiply(g, self.lr, out=new_theta)           # η g_t  (scratch, becomes θ_t)
        v += new_theta                                   # v_t = γ v_{t-1} + η g_t
        np.subtract(theta, v, out=new_theta)             # θ_t = θ_{t-1} - v_t
        return new_theta, MomentumState(state.step + 1, v)


@dataclass(frozen=True)
class NAG:
    r"""Nesterov accelerated gradient, in the look-ahead form.

    .. math::

        v_t = \gamma\, v_{t-1} + \eta\, \nabla J(\theta_{t-1} - \gamma v_{t-1}), \qquad
        \theta_t = \theta_{t-1} - v_t, \qquad v_0 = 0

    The gradient is taken at the look-ahead point :math:`\theta - \gamma v`, which
    :meth:`grad_point` returns (``run`` and ``as_torch_optimizer`` use it).

    Parameters
    ----------
    lr : float, default 0.01
        Learning rate :math:`\eta` (no standard value; the course's default, as for
        :class:`Momentum`).
    gamma : float, default 0.9
        Momentum :math:`\gamma \in [0, 1)` ("usually set to 0.9", Ruder 2016).

    Notes
    -----
    ``torch.optim.SGD(lr=η, momentum=γ, nesterov=True)`` is the same method after
    the change of variables :math:`\phi_t = \theta_t - \gamma v_t` (Sutskever et
    al. 2013): torch stores and returns the look-ahead
    points :math:`\phi_t`, with :math:`v_t = \eta\, b_t` (torch's buffer :math:`b_t`),
    so ``torch_iterate_t == theta_t - gamma * velocity_t``.

    Raises
    ------
    ValueError, TypeError
        When created with an invalid hyper-parameter (the message names it), and from
        ``step`` for a gradient of the wrong shape, dtype, or with inf/NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from gdlab import optim
    >>> opt = optim.NAG(lr=0.1, gamma=0.9)
    >>> theta = np.array([1.0])
    >>> state = opt.init(theta)._replace(velocity=np.array([0.5]))
    >>> opt.grad_point(theta, state)         # theta - gamma * v
    array([0.55])
    >>> theta, state = opt.step(theta, 2 * opt.grad_point(theta, state), state)
    >>> round(float(theta[0]), 6)
    0.44

    References
    ----------
    Nesterov, Y. (1983). A method for unconstrained convex minimization problem with
    the rate of convergence O(1/k²). Doklady AN SSSR 269(3), 543-547.

    Sutskever, I., Martens, J., Dahl, G. & Hinton, G. (2013). On the importance of
    initialization and momentum in deep learning. ICML 2013, PMLR 28(3), 1139-1147.
    """

    lr: float = 0.01
    gamma: float = 0.9

    def __post_init__(self):
        _check_lr(self.lr)
        _check_rate("gamma", self.gamma)

    def init(self, theta):
        return MomentumState(step=0, velocity=_zeros(theta))

    def grad_point(self, theta, state):
        """The look-ahead point :math:`\\theta - \\gamma v_{t-1}`."""
        return theta - self.gamma * state.velocity

    def step(self, theta, grad, state):
        """``grad`` must be the gradient at ``self.grad_point(theta, state)``."""
        g = _check_grad(grad, theta)
        v = self.gamma * state.velocity + self.lr * g
        return theta - v, MomentumState(state.step + 1, v)


@dataclass(frozen=True)
class Adagrad:
    r"""Adagrad: a per-coordinate learning rate from the sum of squared gradients.

    .. math::

        G_t = G_{t-1} + g_t^2, \qquad
        \theta_t = \theta_{t-1} - \frac{\eta}{\sqrt{G_t + \epsilon}}\, g_t, \qquad G_0 = 0

    (element-wise), with :math:`g_t = \nabla J(\theta_{t-1})`.

    Parameters
    ----------
    lr : float, default 0.01
        Learning rate :math:`\eta` ("most implementations use 0.01", Ruder 2016).
    eps : float, default 1e-8
        Smoothing term :math:`\epsilon > 0` (Ruder 2016).

    Notes
    -----
    ε sits *inside* the square root, as in Ruder's survey. Duchi et al. (2011) and
    ``torch.optim.Adagrad`` put it outside: :math:`\eta\, g_t / (\sqrt{G_t} + \epsilon)`
    (torch's default ε is 1e-10). The two agree when :math:`G_t \gg \epsilon`; for
    small gradients they do not: with :math:`g_1 = 10^{-4}` and ε = 1e-8 the first
    step is :math:`\eta/\sqrt 2` here and :math:`\approx \eta` in torch.

    Raises
    ------
    ValueError, TypeError
        When created with an invalid hyper-parameter (the message names it), and from
        ``step`` for a gradient of the wrong shape, dtype, or with inf/NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from gdlab import optim
    >>> opt = optim.Adagrad(lr=0.1)
    >>> theta, state = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    >>> round(float(theta[0]), 6), float(state.sum_sq_grad[0])
    (0.9, 4.0)

    References
    ----------
    Duchi, J., Hazan, E. & Singer, Y. (2011). Adaptive subgradient methods for online
    learning and stochastic optimization. JMLR 12, 2121-2159.
    """

    lr: float = 0.01
    eps: float = 1e-8

    def __post_init__(self):
        _check_lr(self.lr)
        _check_eps(self.eps)

    def init(self, theta):
        return AdagradState(step=0, sum_sq_grad=_zeros(theta))

    grad_point = _at_theta

    def step(self, theta, grad, state):
        g = _check_grad(grad, theta)
        G = state.sum_sq_grad + g * g
        return theta - self.lr * g / np.sqrt(G + self.eps), AdagradState(state.step + 1, G)


@dataclass(frozen=True)
class Adadelta:
    r"""Adadelta: decaying averages and a units correction, no learning rate.

    .. math::

        E[g^2]_t = \rho\, E[g^2]_{t-1} + (1-\rho)\, g_t^2, \qquad
        \Delta\theta_t = -\frac{\mathrm{RMS}[\Delta\theta]_{t-1}}{\mathrm{RMS}[g]_t}\, g_t,

        E[\Delta\theta^2]_t = \rho\, E[\Delta\theta^2]_{t-1} + (1-\rho)\, \Delta\theta_t^2,
        \qquad \theta_t = \theta_{t-1} + \Delta\theta_t,

    with :math:`\mathrm{RMS}[x]_t = \sqrt{E[x^2]_t + \epsilon}` and zero initial
    averages (Zeiler 2012, Algorithm 1 and eq. 14).

    Parameters
    ----------
    rho : float, default 0.9
        Decay rate :math:`\rho` (γ in Ruder 2016, "around 0.9"; Zeiler's experiments
        used 0.95; torch's default is 0.9).
    eps : float, default 1e-6
        :math:`\epsilon` (Zeiler 2012, MNIST experiments; also torch's default).

    Notes
    -----
    Equals ``torch.optim.Adadelta(lr=1.0, rho=rho, eps=eps)``; torch's extra ``lr``
    scales :math:`\Delta\theta_t` (the accumulators keep the unscaled step).

    Raises
    ------
    ValueError, TypeError
        When created with an invalid hyper-parameter (the message names it), and from
        ``step`` for a gradient of the wrong shape, dtype, or with inf/NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from gdlab import optim
    >>> opt = optim.Adadelta()
    >>> theta, state = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    >>> round(float(theta[0]), 6)      # first step: -sqrt(eps / (0.1 * 4 + eps)) * 2
    0.996838

    References
    ----------
    Zeiler, M. D. (2012). ADADELTA: An adaptive learning rate method.
    arXiv:1212.5701.
    """

    rho: float = 0.9
    eps: float = 1e-6

    def __post_init__(self):
        _check_rate("rho", self.rho)
        _check_eps(self.eps)

    def init(self, theta):
        return AdadeltaState(step=0, sq_grad_avg=_zeros(theta),
                             sq_delta_avg=_zeros(theta))

    grad_point = _at_theta

    def step(self, theta, grad, state):
        g = _check_grad(grad, theta)
        rho, eps = self.rho, self.eps
        Eg2 = rho * state.sq_grad_avg + (1 - rho) * g * g
        delta = -np.sqrt(state.sq_delta_avg + eps) / np.sqrt(Eg2 + eps) * g
        Edx2 = rho * state.sq_delta_avg + (1 - rho) * delta * delta
        return theta + delta, AdadeltaState(state.step + 1, Eg2, Edx2)


@dataclass(frozen=True)
class RMSprop:
    r"""RMSprop: divide the gradient by a running RMS of recent gradients.

    .. math::

        E[g^2]_t = \gamma\, E[g^2]_{t-1} + (1-\gamma)\, g_t^2, \qquad
        \theta_t = \theta_{t-1} - \frac{\eta}{\sqrt{E[g^2]_t + \epsilon}}\, g_t,
        \qquad E[g^2]_0 = 0

    Parameters
    ----------
    lr : float, default 0.001
        Learning rate :math:`\eta` (Hinton's suggestion, quoted by Ruder 2016).
    gamma : float, default 0.9
        Decay rate :math:`\gamma` (Hinton, lecture 6e; torch's ``alpha`` defaults to 0.99).
    eps : float, default 1e-8
        :math:`\epsilon > 0` (Ruder 2016; the lecture has none).

    Notes
    -----
    ``torch.optim.RMSprop(lr, alpha=γ, eps)`` divides by :math:`\sqrt{E[g^2]_t} + \epsilon`
    (ε outside the root) and has torch's defaults lr = 0.01, alpha = 0.99. Otherwise
    the two are the same algorithm. The placement matters for small gradients: with
    γ = 0.9, ε = 1e-8 and :math:`g_1 = 10^{-4}` the first step is :math:`0.95\,\eta`
    here and :math:`3.16\,\eta` in torch.

    Raises
    ------
    ValueError, TypeError
        When created with an invalid hyper-parameter (the message names it), and from
        ``step`` for a gradient of the wrong shape, dtype, or with inf/NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from gdlab import optim
    >>> opt = optim.RMSprop(lr=0.01)
    >>> theta, state = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    >>> round(float(theta[0]), 6)      # 1 - 0.01 * 2 / sqrt(0.1 * 4)
    0.968377

    References
    ----------
    Tieleman, T. & Hinton, G. (2012). Lecture 6.5 - RMSprop: Divide the gradient by a
    running average of its recent magnitude. COURSERA: Neural Networks for Machine
    Learning 4(2).
    """

    lr: float = 0.001
    gamma: float = 0.9
    eps: float = 1e-8

    def __post_init__(self):
        _check_lr(self.lr)
        _check_rate("gamma", self.gamma)
        _check_eps(self.eps)

    def init(self, theta):
        return RMSpropState(step=0, sq_grad_avg=_zeros(theta))

    grad_point = _at_theta

    def step(self, theta, grad, state):
        g = _check_grad(grad, theta)
        Eg2 = self.gamma * state.sq_grad_avg + (1 - self.gamma) * g * g
        return theta - self.lr * g / np.sqrt(Eg2 + self.eps), RMSpropState(state.step + 1, Eg2)


@dataclass(frozen=True)
class Adam:
    r"""Adam: bias-corrected averages of the gradient and of its square.

    .. math::

        m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t, \qquad
        v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2,

        \hat m_t = \frac{m_t}{1-\beta_1^t}, \qquad \hat v_t = \frac{v_t}{1-\beta_2^t},
        \qquad \theta_t = \theta_{t-1} - \frac{\alpha\, \hat m_t}{\sqrt{\hat v_t} + \epsilon}

    with :math:`m_0 = v_0 = 0` (Kingma & Ba 2015, Algorithm 1).

    Parameters
    ----------
    lr : float, default 0.001
        Step size :math:`\alpha` (Kingma & Ba 2015).
    beta1, beta2 : float, default 0.9, 0.999
        Decay rates of the moment estimates, in [0, 1) (Kingma & Ba 2015).
    eps : float, default 1e-8
        :math:`\epsilon > 0` (Kingma & Ba 2015).

    Notes
    -----
    Equals ``torch.optim.Adam(lr, betas=(beta1, beta2), eps)`` (up to rounding).

    Raises
    ------
    ValueError, TypeError
        When created with an invalid hyper-parameter (the message names it), and from
        ``step`` for a gradient of the wrong shape, dtype, or with inf/NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from gdlab import optim
    >>> opt = optim.Adam(lr=0.1)
    >>> theta, state = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    >>> round(float(theta[0]), 6)     # the first step has length ~ lr
    0.9
    >>> round(float(state.m[0]), 6), round(float(state.v[0]), 6)
    (0.2, 0.004)

    References
    ----------
    Kingma, D. P. & Ba, J. (2015). Adam: A method for stochastic optimization.
    ICLR 2015. arXiv:1412.6980.
    """

    lr: float = 0.001
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8

    def __post_init__(self):
        _check_adam_hyperparameters(self)

    def init(self, theta):
        return AdamState(step=0, m=_zeros(theta), v=_zeros(theta))

    grad_point = _at_theta

    def step(self, theta, grad, state):
        g = _check_grad(grad, theta)
        b1, b2, t = self.beta1, self.beta2, state.step + 1
        # Plainly:  m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*g**2;
        #           m_hat = m/(1-b1**t);  v_hat = v/(1-b2**t);
        #           theta - lr*m_hat/(sqrt(v_hat) + eps).
        # Below, the same with in-place ufuncs into the 3 results (m, v, θ; no temporaries),
        # with the bias corrections applied to scalars. ``out`` is scratch, becomes θ_t.
        m, v, out = _new_arrays(3, g)
        np.multiply(g, 1 - b1, out=out)            # (1-β1) g_t
        np.multiply(state.m, b1, out=m)
        m += out                                   # m_t
        np.multiply(g, g, out=out)
        out *= 1 - b2                              # (1-β2) g_t²
        np.multiply(state.v, b2, out=v)
        v += out                                   # v_t
        np.sqrt(v, out=out)
        out *= 1 / math.sqrt(1 - b2**t)            # √v̂_t
        out += self.eps                            # √v̂_t + ε
        np.divide(m, out, out=out)
        out *= self.lr / (1 - b1**t)               # α m̂_t / (√v̂_t + ε)
        np.subtract(theta, out, out=out)           # θ_t
        return out, AdamState(t, m, v)


@dataclass(frozen=True)
class AdaMax:
    r"""AdaMax: Adam with the infinity norm in place of the second moment.

    .. math::

        m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t, \qquad
        u_t = \max(\beta_2\, u_{t-1}, |g_t|), \qquad
        \theta_t = \theta_{t-1} - \frac{\alpha}{1-\beta_1^t}\, \frac{m_t}{u_t}

    with :math:`m_0 = u_0 = 0` (Kingma & Ba 2015, §7.1, Algorithm 2).

    Parameters
    ----------
    lr : float, default 0.002
        Step size :math:`\alpha` (Kingma & Ba 2015).
    beta1 : float, default 0.9
        Decay rate in [0, 1) (Kingma & Ba 2015).
    beta2 : float, default 0.999
        Decay rate in (0, 1) (Kingma & Ba 2015): unlike Adam's, it must be > 0 (see
        the notes).

    Notes
    -----
    The paper has no ε. Since :math:`u_t \ge \beta_2^{t-k} |g_k|` for every
    :math:`k \le t`, with :math:`\beta_2 > 0` :math:`u_t = 0` only where every
    gradient so far was 0, so :math:`m_t = 0` too; we take 0/0 = 0 there (no move).
    :math:`\beta_2 = 0` is refused: then :math:`u_t = |g_t|` forgets the past, and
    :math:`g_t = 0` with :math:`m_t \ne 0` would be a division by zero.
    ``torch.optim.Adamax`` instead uses
    :math:`u_t = \max(\beta_2 u_{t-1}, |g_t| + \epsilon)`, ε = 1e-8: equal to this
    form as ε → 0.

    Raises
    ------
    ValueError, TypeError
        When created with an invalid hyper-parameter (the message names it), and from
        ``step`` for a gradient of the wrong shape, dtype, or with inf/NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from gdlab import optim
    >>> opt = optim.AdaMax(lr=0.1)
    >>> theta, state = opt.step(np.array([1.0, 3.0]), np.array([2.0, 0.0]),
    ...                         opt.init(np.array([1.0, 3.0])))
    >>> [round(float(x), 6) for x in theta], [float(u) for u in state.u]
    ([0.9, 3.0], [2.0, 0.0])

    References
    ----------
    Kingma, D. P. & Ba, J. (2015). Adam: A method for stochastic optimization.
    ICLR 2015. arXiv:1412.6980.
    """

    lr: float = 0.002
    beta1: float = 0.9
    beta2: float = 0.999

    def __post_init__(self):
        _check_lr(self.lr)
        _check_rate("beta1", self.beta1)
        _check_number("beta2", self.beta2, 0.0, 1.0, low_open=True)

    def init(self, theta):
        return AdaMaxState(step=0, m=_zeros(theta), u=_zeros(theta))

    grad_point = _at_theta

    def step(self, theta, grad, state):
        g = _check_grad(grad, theta)
        b1, t = self.beta1, state.step + 1
        m = b1 * state.m + (1 - b1) * g
        u = np.maximum(self.beta2 * state.u, np.abs(g))
        m_over_u = np.divide(m, u, out=np.zeros_like(m), where=u > 0)
        return theta - self.lr / (1 - b1**t) * m_over_u, AdaMaxState(t, m, u)


@dataclass(frozen=True)
class Nadam:
    r"""Nadam: Adam with a Nesterov momentum term (Dozat 2016, as written by Ruder).

    .. math::

        m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t, \quad
        v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2, \quad
        \hat m_t = \frac{m_t}{1-\beta_1^t}, \quad \hat v_t = \frac{v_t}{1-\beta_2^t},

        \theta_t = \theta_{t-1} - \frac{\eta}{\sqrt{\hat v_t} + \epsilon}
        \left(\beta_1 \hat m_t + \frac{(1-\beta_1)\, g_t}{1-\beta_1^t}\right)

    Parameters
    ----------
    lr : float, default 0.002
        Learning rate :math:`\eta` (the default of Keras and torch).
    beta1, beta2 : float, default 0.9, 0.999
        Decay rates in [0, 1) (Adam's defaults, also those of Keras and torch).
    eps : float, default 1e-8
        :math:`\epsilon > 0` (Adam's default, Kingma & Ba 2015).

    Notes
    -----
    ``torch.optim.NAdam`` follows Dozat's paper more literally and differs in two ways:
    the momentum coefficient follows the schedule
    :math:`\mu_t = \beta_1 (1 - 0.5 \cdot 0.96^{t \psi})` (ψ = ``momentum_decay``,
    default 0.004, so :math:`\mu_t \approx 0.45` early on, rising to β1 only after
    thousands of steps), and the momentum term is corrected with
    :math:`1-\prod_{i\le t+1} \mu_i` instead of :math:`1-\beta_1^t`:

    .. math::

        \theta_t = \theta_{t-1} - \frac{\eta}{\sqrt{\hat v_t} + \epsilon}
        \left(\frac{\mu_{t+1} m_t}{1-\prod_{i=1}^{t+1}\mu_i}
        + \frac{(1-\mu_t)\, g_t}{1-\prod_{i=1}^{t}\mu_i}\right)

    On the first step this form moves by :math:`(1+\beta_1)\,\eta = 1.9\,\eta` (for
    :math:`|g| \gg \epsilon`); torch's defaults move by about :math:`1.06\,\eta`.

    Raises
    ------
    ValueError, TypeError
        When created with an invalid hyper-parameter (the message names it), and from
        ``step`` for a gradient of the wrong shape, dtype, or with inf/NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from gdlab import optim
    >>> opt = optim.Nadam(lr=0.01)
    >>> theta, state = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    >>> round(float(theta[0]), 6)      # 1 - (1 + beta1) * lr
    0.981

    References
    ----------
    Dozat, T. (2016). Incorporating Nesterov momentum into Adam. ICLR 2016 Workshop.
    """

    lr: float = 0.002
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8

    def __post_init__(self):
        _check_adam_hyperparameters(self)

    def init(self, theta):
        return AdamState(step=0, m=_zeros(theta), v=_zeros(theta))

    grad_point = _at_theta

    def step(self, theta, grad, state):
        g = _check_grad(grad, theta)
        b1, b2, t = self.beta1, self.beta2, state.step + 1
        m = b1 * state.m + (1 - b1) * g
        v = b2 * state.v + (1 - b2) * g * g
        m_hat = m / (1 - b1**t)
        v_hat = v / (1 - b2**t)
        nesterov = b1 * m_hat + (1 - b1) / (1 - b1**t) * g
        return theta - self.lr * nesterov / (np.sqrt(v_hat) + self.eps), AdamState(t, m, v)


@dataclass(frozen=True)
class AMSGrad:
    r"""AMSGrad: Adam whose second moment never decreases (paper form, no bias correction).

    .. math::

        m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t, \qquad
        v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2,

        \hat v_t = \max(\hat v_{t-1}, v_t), \qquad
        \theta_t = \theta_{t-1} - \frac{\alpha\, m_t}{\sqrt{\hat v_t} + \epsilon}

    with :math:`m_0 = v_0 = \hat v_0 = 0` (Reddi et al. 2018, Algorithm 2, with a
    constant step size and an ε added as in Adam).

    Parameters
    ----------
    lr : float, default 0.001
        Step size :math:`\alpha` (Adam's default; the analysis uses :math:`\alpha/\sqrt t`).
    beta1, beta2 : float, default 0.9, 0.999
        Decay rates in [0, 1) (Adam's defaults, Kingma & Ba 2015; Reddi et al. use
        β1 = 0.9 and β2 in {0.99, 0.999}).
    eps : float, default 1e-8
        :math:`\epsilon > 0` (Adam's default).

    Notes
    -----
    ``torch.optim.Adam(amsgrad=True)`` also keeps the running maximum of the
    *uncorrected* :math:`v_t`, but then bias-corrects like Adam:
    :math:`\theta_t = \theta_{t-1} - \frac{\alpha}{1-\beta_1^t}\, m_t /
    (\sqrt{\hat v_t / (1-\beta_2^t)} + \epsilon)`. The paper's early steps are
    therefore :math:`(1-\beta_1)/\sqrt{1-\beta_2} \approx 3.16` times larger on the
    first step (defaults), the ratio tending to 1 as t grows.

    Raises
    ------
    ValueError, TypeError
        When created with an invalid hyper-parameter (the message names it), and from
        ``step`` for a gradient of the wrong shape, dtype, or with inf/NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from gdlab import optim
    >>> opt = optim.AMSGrad(lr=0.01)
    >>> theta, state = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    >>> round(float(theta[0]), 6)      # 1 - 0.01 * 0.1 * 2 / sqrt(0.001 * 4)
    0.968377

    References
    ----------
    Reddi, S. J., Kale, S. & Kumar, S. (2018). On the convergence of Adam and beyond.
    ICLR 2018. arXiv:1904.09237.
    """

    lr: float = 0.001
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8

    def __post_init__(self):
        _check_adam_hyperparameters(self)

    def init(self, theta):
        return AMSGradState(step=0, m=_zeros(theta), v=_zeros(theta), v_hat=_zeros(theta))

    grad_point = _at_theta

    def step(self, theta, grad, state):
        g = _check_grad(grad, theta)
        b1, b2 = self.beta1, self.beta2
        m = b1 * state.m + (1 - b1) * g
        v = b2 * state.v + (1 - b2) * g * g
        v_hat = np.maximum(state.v_hat, v)
        new_theta = theta - self.lr * m / (np.sqrt(v_hat) + self.eps)
        return new_theta, AMSGradState(state.step + 1, m, v, v_hat)


@dataclass(frozen=True)
class AdamW:
    r"""AdamW: Adam with decoupled weight decay (Loshchilov & Hutter 2019, Algorithm 2).

    .. math::

        m_t, v_t, \hat m_t, \hat v_t \text{ as in Adam (on the loss gradient only)},

        \theta_t = \theta_{t-1} - \left(\frac{\alpha\, \hat m_t}{\sqrt{\hat v_t} + \epsilon}
        + \lambda\, \theta_{t-1}\right)

    (the paper's schedule multiplier :math:`\eta_t` is 1 here). The decay
    :math:`\lambda \theta` bypasses :math:`m_t, v_t`, unlike an L2 penalty
    :math:`\tfrac{\lambda}{2}\|\theta\|^2` added to the loss, which Adam would
    divide by :math:`\sqrt{\hat v_t}`.

    Parameters
    ----------
    lr : float, default 0.001
        Adam's step size :math:`\alpha` (Adam's default, Kingma & Ba 2015).
    beta1, beta2 : float, default 0.9, 0.999
        Decay rates in [0, 1) (Adam's defaults, also torch's).
    eps : float, default 1e-8
        :math:`\epsilon > 0` (Adam's default, also torch's).
    weight_decay : float, default 1e-5
        :math:`\lambda \ge 0`, the fraction of θ removed per step (not multiplied by
        α). 1e-5 = 0.001 × 0.01 makes ``AdamW()`` equal ``torch.optim.AdamW()``.

    Notes
    -----
    ``torch.optim.AdamW(lr, weight_decay=λ')`` multiplies θ by :math:`1 - \text{lr}\,\lambda'`,
    so it equals this class with ``weight_decay = lr * λ'``. In the paper λ is
    decoupled from α as well as from the gradient; in torch changing lr changes the decay.

    Raises
    ------
    ValueError, TypeError
        When created with an invalid hyper-parameter (the message names it), and from
        ``step`` for a gradient of the wrong shape, dtype, or with inf/NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from gdlab import optim
    >>> opt = optim.AdamW(lr=0.1, weight_decay=0.01)
    >>> theta, state = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    >>> round(float(theta[0]), 6)      # 1 - 0.1 (Adam's first step) - 0.01 * 1
    0.89

    References
    ----------
    Loshchilov, I. & Hutter, F. (2019). Decoupled weight decay regularization.
    ICLR 2019. arXiv:1711.05101.
    """

    lr: float = 0.001
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    weight_decay: float = 1e-5

    def __post_init__(self):
        _check_adam_hyperparameters(self)
        _check_number("weight_decay", self.weight_decay)

    def init(self, theta):
        return AdamState(step=0, m=_zeros(theta), v=_zeros(theta))

    grad_point = _at_theta

    def step(self, theta, grad, state):
        g = _check_grad(grad, theta)
        b1, b2, t = self.beta1, self.beta2, state.step + 1
        m = b1 * state.m + (1 - b1) * g
        v = b2 * state.v + (1 - b2) * g * g
        m_hat = m / (1 - b1**t)
        v_hat = v / (1 - b2**t)
        adam = self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
        return theta - (adam + self.weight_decay * theta), AdamState(t, m, v)


# ----------------------------------------------------------------------------
# Torch forms: ports of torch.optim's _single_tensor_* functions
# ----------------------------------------------------------------------------

class TorchSGDState(NamedTuple):
    """State of :class:`TorchSGD`: torch's ``momentum_buffer`` (None before step 1)."""
    step: int
    momentum_buffer: np.ndarray | None


@dataclass(frozen=True)
class TorchSGD:
    r"""``torch.optim.SGD`` (single-tensor algorithm), in NumPy.

    .. math::

        g \leftarrow g_t + \lambda \theta_{t-1}, \quad
        b_t = \begin{cases} g & t = 1 \\ \mu b_{t-1} + (1-\tau) g & t > 1 \end{cases},
        \quad d = \begin{cases} g + \mu b_t & \text{nesterov} \\ b_t & \text{else}\end{cases},
        \quad \theta_t = \theta_{t-1} - \text{lr}\; d

    (with μ = 0 the buffer is skipped and d = g).

    Parameters
    ----------
    lr : float, default 1e-3
    momentum : float, default 0
        μ ≥ 0.
    dampening : float, default 0
        τ, usually in [0, 1]; any finite value, as torch (not applied on the first step,
        as in torch).
    weight_decay : float, default 0
        λ ≥ 0, an L2 penalty added to the gradient.
    nesterov : bool, default False
        Needs momentum > 0 and dampening = 0 (as in torch).

    Raises
    ------
    ValueError, TypeError
        When created with an invalid hyper-parameter (the message names it), and from
        ``step`` for a gradient of the wrong shape, dtype, or with inf/NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from gdlab import optim
    >>> opt = optim.like_torch("SGD", lr=0.1, momentum=0.9)
    >>> theta, state = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    >>> theta, state = opt.step(theta, np.array([2.0]), state)
    >>> round(float(theta[0]), 6), round(float(state.momentum_buffer[0]), 6)
    (0.42, 3.8)

    References
    ----------
    Paszke, A. et al. (2019). PyTorch: An imperative style, high-performance deep
    learning library. NeurIPS 32. arXiv:1912.01703. (torch/optim/sgd.py)
    """

    lr: float = 1e-3
    momentum: float = 0.0
    dampening: float = 0.0
    weight_decay: float = 0.0
    nesterov: bool = False

    def __post_init__(self):
        _check_lr(self.lr)
        _check_number("momentum", self.momentum)
        _check_number("dampening", self.dampening, None)     # torch accepts any value
        _check_number("weight_decay", self.weight_decay)
        _check_flag("nesterov", self.nesterov)
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError("nesterov=True requires momentum > 0 and dampening = 0, "
                             f"got momentum={self.momentum!r}, dampening={self.dampening!r}")

    def init(self, theta):
        return TorchSGDState(step=0, momentum_buffer=None)

    grad_point = _at_theta

    def step(self, theta, grad, state):
        g = _check_grad(grad, theta)
        if self.weight_decay != 0:
            g = g + self.weight_decay * theta
        buf = state.momentum_buffer
        if self.momentum != 0:
            if buf is None:
                buf = np.array(g, dtype=np.result_type(g, theta))   # a copy
            else:
                buf = self.momentum * buf + (1 - self.dampening) * g
            g = g + self.momentum * buf if self.nesterov else buf
        return theta - self.lr * g, TorchSGDState(state.step + 1, buf)


class TorchAdagradState(NamedTuple):
    """State of :class:`TorchAdagrad`: torch's ``sum`` of squared gradients."""
    step: int
    sum: np.ndarray


@dataclass(frozen=True)
class TorchAdagrad:
    r"""``torch.optim.Adagrad`` (single-tensor, dense), in NumPy.

    .. math::

        g \leftarrow g_t + \lambda \theta_{t-1}, \quad
        \text{clr} = \frac{\text{lr}}{1 + (t-1)\,\text{lr\_decay}}, \quad
        s_t = s_{t-1} + g^2, \quad
        \theta_t = \theta_{t-1} - \text{clr}\, \frac{g}{\sqrt{s_t} + \epsilon}

    with :math:`s_0` = ``initial_accumulator_value`` (ε outside the root, as in
    Duchi et al. 2011; :class:`Adagrad` puts it inside, as Ruder 2016 writes it).

    Parameters
    ----------
    lr : float, default 1e-2
    lr_decay : float, default 0
    weight_decay : float, default 0
    initial_accumulator_value : float, default 0
    eps : float, default 1e-10

    Raises
    ------
    ValueError, TypeError
        When created with an invalid hyper-parameter (the message names it), and from
        ``step`` for a gradient of the wrong shape, dtype, or with inf/NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from gdlab import optim
    >>> opt = optim.like_torch("Adagrad", lr=0.1)
    >>> theta, state = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    >>> round(float(theta[0]), 6), float(state.sum[0])
    (0.9, 4.0)

    References
    ----------
    Paszke et al. (2019), torch/optim/adagrad.py. Duchi, J., Hazan, E. & Singer, Y.
    (2011). Adaptive subgradient methods for online learning and stochastic
    optimization. JMLR 12, 2121-2159.
    """

    lr: float = 1e-2
    lr_decay: float = 0.0
    weight_decay: float = 0.0
    initial_accumulator_value: float = 0.0
    eps: float = 1e-10

    def __post_init__(self):
        _check_lr(self.lr)
        _check_number("lr_decay", self.lr_decay)
        _check_number("weight_decay", self.weight_decay)
        _check_number("initial_accumulator_value", self.initial_accumulator_value)
        _check_eps(self.eps)

    def init(self, theta):
        return TorchAdagradState(step=0, sum=_zeros(theta) + self.initial_accumulator_value)

    grad_point = _at_theta

    def step(self, theta, grad, state):
        g = _check_grad(grad, theta)
        t = state.step + 1
        if self.weight_decay != 0:
            g = g + self.weight_decay * theta
        clr = self.lr / (1 + (t - 1) * self.lr_decay)
        s = state.sum + g * g
        std = np.sqrt(s)
        std += self.eps
        return theta - clr * (g / std), TorchAdagradState(t, s)


class TorchAdadeltaState(NamedTuple):
    """State of :class:`TorchAdadelta`: torch's ``square_avg`` and ``acc_delta``."""
    step: int
    square_avg: np.ndarray
    acc_delta: np.ndarray


@dataclass(frozen=True)
class TorchAdadelta:
    r"""``torch.optim.Adadelta`` (single-tensor), in NumPy.

    .. math::

        g \leftarrow g_t + \lambda\theta_{t-1}, \quad
        a_t = \rho a_{t-1} + (1-\rho) g^2, \quad
        \delta_t = \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{a_t + \epsilon}}\, g,

        u_t = \rho u_{t-1} + (1-\rho)\delta_t^2, \quad
        \theta_t = \theta_{t-1} - \text{lr}\; \delta_t

    Parameters
    ----------
    lr : float, default 1.0
    rho : float, default 0.9
        In [0, 1], as in torch (ρ = 1 freezes the averages at 0: plain SGD with ``lr``).
    eps : float, default 1e-6
    weight_decay : float, default 0

    Raises
    ------
    ValueError, TypeError
        When created with an invalid hyper-parameter (the message names it), and from
        ``step`` for a gradient of the wrong shape, dtype, or with inf/NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from gdlab import optim
    >>> opt = optim.like_torch("Adadelta")
    >>> theta, state = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    >>> round(float(theta[0]), 6)
    0.996838

    References
    ----------
    Paszke et al. (2019), torch/optim/adadelta.py. Zeiler, M. D. (2012). ADADELTA: An
    adaptive learning rate method. arXiv:1212.5701.
    """

    lr: float = 1.0
    rho: float = 0.9
    eps: float = 1e-6
    weight_decay: float = 0.0

    def __post_init__(self):
        _check_lr(self.lr)
        _check_number("rho", self.rho, 0.0, 1.0, high_open=False)   # [0, 1] as in torch
        _check_eps(self.eps)
        _check_number("weight_decay", self.weight_decay)

    def init(self, theta):
        return TorchAdadeltaState(step=0, square_avg=_zeros(theta),
                                  acc_delta=_zeros(theta))

    grad_point = _at_theta

    def step(self, theta, grad, state):
        g = _check_grad(grad, theta)
        rho, eps = self.rho, self.eps
        if self.weight_decay != 0:
            g = g + self.weight_decay * theta
        square_avg = state.square_avg * rho + (1 - rho) * g * g
        delta = np.sqrt(state.acc_delta + eps) / np.sqrt(square_avg + eps) * g
        acc_delta = state.acc_delta * rho + (1 - rho) * delta * delta
        return (theta - self.lr * delta,
                TorchAdadeltaState(state.step + 1, square_avg, acc_delta))


class TorchRMSpropState(NamedTuple):
    """State of :class:`TorchRMSprop` (``grad_avg`` / ``momentum_buffer`` None when unused)."""
    step: int
    square_avg: np.ndarray
    grad_avg: np.ndarray | None
    momentum_buffer: np.ndarray | None


@dataclass(frozen=True)
class TorchRMSprop:
    r"""``torch.optim.RMSprop`` (single-tensor), in NumPy.

    .. math::

        g \leftarrow g_t + \lambda\theta_{t-1}, \quad
        s_t = \alpha s_{t-1} + (1-\alpha) g^2, \quad
        \bar g_t = \alpha \bar g_{t-1} + (1-\alpha) g \ \text{(centered only)},

        r = \sqrt{s_t - \bar g_t^2} + \epsilon \ \text{(centered) or } \sqrt{s_t} + \epsilon,
        \quad b_t = \mu b_{t-1} + g / r, \quad \theta_t = \theta_{t-1} - \text{lr}\; b_t

    (without momentum: :math:`\theta_t = \theta_{t-1} - \text{lr}\; g/r`).

    Parameters
    ----------
    lr : float, default 1e-2
    alpha : float, default 0.99
        In [0, 1]. torch also accepts α > 1, which makes :math:`s_t` negative and the
        update NaN; this port refuses it.
    eps : float, default 1e-8
    weight_decay : float, default 0
    momentum : float, default 0
    centered : bool, default False

    Raises
    ------
    ValueError, TypeError
        When created with an invalid hyper-parameter (the message names it), and from
        ``step`` for a gradient of the wrong shape, dtype, or with inf/NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from gdlab import optim
    >>> opt = optim.like_torch("RMSprop", lr=0.01, alpha=0.9)
    >>> theta, state = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    >>> round(float(theta[0]), 6)
    0.968377

    References
    ----------
    Paszke et al. (2019), torch/optim/rmsprop.py. Tieleman, T. & Hinton, G. (2012).
    Lecture 6.5 - RMSprop. COURSERA: Neural Networks for Machine Learning.
    """

    lr: float = 1e-2
    alpha: float = 0.99
    eps: float = 1e-8
    weight_decay: float = 0.0
    momentum: float = 0.0
    centered: bool = False

    def __post_init__(self):
        _check_lr(self.lr)
        _check_number("alpha", self.alpha, 0.0, 1.0, high_open=False)
        _check_eps(self.eps)
        _check_number("weight_decay", self.weight_decay)
        _check_number("momentum", self.momentum)
        _check_flag("centered", self.centered)

    def init(self, theta):
        return TorchRMSpropState(
            step=0, square_avg=_zeros(theta),
            grad_avg=_zeros(theta) if self.centered else None,
            momentum_buffer=_zeros(theta) if self.momentum > 0 else None)

    grad_point = _at_theta

    def step(self, theta, grad, state):
        g = _check_grad(grad, theta)
        alpha = self.alpha
        if self.weight_decay != 0:
            g = g + self.weight_decay * theta
        square_avg = state.square_avg * alpha + (1 - alpha) * g * g
        grad_avg = buf = None
        if self.centered:
            grad_avg = _lerp(state.grad_avg, g, 1 - alpha)
            avg = np.sqrt(square_avg - grad_avg * grad_avg)
        else:
            avg = np.sqrt(square_avg)
        avg += self.eps
        if self.momentum > 0:
            buf = state.momentum_buffer * self.momentum + g / avg
            new_theta = theta - self.lr * buf
        else:
            new_theta = theta - self.lr * (g / avg)
        return new_theta, TorchRMSpropState(state.step + 1, square_avg, grad_avg, buf)


class TorchAdamState(NamedTuple):
    """State of :class:`TorchAdam` / :class:`TorchAdamW` (``max_exp_avg_sq`` None unless amsgrad)."""
    step: int
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray
    max_exp_avg_sq: np.ndarray | None


@dataclass(frozen=True)
class TorchAdam:
    r"""``torch.optim.Adam`` (single-tensor), in NumPy.

    .. math::

        g \leftarrow g_t + \lambda\theta_{t-1}, \quad
        m_t = \beta_1 m_{t-1} + (1-\beta_1) g, \quad
        v_t = \beta_2 v_{t-1} + (1-\beta_2) g^2, \quad
        \tilde v_t = \max(\tilde v_{t-1}, v_t) \text{ if amsgrad else } v_t,

        \theta_t = \theta_{t-1} - \frac{\text{lr}}{1-\beta_1^t}\,
        \frac{m_t}{\sqrt{\tilde v_t}/\sqrt{1-\beta_2^t} + \epsilon}

    :class:`TorchAdamW` replaces the L2 term by :math:`\theta \leftarrow (1-\text{lr}\,\lambda)\,\theta`
    before the update.

    Parameters
    ----------
    lr : float, default 1e-3
    betas : tuple of float, default (0.9, 0.999)
    eps : float, default 1e-8
    weight_decay : float, default 0 (0.01 for TorchAdamW)
    amsgrad : bool, default False

    Raises
    ------
    ValueError, TypeError
        When created with an invalid hyper-parameter (the message names it), and from
        ``step`` for a gradient of the wrong shape, dtype, or with inf/NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from gdlab import optim
    >>> opt = optim.like_torch("Adam", lr=0.1, amsgrad=True)
    >>> theta, state = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    >>> round(float(theta[0]), 6), round(float(state.max_exp_avg_sq[0]), 6)
    (0.9, 0.004)

    References
    ----------
    Paszke et al. (2019), torch/optim/adam.py and adamw.py. Kingma & Ba (2015),
    arXiv:1412.6980; Reddi et al. (2018), arXiv:1904.09237; Loshchilov & Hutter
    (2019), arXiv:1711.05101.
    """

    lr: float = 1e-3
    betas: tuple = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0
    amsgrad: bool = False
    decoupled: ClassVar[bool] = False

    def __post_init__(self):
        _check_lr(self.lr)
        _check_betas(self)
        _check_eps(self.eps)
        _check_number("weight_decay", self.weight_decay)
        _check_flag("amsgrad", self.amsgrad)

    def init(self, theta):
        return TorchAdamState(step=0, exp_avg=_zeros(theta),
                              exp_avg_sq=_zeros(theta),
                              max_exp_avg_sq=_zeros(theta) if self.amsgrad else None)

    grad_point = _at_theta

    def step(self, theta, grad, state):
        g = _check_grad(grad, theta)
        (b1, b2), t = self.betas, state.step + 1
        if self.weight_decay != 0:
            if self.decoupled:
                theta = theta * (1 - self.lr * self.weight_decay)
            else:
                g = g + self.weight_decay * theta
        exp_avg = _lerp(state.exp_avg, g, 1 - b1)
        exp_avg_sq = state.exp_avg_sq * b2 + (1 - b2) * g * g
        max_sq = None
        if self.amsgrad:
            max_sq = np.maximum(state.max_exp_avg_sq, exp_avg_sq)
        step_size = self.lr / (1 - b1**t)
        denom = np.sqrt(max_sq if self.amsgrad else exp_avg_sq)
        denom /= (1 - b2**t) ** 0.5
        denom += self.eps
        return theta - step_size * (exp_avg / denom), TorchAdamState(t, exp_avg, exp_avg_sq, max_sq)


@dataclass(frozen=True)
class TorchAdamW(TorchAdam):
    r"""``torch.optim.AdamW``: :class:`TorchAdam` with decoupled weight decay.

    .. math::

        \theta \leftarrow (1 - \text{lr}\,\lambda)\,\theta_{t-1}, \text{ then Adam's update
        (without the L2 term)}

    Parameters
    ----------
    lr, betas, eps, amsgrad
        As :class:`TorchAdam`.
    weight_decay : float, default 0.01

    Raises
    ------
    ValueError, TypeError
        When created with an invalid hyper-parameter (the message names it), and from
        ``step`` for a gradient of the wrong shape, dtype, or with inf/NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from gdlab import optim
    >>> opt = optim.like_torch("AdamW", lr=0.1, weight_decay=0.1)
    >>> theta, state = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    >>> round(float(theta[0]), 6)     # 1 * (1 - 0.1 * 0.1) - 0.1
    0.89

    References
    ----------
    Paszke et al. (2019), torch/optim/adamw.py. Loshchilov, I. & Hutter, F. (2019).
    Decoupled weight decay regularization. ICLR 2019. arXiv:1711.05101.
    """

    weight_decay: float = 0.01
    decoupled: ClassVar[bool] = True


class TorchNAdamState(NamedTuple):
    r"""State of :class:`TorchNAdam`: moments and :math:`\prod_{i \le t} \mu_i` (``mu_product``)."""
    step: int
    mu_product: float
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray


@dataclass(frozen=True)
class TorchNAdam:
    r"""``torch.optim.NAdam`` (single-tensor, L2 weight decay), in NumPy.

    .. math::

        g \leftarrow g_t + \lambda\theta_{t-1}, \quad
        \mu_t = \beta_1\left(1 - \tfrac12\, 0.96^{t\psi}\right), \quad
        m_t = \beta_1 m_{t-1} + (1-\beta_1) g, \quad
        v_t = \beta_2 v_{t-1} + (1-\beta_2) g^2,

        \theta_t = \theta_{t-1} - \frac{\text{lr}}{\sqrt{v_t/(1-\beta_2^t)} + \epsilon}
        \left(\frac{(1-\mu_t)\, g}{1-\prod_{i=1}^{t}\mu_i}
        + \frac{\mu_{t+1}\, m_t}{1-\prod_{i=1}^{t+1}\mu_i}\right)

    with ψ = ``momentum_decay``.

    Parameters
    ----------
    lr : float, default 2e-3
    betas : tuple of float, default (0.9, 0.999)
    eps : float, default 1e-8
    weight_decay : float, default 0
    momentum_decay : float, default 4e-3

    Notes
    -----
    torch stores ``mu_product`` in float32 unless ``torch.get_default_dtype()`` is
    float64; this class keeps a Python float, i.e. it matches torch run with a
    float64 default dtype (otherwise the coefficients differ by ~1e-7 relative; the
    iterates, in our Rosenbrock test, by ~1e-11 after 50 steps).

    Raises
    ------
    ValueError, TypeError
        When created with an invalid hyper-parameter (the message names it), and from
        ``step`` for a gradient of the wrong shape, dtype, or with inf/NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from gdlab import optim
    >>> opt = optim.like_torch("NAdam", lr=0.01)
    >>> theta, state = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    >>> round(float(theta[0]), 6), round(state.mu_product, 6)
    (0.989435, 0.450073)

    References
    ----------
    Paszke et al. (2019), torch/optim/nadam.py. Dozat, T. (2016). Incorporating
    Nesterov momentum into Adam. ICLR 2016 Workshop.
    """

    lr: float = 2e-3
    betas: tuple = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0
    momentum_decay: float = 4e-3

    def __post_init__(self):
        _check_lr(self.lr)
        _check_betas(self)
        _check_eps(self.eps)
        _check_number("weight_decay", self.weight_decay)
        _check_number("momentum_decay", self.momentum_decay)

    def init(self, theta):
        return TorchNAdamState(step=0, mu_product=1.0, exp_avg=_zeros(theta),
                               exp_avg_sq=_zeros(theta))

    grad_point = _at_theta

    def step(self, theta, grad, state):
        g = _check_grad(grad, theta)
        (b1, b2), t, psi = self.betas, state.step + 1, self.momentum_decay
        if self.weight_decay != 0:
            g = g + self.weight_decay * theta
        mu = b1 * (1.0 - 0.5 * 0.96 ** (t * psi))
        mu_next = b1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
        mu_product = state.mu_product * mu
        mu_product_next = mu_product * mu_next
        exp_avg = _lerp(state.exp_avg, g, 1 - b1)
        exp_avg_sq = state.exp_avg_sq * b2 + (1 - b2) * g * g
        denom = np.sqrt(exp_avg_sq / (1 - b2**t))
        denom += self.eps
        new_theta = theta + (-self.lr * (1 - mu) / (1 - mu_product)) * (g / denom)
        new_theta += (-self.lr * mu_next / (1 - mu_product_next)) * (exp_avg / denom)
        return new_theta, TorchNAdamState(t, mu_product, exp_avg, exp_avg_sq)


class TorchAdamaxState(NamedTuple):
    """State of :class:`TorchAdamax`: ``exp_avg`` and ``exp_inf``."""
    step: int
    exp_avg: np.ndarray
    exp_inf: np.ndarray


@dataclass(frozen=True)
class TorchAdamax:
    r"""``torch.optim.Adamax`` (single-tensor), in NumPy.

    .. math::

        g \leftarrow g_t + \lambda\theta_{t-1}, \quad
        m_t = \beta_1 m_{t-1} + (1-\beta_1) g, \quad
        u_t = \max(\beta_2 u_{t-1}, |g| + \epsilon), \quad
        \theta_t = \theta_{t-1} - \frac{\text{lr}}{1-\beta_1^t} \frac{m_t}{u_t}

    Parameters
    ----------
    lr : float, default 2e-3
    betas : tuple of float, default (0.9, 0.999)
    eps : float, default 1e-8
    weight_decay : float, default 0

    Raises
    ------
    ValueError, TypeError
        When created with an invalid hyper-parameter (the message names it), and from
        ``step`` for a gradient of the wrong shape, dtype, or with inf/NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from gdlab import optim
    >>> opt = optim.like_torch("Adamax", lr=0.1)
    >>> theta, state = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    >>> round(float(theta[0]), 6)
    0.9

    References
    ----------
    Paszke et al. (2019), torch/optim/adamax.py. Kingma & Ba (2015), §7.1,
    arXiv:1412.6980.
    """

    lr: float = 2e-3
    betas: tuple = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0

    def __post_init__(self):
        _check_lr(self.lr)
        _check_betas(self)
        _check_eps(self.eps)
        _check_number("weight_decay", self.weight_decay)

    def init(self, theta):
        return TorchAdamaxState(step=0, exp_avg=_zeros(theta),
                                exp_inf=_zeros(theta))

    grad_point = _at_theta

    def step(self, theta, grad, state):
        g = _check_grad(grad, theta)
        (b1, b2), t = self.betas, state.step + 1
        if self.weight_decay != 0:
            g = g + self.weight_decay * theta
        exp_avg = _lerp(state.exp_avg, g, 1 - b1)
        exp_inf = np.maximum(state.exp_inf * b2, np.abs(g) + self.eps)
        clr = self.lr / (1 - b1**t)
        return theta - clr * (exp_avg / exp_inf), TorchAdamaxState(t, exp_avg, exp_inf)


_TORCH_FORMS = {
    "SGD": TorchSGD,
    "Adagrad": TorchAdagrad,
    "Adadelta": TorchAdadelta,
    "RMSprop": TorchRMSprop,
    "Adam": TorchAdam,
    "AdamW": TorchAdamW,
    "NAdam": TorchNAdam,
    "Adamax": TorchAdamax,
}


def like_torch(name, **kwargs):
    r"""A gdlab optimizer whose trajectory equals ``torch.optim.<name>(params, **kwargs)``.

    .. math::

        \theta^{\text{gdlab}}_t = \theta^{\text{torch}}_t \quad (t = 0, 1, 2, \dots,
        \text{ up to rounding})

    Parameters
    ----------
    name : str
        One of ``"SGD", "Adagrad", "Adadelta", "RMSprop", "Adam", "AdamW", "NAdam",
        "Adamax"`` (torch's spelling).
    **kwargs
        torch's keywords, with torch's defaults: SGD (lr, momentum, dampening,
        weight_decay, nesterov); Adagrad (lr, lr_decay, weight_decay,
        initial_accumulator_value, eps); Adadelta (lr, rho, eps, weight_decay);
        RMSprop (lr, alpha, eps, weight_decay, momentum, centered); Adam and AdamW
        (lr, betas, eps, weight_decay, amsgrad); NAdam (lr, betas, eps, weight_decay,
        momentum_decay); Adamax (lr, betas, eps, weight_decay).

    Returns
    -------
    TorchSGD, TorchAdagrad, TorchAdadelta, TorchRMSprop, TorchAdam, TorchAdamW, TorchNAdam or TorchAdamax
        Ports of torch's single-tensor algorithms (torch's state names:
        ``state.exp_avg``, ``state.momentum_buffer``, ...).

    Raises
    ------
    ValueError
        Unknown optimizer name, or a hyper-parameter out of range.
    TypeError
        A keyword that torch.optim.<name> does not have (or we do not support, such
        as ``maximize`` or ``foreach``), or a hyper-parameter of the wrong type.

    Notes
    -----
    Hyper-parameters are checked like torch 2.x checks them, with these differences:

    - ``eps`` must be > 0 (torch accepts 0, which divides 0 by 0 where a gradient
      and its averages are 0);
    - RMSprop's ``alpha`` must be in [0, 1] (torch accepts any α >= 0; α > 1 makes
      the average of squares negative and the update NaN);
    - the values of every other keyword are as torch allows them, e.g. Adadelta's
      ``rho = 1``, SGD's ``dampening = 1.5`` or RMSprop's ``alpha = 1`` (tested equal
      to torch); as in torch, ``betas`` are in [0, 1) and ``nesterov=True`` needs
      ``momentum > 0`` and ``dampening = 0``;
    - a wrong *type* (``lr="0.1"``, ``amsgrad=1``) is a ``TypeError``, where torch
      often fails later or not at all.

    ``betas`` may be given as a list; it is stored as a tuple, so the optimizer
    stays hashable.

    Examples
    --------
    >>> from gdlab import optim
    >>> optim.like_torch("SGD", lr=0.1, momentum=0.9)
    TorchSGD(lr=0.1, momentum=0.9, dampening=0.0, weight_decay=0.0, nesterov=False)
    >>> optim.like_torch("Nadam")
    Traceback (most recent call last):
    ...
    ValueError: unknown torch optimizer 'Nadam' (did you mean 'NAdam'?); known: SGD, Adagrad, Adadelta, RMSprop, Adam, AdamW, NAdam, Adamax

    References
    ----------
    Paszke, A. et al. (2019). PyTorch: An imperative style, high-performance deep
    learning library. NeurIPS 32. arXiv:1912.01703.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string such as 'Adam', got {name!r}")
    if name not in _TORCH_FORMS:
        lower = {k.lower(): k for k in _TORCH_FORMS}
        close = [lower[c] for c in difflib.get_close_matches(name.lower(), lower, n=1)]
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(f"unknown torch optimizer {name!r}{hint}; "
                         f"known: {', '.join(_TORCH_FORMS)}")
    cls = _TORCH_FORMS[name]
    known = [f.name for f in fields(cls)]
    unknown = [k for k in kwargs if k not in known]
    if unknown:
        raise TypeError(f"like_torch({name!r}) got unknown keyword(s) "
                        f"{', '.join(map(repr, unknown))}; supported: {', '.join(known)}")
    return cls(**kwargs)


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
# Adapter: a gdlab optimizer as a torch.optim.Optimizer
# ----------------------------------------------------------------------------

def _same_value(a, b):
    """``a == b`` for hyper-parameters (numbers, tuples, lists), False if undecidable."""
    try:
        return bool(a == b)
    except (TypeError, ValueError, RuntimeError):
        return False


@functools.cache
def _torch_adapter_class():
    """Build the ``TorchAdapter`` class (imports torch; done once, on first use)."""
    import torch

    class TorchAdapter(torch.optim.Optimizer):
        r"""A ``torch.optim.Optimizer`` that applies a gdlab optimizer to torch tensors.

        .. math::

            \theta_p, s_p \leftarrow \text{gdlab\_optimizer.step}(\theta_p, \nabla_p L, s_p)
            \quad \text{for every parameter tensor } p

        One gdlab state per parameter tensor, in ``self.state[p]["gdlab"]``. Each
        ``step`` copies every parameter and gradient to a float64 NumPy array and
        the new value back (CPU round trip: about 3 extra passes over the
        parameters per step, plus a device transfer on GPU); fine for the course's
        small models, not for speed.

        Parameters
        ----------
        params : iterable of torch.Tensor or dicts
            As for any torch optimizer. Parameter groups work as in torch: the
            optimizer's hyper-parameters (its dataclass fields, e.g. ``lr``,
            ``gamma``, ``betas``) are the ``defaults``, a group may override them,
            and a learning-rate scheduler may change a group's ``"lr"``.
        optimizer : gdlab optimizer

        Notes
        -----
        A group whose hyper-parameters differ from the optimizer's is stepped with
        ``dataclasses.replace(optimizer, lr=group["lr"], ...)``; the state (moments,
        step counter) is kept. So under ``torch.optim.lr_scheduler.StepLR`` a gdlab
        ``GD`` or ``Adam`` follows the same path as torch's ``SGD`` or ``Adam``
        (``Momentum`` does not: the paper form scales only the new gradient by the
        new rate). An optimizer without a learning rate (``Adadelta``) cannot be
        used with a learning-rate scheduler (torch raises ``KeyError: 'lr'``).

        If the optimizer takes gradients elsewhere than at θ (NAG), ``step`` needs
        a ``closure`` that zeroes the gradients, recomputes the loss and calls
        ``backward()``: the parameters are moved to the look-ahead point, the
        closure runs there (so the loss it returns is the look-ahead loss), and the
        update is applied from the original point.
        """

        def __init__(self, params, optimizer):
            for method in ("init", "grad_point", "step"):
                if not callable(getattr(optimizer, method, None)):
                    raise TypeError("optimizer must be a gdlab optimizer (init, grad_point, "
                                    f"step), got {optimizer!r}")
            if dataclasses.is_dataclass(optimizer):
                defaults = {f.name: getattr(optimizer, f.name) for f in dataclasses.fields(optimizer)}
            else:
                defaults = {"lr": optimizer.lr} if hasattr(optimizer, "lr") else {}
            super().__init__(params, defaults=defaults)
            self.gdlab_optimizer = optimizer

        def _optimizer_for(self, group):
            """The gdlab optimizer with the hyper-parameters of a parameter group."""
            opt = self.gdlab_optimizer
            changes = {k: group[k] for k in self.defaults
                       if k in group and not _same_value(group[k], getattr(opt, k))}
            if not changes:
                return opt
            if not dataclasses.is_dataclass(opt):
                raise TypeError(f"a parameter group sets {sorted(changes)}, which cannot be applied "
                                f"to {type(opt).__name__} (not a dataclass)")
            return dataclasses.replace(opt, **changes)

        @torch.no_grad()
        def step(self, closure=None):
            entries = []                                # (gdlab optimizer, parameter, theta)
            for group in self.param_groups:
                opt = self._optimizer_for(group)
                entries += [(opt, p) for p in group["params"]]
            params = [p for _, p in entries]
            thetas, points = [], []
            for opt, p in entries:
                theta = p.detach().cpu().numpy().astype(np.float64, copy=True)
                if "gdlab" not in self.state[p]:
                    self.state[p]["gdlab"] = opt.init(theta)
                thetas.append(theta)
                points.append(opt.grad_point(theta, self.state[p]["gdlab"]))
            loss = None
            if any(point is not theta for point, theta in zip(points, thetas)):
                if closure is None:
                    names = sorted({type(opt).__name__ for opt, _ in entries})
                    raise ValueError(f"{', '.join(names)} evaluates the gradient at a "
                                     "look-ahead point: call step(closure) with a closure "
                                     "that recomputes the loss and calls backward()")
                for p, point in zip(params, points):
                    p.copy_(torch.from_numpy(np.asarray(point)))
                with torch.enable_grad():
                    loss = closure()
                for p, theta in zip(params, thetas):
                    p.copy_(torch.from_numpy(theta))
            elif closure is not None:
                with torch.enable_grad():
                    loss = closure()
            for (opt, p), theta in zip(entries, thetas):
                if p.grad is None:
                    continue
                grad = p.grad.detach().cpu().numpy().astype(np.float64, copy=False)
                new_theta, self.state[p]["gdlab"] = opt.step(theta, grad, self.state[p]["gdlab"])
                p.copy_(torch.from_numpy(np.asarray(new_theta)))
            return loss

    TorchAdapter.__module__ = __name__
    return TorchAdapter


def __getattr__(name):
    # PEP 562: ``gdlab.optim.TorchAdapter`` imports torch only when asked for.
    if name == "TorchAdapter":
        return _torch_adapter_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def as_torch_optimizer(gdlab_optimizer, params):
    r"""Wrap a gdlab optimizer as a ``torch.optim.Optimizer`` (e.g. for ``gdlab.train``).

    .. math::

        \theta_p, s_p \leftarrow \text{gdlab\_optimizer.step}(\theta_p, \nabla_p L, s_p)
        \quad \text{for every parameter tensor } p

    Parameters
    ----------
    gdlab_optimizer : gdlab optimizer
        Any object with ``init``, ``grad_point`` and ``step`` (e.g. ``Adam()`` or
        ``like_torch("Adam", lr=1e-2)``).
    params : iterable of torch.Tensor or dicts
        E.g. ``model.parameters()``, or parameter groups such as
        ``[{"params": ..., "lr": 0.1}, ...]``: a group may override any
        hyper-parameter of the optimizer, and torch's learning-rate schedulers
        work (see :class:`TorchAdapter`).

    Returns
    -------
    TorchAdapter
        A ``torch.optim.Optimizer`` subclass: ``zero_grad()``, ``step(closure=None)``.
        One gdlab state per parameter tensor; parameters and gradients go through
        float64 NumPy copies at every step (cost: a few extra passes over the
        parameters; fine for small models). :class:`NAG` requires ``step(closure)``.

    Raises
    ------
    TypeError
        If ``gdlab_optimizer`` lacks the interface.

    Examples
    --------
    >>> import torch
    >>> from gdlab import optim
    >>> w = torch.tensor([1.0, -2.0], dtype=torch.float64, requires_grad=True)
    >>> opt = optim.as_torch_optimizer(optim.GD(lr=0.25), [w])
    >>> for _ in range(2):
    ...     opt.zero_grad()
    ...     (w ** 2).sum().backward()
    ...     opt.step()
    >>> w.tolist()
    [0.25, -0.5]

    References
    ----------
    Paszke, A. et al. (2019). PyTorch: An imperative style, high-performance deep
    learning library. NeurIPS 32. arXiv:1912.01703.
    """
    return _torch_adapter_class()(params, gdlab_optimizer)
