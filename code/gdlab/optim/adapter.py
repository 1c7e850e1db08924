r"""A gdlab optimizer as a ``torch.optim.Optimizer``: :func:`as_torch_optimizer`.

Importing this module does not import torch; the adapter class is built on first use.
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np


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

    TorchAdapter.__module__ = "gdlab.optim"
    TorchAdapter.__qualname__ = "TorchAdapter"
    return TorchAdapter


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
