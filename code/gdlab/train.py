r"""A short, readable PyTorch training loop for the later chapters.

::

    from gdlab import data, train
    train_loader, val_loader, test_loader = data.digits_loaders(batch_size=64, seed=0)
    torch.manual_seed(0)
    model = torch.nn.Linear(64, 10)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    history = train.fit(model, opt, torch.nn.CrossEntropyLoss(), train_loader, val_loader, epochs=5)
    train.evaluate(model, test_loader, torch.nn.CrossEntropyLoss())   # Evaluation(loss=..., accuracy=...)

Choices made here (so results are repeatable and the built book stays quiet):

* CPU by default. ``device="auto"`` uses CUDA when present (GPU kernels may be
  non-deterministic, so runs can then differ in the last digits).
* No progress bar unless ``progress=True`` (tests and the book build stay silent).
* ``seed`` re-seeds torch's global RNG at the start of :func:`fit` (dropout, loaders
  without their own generator) and restarts the shuffling of a loader made by
  :func:`gdlab.data.make_loader`, so runs that start from the same weights are identical
  even when they reuse the loaders (seed the model's initialisation yourself).
* Accuracy is recorded only for classification (integer targets, or ``classification=True``);
  for regression the accuracy fields of :class:`History` are ``None``.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from dataclasses import dataclass, field
from typing import NamedTuple

import torch
from tqdm import tqdm

from gdlab import _validate, optim

__all__ = ["DivergenceError", "History", "Evaluation", "accuracy", "evaluate", "fit"]


#: Raised by :func:`fit` when a loss or a parameter becomes NaN or infinite. The same class as
#: :class:`gdlab.optim.DivergenceError` (attributes ``epoch``, ``step``, ``loss``), so
#: ``except optim.DivergenceError`` catches the divergence of a training run too.
DivergenceError = optim.DivergenceError


def _first_nonfinite(named_tensors):
    """``(name, value, index)`` of the first NaN/inf entry among named tensors, or None."""
    for name, t in named_tensors:
        if t is None:
            continue
        finite = torch.isfinite(t.detach())
        if not bool(finite.all()):
            index = tuple(int(i) for i in (~finite).nonzero()[0])
            return name, t.detach()[index].item(), index
    return None


@dataclass
class History:
    r"""Per-epoch record of a :func:`fit` run (one list entry per epoch).

    .. math::

        \text{best\_epoch} = \arg\min_{e} L_\text{val}(e) \quad (\text{first one, 1-based})

    Attributes
    ----------
    epoch : list of int
        1, 2, ..., number of epochs run.
    train_loss, train_accuracy, val_loss, val_accuracy : list of float or None
        A field that does not apply is ``None``: ``val_*`` without a validation loader,
        ``*_accuracy`` for regression.
    best_epoch : int or None
        Epoch with the lowest validation loss (``None`` without validation).
    stopped_early : bool
        Whether early stopping ended the run before ``epochs``.

    Examples
    --------
    >>> h = History(epoch=[1, 2], train_loss=[0.9, 0.5], train_accuracy=None,
    ...             val_loss=[0.8, 0.7], val_accuracy=None, best_epoch=2)
    >>> len(h), h.as_dict()["val_loss"]
    (2, [0.8, 0.7])

    References
    ----------
    L. Prechelt, "Early stopping — but when?", in *Neural Networks: Tricks of the Trade*,
    LNCS 1524, Springer, 1998, doi:10.1007/3-540-49430-8_3.
    """

    epoch: list = field(default_factory=list)
    train_loss: list = field(default_factory=list)
    train_accuracy: list | None = field(default_factory=list)
    val_loss: list | None = field(default_factory=list)
    val_accuracy: list | None = field(default_factory=list)
    best_epoch: int | None = None
    stopped_early: bool = False

    def __len__(self):
        return len(self.epoch)

    def as_dict(self):
        """The history as a plain dict (e.g. for ``pandas.DataFrame`` or JSON)."""
        return dataclasses.asdict(self)


class Evaluation(NamedTuple):
    r"""Result of :func:`evaluate`: mean loss and accuracy (``None`` for regression).

    .. math::

        \text{loss} = \frac{1}{n} \sum_i \ell(f(x_i), y_i), \qquad
        \text{accuracy} = \frac{1}{n} \sum_i [\hat y_i = y_i]

    Examples
    --------
    >>> Evaluation(loss=0.25, accuracy=None).loss
    0.25

    References
    ----------
    I. Goodfellow, Y. Bengio, A. Courville, *Deep Learning*, MIT Press, 2016, sec. 5.1.
    """

    loss: float
    accuracy: float | None


def accuracy(outputs, targets):
    r"""Fraction of correct predictions.

    .. math::

        \text{acc} = \frac{1}{n} \sum_{i=1}^n [\hat y_i = y_i], \quad
        \hat y_i = \begin{cases} \arg\max_k o_{ik} & \text{scores of shape } (n, C),\ C > 1 \\
        [o_i > 0] & \text{one logit per sample (binary, as for BCEWithLogitsLoss)} \end{cases}

    Parameters
    ----------
    outputs : torch.Tensor, shape (n, C) or (n,) or (n, 1)
        Class scores/logits (any monotone transform of probabilities works for argmax).
    targets : torch.Tensor, shape (n,)
        Class indices, or 0/1 labels for the binary case.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``outputs`` and ``targets`` hold a different number of samples.

    Examples
    --------
    >>> accuracy(torch.tensor([[2.0, 1.0], [0.0, 3.0], [1.0, 0.0]]), torch.tensor([0, 1, 1]))
    0.6666666666666666
    >>> accuracy(torch.tensor([1.5, -0.3]), torch.tensor([1.0, 0.0]))
    1.0

    References
    ----------
    I. Goodfellow, Y. Bengio, A. Courville, *Deep Learning*, MIT Press, 2016, sec. 5.1.2.
    """
    return _n_correct(outputs, targets) / len(targets)


def _n_correct(outputs, targets):
    if len(outputs) != len(targets):
        raise ValueError(f"outputs and targets differ in length: {len(outputs)} vs {len(targets)}")
    if outputs.ndim == 2 and outputs.shape[1] > 1:
        predicted = outputs.argmax(dim=1)
    else:
        predicted = (outputs.reshape(len(outputs)) > 0).long()
        targets = (targets.reshape(len(targets)) > 0.5).long()
    return int((predicted == targets).sum())


class _Meter:
    """Sums of loss and correct predictions over batches, weighted by batch size."""

    def __init__(self, classification):
        self.classification = classification  # None: decide from the first batch's targets
        self.loss_sum, self.correct, self.n = 0.0, 0, 0

    def add(self, outputs, targets, loss):
        if self.classification is None:
            self.classification = not targets.is_floating_point()
        self.loss_sum += loss * len(targets)
        self.n += len(targets)
        if self.classification:
            self.correct += _n_correct(outputs, targets)

    def result(self):
        if self.n == 0:
            raise ValueError("the loader yielded no samples")
        return Evaluation(self.loss_sum / self.n, self.correct / self.n if self.classification else None)


def _device(device):
    if device is None:
        return torch.device("cpu")
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


@torch.no_grad()
def evaluate(model, loader, loss_fn, device=None, classification=None):
    r"""Mean loss (and accuracy) of a model over a loader, in eval mode and without gradients.

    .. math::

        \bar L = \frac{1}{n} \sum_{\text{batches } b} |b| \, L_b
        \quad (L_b \text{ the mean loss of batch } b)

    The model's train/eval mode is restored afterwards.

    Parameters
    ----------
    model : torch.nn.Module
    loader : iterable of (x, y) batches
    loss_fn : callable
        ``loss_fn(outputs, targets)`` returning the MEAN loss of a batch (PyTorch's default).
    device : None, "auto", str or torch.device
        ``None`` means CPU; ``"auto"`` CUDA when available.
    classification : bool or None
        Compute accuracy? ``None`` decides from the targets (integer targets: yes).

    Returns
    -------
    Evaluation
        ``(loss, accuracy)`` with ``accuracy`` ``None`` for regression.

    Raises
    ------
    ValueError
        If the loader is empty.

    Examples
    --------
    >>> from gdlab import data
    >>> model = torch.nn.Linear(1, 1)
    >>> _ = torch.nn.init.zeros_(model.weight), torch.nn.init.zeros_(model.bias)
    >>> loader = data.make_loader([[0.0], [1.0], [2.0]], [1.0, 2.0, 3.0], batch_size=2)
    >>> evaluate(model, loader, lambda out, y: ((out.squeeze(1) - y) ** 2).mean())
    Evaluation(loss=4.666666666666667, accuracy=None)

    References
    ----------
    A. Paszke et al., "PyTorch: An imperative style, high-performance deep learning library",
    NeurIPS 2019, arXiv:1912.01703.
    """
    device = _device(device)
    was_training = model.training
    model.eval()
    meter = _Meter(classification)
    try:
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            outputs = model(x)
            meter.add(outputs, y, loss_fn(outputs, y).item())
    finally:
        model.train(was_training)
    return meter.result()


def _update_diverged(epoch, step, loss, bad_param, bad_grad):
    """The DivergenceError for an update that made a parameter (or its gradient) non-finite."""
    if bad_grad is not None:
        name, value, index = bad_grad
        what = (f"the gradient of {name} is not finite ({value} at index {index}): the loss is "
                "not differentiable there, or it overflowed")
    else:
        name, value, index = bad_param
        what = (f"the update made {name} non-finite ({value} at index {index}) "
                "(try a smaller learning rate)")
    return DivergenceError(f"training diverged at epoch {epoch}, step {step}: loss = {loss} "
                           f"before the update, but {what}", epoch=epoch, step=step, loss=loss)


def fit(model, optimizer, loss_fn, train_loader, val_loader=None, epochs=10, patience=None,
        seed=0, progress=False, device=None, classification=None):
    r"""Train a model with mini-batch gradient descent and return its per-epoch history.

    Every step on a batch :math:`b` is

    .. math::

        \theta \leftarrow \operatorname{update}\big(\theta, \nabla_\theta L_b(\theta)\big),
        \qquad L_b(\theta) = \frac{1}{|b|} \sum_{i \in b} \ell(f_\theta(x_i), y_i),

    where ``update`` is the optimizer's rule. The training loss of an epoch is the mean of
    the batch losses weighted by batch size, measured while the weights change (as most
    libraries report it); the validation loss is measured after the epoch by :func:`evaluate`.

    Early stopping (``patience=p``): stop when the validation loss has not improved for
    ``p`` epochs in a row, then load the weights of the best epoch back into ``model``
    (Prechelt 1998). With ``patience`` set, the model always ends with the best weights.

    Parameters
    ----------
    model : torch.nn.Module
        Trained in place (and moved to ``device``).
    optimizer : torch.optim.Optimizer
        Over ``model.parameters()``: any torch optimizer, e.g. ``torch.optim.SGD`` or a gdlab
        optimizer wrapped by ``gdlab.optim.as_torch_optimizer(opt, model.parameters())``.
        A bare gdlab optimizer (an object with ``init`` and ``step``) is wrapped that way.
    loss_fn : callable
        ``loss_fn(outputs, targets)`` returning the mean loss of a batch.
    train_loader, val_loader : iterables of (x, y) batches
        ``val_loader`` is optional (required for ``patience``).
    epochs : int >= 1
        Maximum number of passes over ``train_loader``.
    patience : int >= 1 or None
        Early-stopping patience in epochs; ``None`` trains all ``epochs``.
    seed : int or None
        ``torch.manual_seed(seed)`` at the start, and a loader with its own generator (as made
        by :func:`gdlab.data.make_loader`) restarts its shuffling from its initial seed, so a
        reused loader gives the same batches in every run. ``None`` leaves all RNGs alone.
    progress : bool
        Show a tqdm progress bar over epochs (off by default: tests and the book stay quiet).
    device : None, "auto", str or torch.device
        ``None`` means CPU (deterministic); ``"auto"`` CUDA when available.
    classification : bool or None
        Record accuracy? ``None`` decides from the targets (integer targets: yes).

    Returns
    -------
    History

    Raises
    ------
    DivergenceError
        (:class:`gdlab.optim.DivergenceError`) If a batch loss is NaN or infinite, if an
        update leaves a parameter NaN or infinite (e.g. a non-finite gradient: the loss
        :math:`\sqrt{|w|}` is finite at :math:`w = 0`, its gradient is not), or if the
        validation loss is NaN or infinite. The message names the epoch, the step (batch)
        and the loss; ``err.epoch``, ``err.step``, ``err.loss`` hold them.
    ValueError
        If ``epochs`` or ``patience`` is an integer < 1, ``seed`` is negative, or
        ``patience`` is given without ``val_loader``.
    TypeError
        If ``model`` is not a module, ``optimizer`` not an optimizer, or ``epochs``,
        ``patience`` or ``seed`` not an integer (NumPy integers are fine).

    Examples
    --------
    >>> from gdlab import data
    >>> X, y, w = data.linear_regression(n_samples=64, n_features=2, noise=0.0, seed=0)
    >>> _ = torch.manual_seed(0)
    >>> model = torch.nn.Linear(2, 1, bias=False)
    >>> opt = torch.optim.SGD(model.parameters(), lr=0.1)
    >>> mse = lambda out, target: torch.nn.functional.mse_loss(out.squeeze(1), target)
    >>> h = fit(model, opt, mse, data.make_loader(X, y, batch_size=16, shuffle=True), epochs=20)
    >>> len(h), h.train_accuracy, h.val_loss, h.train_loss[-1] < 1e-4
    (20, None, None, True)
    >>> bool(torch.allclose(model.weight.squeeze(0).double(), torch.from_numpy(w), atol=1e-2))
    True

    References
    ----------
    L. Prechelt, "Early stopping — but when?", in *Neural Networks: Tricks of the Trade*,
    LNCS 1524, Springer, 1998, doi:10.1007/3-540-49430-8_3.
    """
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    epochs = _validate.integer("epochs", epochs, low=1)
    progress = _validate.flag("progress", progress)
    if classification is not None:
        classification = _validate.flag("classification", classification)
    if seed is not None:
        seed = _validate.seed("seed", seed)
    if patience is not None:
        patience = _validate.integer("patience", patience, low=1)
        if val_loader is None:
            raise ValueError("patience needs a val_loader: early stopping watches the validation loss")
    if not isinstance(optimizer, torch.optim.Optimizer):
        if hasattr(optimizer, "init") and hasattr(optimizer, "step"):  # a gdlab optimizer
            optimizer = optim.as_torch_optimizer(optimizer, model.parameters())
        else:
            raise TypeError(f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}")
    if seed is not None:
        torch.manual_seed(seed)
        generator = getattr(train_loader, "generator", None)
        if generator is not None:  # restart the loader's own shuffling: every run sees the same batches
            generator.manual_seed(generator.initial_seed())
    device = _device(device)
    model.to(device)

    history = History()
    best_loss, best_weights = math.inf, None
    bar = tqdm(range(1, epochs + 1), desc="fit", unit="epoch", disable=not progress)
    for epoch in bar:
        model.train()
        meter = _Meter(classification)
        for step, (x, y) in enumerate(train_loader, start=1):
            x, y = x.to(device), y.to(device)
            last = {}

            def closure():
                """Forward and backward pass at the current weights."""
                optimizer.zero_grad()
                last["outputs"] = model(x)
                loss = loss_fn(last["outputs"], y)
                if not torch.isfinite(loss):
                    raise DivergenceError(epoch=epoch, step=step, loss=loss.item())
                loss.backward()
                last["loss"] = loss.item()
                return loss

            # For SGD, Adam, ... this is closure() then the update; passing the closure lets
            # optimizers that evaluate the loss elsewhere (gdlab's NAG, L-BFGS) call it themselves.
            try:
                optimizer.step(closure)
            except ValueError as err:   # a gdlab optimizer refuses a non-finite gradient
                bad_grad = _first_nonfinite((n, p.grad) for n, p in model.named_parameters())
                if bad_grad is None:
                    raise
                raise _update_diverged(epoch, step, last.get("loss"), None, bad_grad) from err
            bad = _first_nonfinite(model.named_parameters())
            if bad is not None:
                bad_grad = _first_nonfinite((n, p.grad) for n, p in model.named_parameters())
                raise _update_diverged(epoch, step, last.get("loss"), bad, bad_grad)
            meter.add(last["outputs"].detach(), y, last["loss"])
        train = meter.result()
        history.epoch.append(epoch)
        history.train_loss.append(train.loss)
        history.train_accuracy.append(train.accuracy)
        if val_loader is not None:
            val = evaluate(model, val_loader, loss_fn, device, classification)
            if not math.isfinite(val.loss):
                raise DivergenceError(
                    f"training diverged at epoch {epoch}: validation loss = {val.loss} "
                    f"(training loss {train.loss:.6g}); the model's outputs on the validation "
                    "data are not finite, or the loss is undefined there", epoch=epoch, loss=val.loss)
            history.val_loss.append(val.loss)
            history.val_accuracy.append(val.accuracy)
            if val.loss < best_loss:
                best_loss, history.best_epoch = val.loss, epoch
                if patience is not None:
                    best_weights = copy.deepcopy(model.state_dict())
            elif patience is not None and epoch - (history.best_epoch or 0) >= patience:
                history.stopped_early = True
                break
        if progress:
            bar.set_postfix(train_loss=train.loss,
                            val_loss=history.val_loss[-1] if history.val_loss else None)
    bar.close()
    if best_weights is not None:
        model.load_state_dict(best_weights)
    # a field that never applied (no validation, or no accuracy for regression) becomes None
    for name in ("train_accuracy", "val_loss", "val_accuracy"):
        if all(v is None for v in getattr(history, name)):
            setattr(history, name, None)
    return history
