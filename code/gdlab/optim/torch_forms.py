r"""Torch forms: line-by-line NumPy ports of ``torch.optim``'s single-tensor algorithms.

Get one with :func:`like_torch`, e.g. ``like_torch("Adam", lr=1e-2)``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, fields
from typing import ClassVar, NamedTuple

import numpy as np

from gdlab.optim._common import (
    _at_theta, _check_betas, _check_eps, _check_flag, _check_grad, _check_lr, _check_number,
    _lerp, _zeros,
)


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


