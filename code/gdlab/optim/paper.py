r"""Paper forms: the update rules of the original papers, as Ruder's survey writes them.

See :mod:`gdlab.optim` for the conventions (``init``, ``grad_point``, ``step``) and how
each relates to ``torch.optim``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from gdlab.optim._common import (
    _at_theta, _check_adam_hyperparameters, _check_eps, _check_grad, _check_lr, _check_number,
    _check_rate, _new_arrays, _zeros,
)


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


