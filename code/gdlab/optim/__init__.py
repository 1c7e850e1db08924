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
   the papers' names and defaults. Where the survey departs from its paper (the
   place of ε in Adagrad and RMSprop), the class follows the survey and says so.
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
Adagrad       Adagrad(lr, eps)                            ε inside the root (Ruder) vs outside (torch,
                                                          and Duchi et al.'s δ)
Adadelta      Adadelta(lr=1.0, rho, eps)                  equal
RMSprop       RMSprop(lr, alpha=γ, eps)                   ε inside the root (Ruder) vs outside (torch;
                                                          Hinton's slides have no ε)
Adam          Adam(lr, betas, eps)                        equal
AdaMax        Adamax(lr, betas, eps)                      torch adds ε to :math:`|g|`; equal as ε → 0
Nadam         NAdam(lr, betas, eps, momentum_decay)       differ: torch uses Dozat's μ_t schedule and
                                                          :math:`1-\prod_{i\le t+1}\mu_i` for the momentum term
AMSGrad       Adam(lr, betas, eps, amsgrad=True)          differ: the paper has no bias correction
AdamW         AdamW(lr, betas, eps, weight_decay=λ/lr)    equal; the paper's λ is not multiplied by the lr
============  ==========================================  ======================================================

Other public names: :func:`run`, :func:`run_many`, :func:`run_minibatch`, :func:`like_torch`, :func:`as_torch_optimizer`,
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
place. ``Adam`` and ``Momentum`` write their results with ``out=`` into new, separate
arrays (no temporaries); the others are written as plainly as the formulas.
``tests/bench_optim.py`` measures them against torch.

The package's files are its families: ``paper`` (the paper forms and their states),
``torch_forms`` (the torch forms and :func:`like_torch`), ``runner`` (:func:`run`,
:func:`run_many`, :func:`run_minibatch` and :class:`DivergenceError`) and ``adapter``
(:func:`as_torch_optimizer`). Import the package, not the files:
``from gdlab import optim; optim.Adam``.

References
----------
Ruder, S. (2016). An overview of gradient descent optimization algorithms.
arXiv:1609.04747.

Paszke, A. et al. (2019). PyTorch: An imperative style, high-performance deep
learning library. NeurIPS 32. arXiv:1912.01703.
"""

from __future__ import annotations

from gdlab.optim.adapter import _torch_adapter_class, as_torch_optimizer
from gdlab.optim.paper import (
    GD, AdaMax, AdaMaxState, Adadelta, AdadeltaState, Adagrad, AdagradState, Adam, AdamState,
    AdamW, AMSGrad, AMSGradState, GDState, Momentum, MomentumState, Nadam, NAG, RMSprop,
    RMSpropState,
)
from gdlab.optim.runner import DivergenceError, MinibatchRun, Runs, run, run_many, run_minibatch
from gdlab.optim.torch_forms import (
    TorchAdadelta, TorchAdadeltaState, TorchAdagrad, TorchAdagradState, TorchAdam, TorchAdamax,
    TorchAdamaxState, TorchAdamState, TorchAdamW, TorchNAdam, TorchNAdamState, TorchRMSprop,
    TorchRMSpropState, TorchSGD, TorchSGDState, like_torch,
)

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
    "run", "run_many", "run_minibatch", "Runs", "MinibatchRun", "like_torch", "as_torch_optimizer", "DivergenceError", "TorchAdapter",
]

# The public names belong to the package: messages, tracebacks and the documentation say
# ``gdlab.optim.Adam``, whichever file defines it.
for _name in __all__:
    if _name != "TorchAdapter":
        globals()[_name].__module__ = __name__
del _name


def __getattr__(name):
    # PEP 562: ``gdlab.optim.TorchAdapter`` imports torch only when asked for.
    if name == "TorchAdapter":
        return _torch_adapter_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
