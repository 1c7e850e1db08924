"""Tests of gdlab.train: the training loop against closed forms, early stopping, divergence."""

import math
import re

import numpy as np
import pytest
import torch

from gdlab import data, train


@pytest.fixture(autouse=True)
def one_thread_float64():
    """Small float64 problems on one thread; restore torch's settings afterwards."""
    threads, dtype = torch.get_num_threads(), torch.get_default_dtype()
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_num_threads(threads)
    torch.set_default_dtype(dtype)


def _mse(out, target):
    return torch.nn.functional.mse_loss(out.squeeze(-1), target)


def _linear(n_in, weight):
    model = torch.nn.Linear(n_in, 1, bias=False)
    with torch.no_grad():
        model.weight.copy_(torch.as_tensor(weight).reshape(1, -1))
    return model


def test_full_batch_gd_equals_closed_form():
    """Full batch SGD on the mean squared error is w <- w - lr * 2/n X^T (X w - y)."""
    X, y, _ = data.linear_regression(n_samples=30, n_features=3, noise=0.3, seed=0)
    w0, lr, epochs = np.array([0.5, -1.0, 2.0]), 0.1, 6
    model = _linear(3, w0)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    history = train.fit(model, opt, _mse, data.make_loader(X, y, batch_size=30), epochs=epochs)
    w, losses = w0.copy(), []
    for _ in range(epochs):
        losses.append(np.mean((X @ w - y) ** 2))      # the loss is measured before the step
        w = w - lr * 2 / len(y) * X.T @ (X @ w - y)
    np.testing.assert_allclose(history.train_loss, losses, rtol=1e-12)
    np.testing.assert_allclose(model.weight.detach().numpy()[0], w, rtol=1e-12)
    assert history.epoch == list(range(1, epochs + 1))
    assert history.train_accuracy is None and history.val_loss is None and history.val_accuracy is None
    assert history.best_epoch is None and not history.stopped_early


def test_train_loss_is_batch_size_weighted_mean():
    X, y, _ = data.linear_regression(n_samples=10, n_features=1, noise=0.5, seed=1)
    model = _linear(1, [0.3])
    opt = torch.optim.SGD(model.parameters(), lr=0.0)     # lr 0: the weights stay put
    history = train.fit(model, opt, _mse, data.make_loader(X, y, batch_size=4), epochs=1)
    assert history.train_loss[0] == pytest.approx(np.mean((0.3 * X[:, 0] - y) ** 2), rel=1e-12)


def test_evaluate_uneven_batches_and_mode():
    torch.manual_seed(0)
    s = data.digits(seed=0)
    model = torch.nn.Sequential(torch.nn.Linear(64, 10), torch.nn.Dropout(0.5))
    loader = data.make_loader(s.X_val, s.y_val, batch_size=64)   # 270 = 4 * 64 + 14
    model.train()
    result = train.evaluate(model, loader, torch.nn.CrossEntropyLoss())
    assert model.training                                           # mode restored
    model.eval()
    with torch.no_grad():
        logits = model(torch.as_tensor(s.X_val, dtype=torch.float64))
    expected_loss = torch.nn.functional.cross_entropy(logits, torch.as_tensor(s.y_val)).item()
    expected_acc = float(np.mean(logits.argmax(1).numpy() == s.y_val))
    assert result.loss == pytest.approx(expected_loss, rel=1e-12)
    assert result.accuracy == pytest.approx(expected_acc)
    assert train.evaluate(model, loader, torch.nn.CrossEntropyLoss(), classification=False).accuracy is None
    with pytest.raises(ValueError, match="no samples"):
        train.evaluate(model, [], torch.nn.CrossEntropyLoss())


def test_accuracy_binary_and_multiclass():
    assert train.accuracy(torch.tensor([[0.1, 0.9], [0.8, 0.2]]), torch.tensor([1, 1])) == 0.5
    assert train.accuracy(torch.tensor([[2.0], [-1.0], [0.5]]), torch.tensor([[1.0], [0.0], [0.0]])) == 2 / 3
    with pytest.raises(ValueError, match="3 vs 2"):
        train.accuracy(torch.zeros(3, 2), torch.zeros(2))


def _digits_run(seed, epochs=3, patience=None):
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(64, 16), torch.nn.ReLU(), torch.nn.Dropout(0.1),
                                torch.nn.Linear(16, 10))
    opt = torch.optim.Adam(model.parameters(), lr=0.03)
    tr, va, _ = data.digits_loaders(batch_size=128, seed=seed)
    history = train.fit(model, opt, torch.nn.CrossEntropyLoss(), tr, va, epochs=epochs,
                        patience=patience, seed=seed)
    return model, history


def test_digits_classification_history():
    model, h = _digits_run(seed=0)
    assert len(h) == 3 and len(h.train_accuracy) == len(h.val_loss) == len(h.val_accuracy) == 3
    assert all(0.0 <= a <= 1.0 for a in h.train_accuracy + h.val_accuracy)
    assert h.val_accuracy[-1] > 0.85 and h.train_loss[-1] < h.train_loss[0]
    assert h.best_epoch == int(np.argmin(h.val_loss)) + 1
    assert set(h.as_dict()) >= {"epoch", "train_loss", "val_loss", "train_accuracy", "val_accuracy"}


def test_runs_are_repeatable():
    model_a, a = _digits_run(seed=0, epochs=2)
    model_b, b = _digits_run(seed=0, epochs=2)
    model_c, c = _digits_run(seed=1, epochs=2)
    assert a == b
    for p, q in zip(model_a.parameters(), model_b.parameters()):
        assert torch.equal(p, q)
    assert a.train_loss != c.train_loss


def test_reused_loader_gives_the_same_batches():
    tr, va, _ = data.digits_loaders(batch_size=128, seed=0)
    runs = []
    for _ in range(2):
        torch.manual_seed(0)
        model = torch.nn.Linear(64, 10)
        opt = torch.optim.SGD(model.parameters(), lr=0.5)
        runs.append((train.fit(model, opt, torch.nn.CrossEntropyLoss(), tr, va, epochs=2), model.weight))
    assert runs[0][0] == runs[1][0] and torch.equal(runs[0][1], runs[1][1])
    torch.manual_seed(0)
    model = torch.nn.Linear(64, 10)
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    other = train.fit(model, opt, torch.nn.CrossEntropyLoss(), tr, va, epochs=2, seed=None)
    assert other.train_loss != runs[0][0].train_loss      # seed=None: the shuffling continues


def test_binary_classification_with_float_targets():
    X, y, _ = data.logistic_classification(n_samples=200, seed=0)
    model = _linear(2, [0.0, 0.0])
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    bce = lambda out, t: torch.nn.functional.binary_cross_entropy_with_logits(out.squeeze(1), t)
    loader = data.make_loader(X, y, batch_size=200)
    assert train.fit(model, opt, bce, loader, epochs=2).train_accuracy is None   # float targets
    h = train.fit(model, opt, bce, loader, loader, epochs=5, classification=True)
    predicted = (X @ model.weight.detach().numpy()[0] > 0).astype(float)
    assert h.val_accuracy[-1] == pytest.approx(np.mean(predicted == y))
    assert h.val_accuracy[-1] > 0.8


def _early_stopping_problem():
    """Train towards w = 1 from w = -2; the validation loss w^2 is lowest near w = 0.

    Full-batch GD with lr * 2 * mean(x^2) = 0.2 gives w_t = 1 - 3 * 0.8^t: the validation
    loss falls until epoch 5 (w_5 = 0.017) and rises afterwards.
    """
    x = np.array([[1.0], [-1.0]])
    train_loader = data.make_loader(x, x[:, 0], batch_size=2)
    val_loader = data.make_loader(x, np.zeros(2), batch_size=2)
    model = _linear(1, [-2.0])
    return model, torch.optim.SGD(model.parameters(), lr=0.1), train_loader, val_loader


def test_early_stopping_restores_best_weights():
    model, opt, tr, va = _early_stopping_problem()
    h = train.fit(model, opt, _mse, tr, va, epochs=50, patience=3)
    assert h.best_epoch == 5 and h.stopped_early and len(h) == 5 + 3
    assert h.val_loss == sorted(h.val_loss[:5], reverse=True) + sorted(h.val_loss[5:])
    assert model.weight.item() == pytest.approx(1 - 3 * 0.8 ** 5, rel=1e-12)   # closed form
    # the restored weights are those of a plain 5-epoch run
    ref, ref_opt, tr, va = _early_stopping_problem()
    train.fit(ref, ref_opt, _mse, tr, epochs=5)
    assert torch.equal(model.weight, ref.weight)
    assert train.evaluate(model, va, _mse).loss == pytest.approx(h.val_loss[4], rel=1e-12)


def test_patience_restores_best_even_without_stopping():
    model, opt, tr, va = _early_stopping_problem()
    h = train.fit(model, opt, _mse, tr, va, epochs=7, patience=5)
    assert len(h) == 7 and not h.stopped_early and h.best_epoch == 5
    assert model.weight.item() == pytest.approx(1 - 3 * 0.8 ** 5, rel=1e-12)
    model, opt, tr, va = _early_stopping_problem()
    train.fit(model, opt, _mse, tr, va, epochs=7)                   # no patience: last weights
    assert model.weight.item() == pytest.approx(1 - 3 * 0.8 ** 7, rel=1e-12)


def test_divergence_names_epoch_step_and_loss():
    X, y, _ = data.linear_regression(n_samples=64, n_features=2, seed=0)
    model = _linear(2, [0.1, 0.1])
    opt = torch.optim.SGD(model.parameters(), lr=1e100)
    with pytest.raises(train.DivergenceError, match=r"epoch 1, step \d+: loss = (nan|inf)") as info:
        train.fit(model, opt, _mse, data.make_loader(X, y, batch_size=8), epochs=3)
    err = info.value
    assert isinstance(err, FloatingPointError) and err.epoch == 1 and err.step > 1
    assert not math.isfinite(err.loss)


def test_progress_bar_only_on_request(capsys):
    X, y, _ = data.linear_regression(n_samples=16, seed=0)
    loader = data.make_loader(X, y, batch_size=8)
    model = _linear(2, [0.0, 0.0])
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    train.fit(model, opt, _mse, loader, epochs=2)
    quiet = capsys.readouterr()
    assert quiet.out == "" and quiet.err == ""
    train.fit(model, opt, _mse, loader, loader, epochs=2, progress=True)
    assert "fit" in capsys.readouterr().err


def test_devices(monkeypatch):
    assert train._device(None) == torch.device("cpu")
    assert train._device("cpu") == torch.device("cpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)    # a machine with a GPU
    assert train._device("auto") == torch.device("cuda")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert train._device("auto") == torch.device("cpu")
    X, y, _ = data.linear_regression(n_samples=8, seed=0)
    model = _linear(2, [0.0, 0.0])
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    h = train.fit(model, opt, _mse, data.make_loader(X, y), epochs=1, device="cpu")
    assert len(h) == 1


def _tiny_fit(**kwargs):
    X, y, _ = data.linear_regression(n_samples=8, seed=0)
    model = _linear(2, [0.0, 0.0])
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    history = train.fit(model, opt, _mse, data.make_loader(X, y, batch_size=4), epochs=2, **kwargs)
    return model, history


def test_fit_runs_on_the_cpu_by_default_and_with_auto_without_cuda(monkeypatch):
    model, _ = _tiny_fit()
    assert model.weight.device.type == "cpu"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    model, h = _tiny_fit(device="auto")
    assert model.weight.device.type == "cpu" and len(h) == 2


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device on this machine")
def test_fit_auto_uses_cuda_when_present():
    model, h = _tiny_fit(device="auto")
    assert model.weight.device.type == "cuda" and len(h) == 2 and all(map(math.isfinite, h.train_loss))


def test_validation_errors():
    X, y, _ = data.linear_regression(n_samples=8, seed=0)
    loader = data.make_loader(X, y)
    model = _linear(2, [0.0, 0.0])
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for kwargs, message in [({"epochs": 0}, "epochs .* got 0"),
                            ({"patience": 0, "val_loader": loader}, "patience .* got 0"),
                            ({"patience": 2}, "needs a val_loader"), ({"seed": -1}, "seed .* got -1")]:
        with pytest.raises(ValueError, match=message):
            train.fit(model, opt, _mse, loader, **kwargs)
    for kwargs, message in [({"epochs": 2.5}, r"epochs must be an integer, got 2\.5 of type float"),
                            ({"epochs": True}, "epochs must be an integer, got True"),
                            ({"patience": 1.0, "val_loader": loader}, "patience must be an integer"),
                            ({"seed": "0"}, "seed must be an integer"), ({"progress": "yes"}, "progress")]:
        with pytest.raises(TypeError, match=message):
            train.fit(model, opt, _mse, loader, **kwargs)
    h = train.fit(model, opt, _mse, loader, loader, epochs=np.int64(2), patience=np.int32(1),
                  seed=np.int64(3))                                  # NumPy integers are integers
    assert len(h) >= 1 and h.epoch[-1] <= 2
    with pytest.raises(TypeError, match="str"):
        train.fit(model, "sgd", _mse, loader)
    with pytest.raises(TypeError, match="Module"):
        train.fit(lambda x: x, opt, _mse, loader)


# --------------------------------------------------------------------------- gdlab optimizers
def _regression_fit(make_optimizer, epochs=4, batch_size=10):
    X, y, _ = data.linear_regression(n_samples=40, n_features=3, noise=0.2, seed=2)
    model = _linear(3, [0.5, -0.5, 1.0])
    loader = data.make_loader(X, y, batch_size=batch_size, shuffle=True, seed=0)
    history = train.fit(model, make_optimizer(model), _mse, loader, epochs=epochs)
    return model.weight.detach().numpy()[0], history, (X, y)


def test_gdlab_adam_through_the_adapter_equals_torch_adam():
    from gdlab import optim
    w_ours, h_ours, _ = _regression_fit(
        lambda m: optim.as_torch_optimizer(optim.Adam(lr=0.05), m.parameters()))
    w_torch, h_torch, _ = _regression_fit(lambda m: torch.optim.Adam(m.parameters(), lr=0.05))
    np.testing.assert_allclose(w_ours, w_torch, rtol=1e-10)
    np.testing.assert_allclose(h_ours.train_loss, h_torch.train_loss, rtol=1e-10)


def test_bare_gdlab_optimizer_is_wrapped():
    from gdlab import optim
    w_ours, _, _ = _regression_fit(lambda m: optim.Momentum(lr=0.05, gamma=0.9))
    w_torch, _, _ = _regression_fit(lambda m: torch.optim.SGD(m.parameters(), lr=0.05, momentum=0.9))
    np.testing.assert_allclose(w_ours, w_torch, rtol=1e-10)


def test_gdlab_nag_full_batch_equals_optim_run():
    """NAG needs the gradient at the look-ahead point: fit passes a closure to step()."""
    from gdlab import optim
    nag = optim.NAG(lr=0.05, gamma=0.9)
    w_fit, _, (X, y) = _regression_fit(lambda m: nag, epochs=6, batch_size=40)
    path = optim.run(nag, lambda w: 2 / len(y) * X.T @ (X @ w - y), np.array([0.5, -0.5, 1.0]), 6)
    np.testing.assert_allclose(w_fit, path[-1], rtol=1e-10)


def test_divergence_error_is_the_gdlab_divergence_error():
    from gdlab import optim
    assert train.DivergenceError is optim.DivergenceError
    err = train.DivergenceError(epoch=3, step=7, loss=float("nan"))
    assert (err.epoch, err.step) == (3, 7) and "epoch 3, step 7: loss = nan" in str(err)


class SqrtAbs(torch.nn.Module):
    """Predicts sqrt|w| for every sample: finite at w = 0, its gradient is not."""

    def __init__(self, w):
        super().__init__()
        self.w = torch.nn.Parameter(torch.tensor([w]))

    def forward(self, x):
        return torch.sqrt(torch.abs(self.w)).expand(len(x))


def _sqrt_abs_fit(make_optimizer, w0=0.0, **kwargs):
    x = np.zeros((4, 1))
    loader = data.make_loader(x, np.zeros(4), batch_size=2)
    model = SqrtAbs(w0)
    mean_output = lambda out, y: out.mean()          # the loss is sqrt|w|
    return model, train.fit(model, make_optimizer(model), mean_output, loader, loader, **kwargs)


def test_nonfinite_gradient_with_a_torch_optimizer_is_a_divergence():
    """Before: fit returned normally with val_loss [nan] and w = nan."""
    with pytest.raises(train.DivergenceError) as info:
        _sqrt_abs_fit(lambda m: torch.optim.SGD(m.parameters(), lr=0.1), epochs=2)
    err = info.value
    assert (err.epoch, err.step, err.loss) == (1, 1, 0.0)
    assert re.fullmatch(r"training diverged at epoch 1, step 1: loss = 0\.0 before the update, but the "
                        r"gradient of w is not finite \(nan at index \(0,\)\): .*", str(err))


def test_nonfinite_gradient_with_a_gdlab_optimizer_is_a_divergence():
    """Before: a bare ValueError from the adapter, without epoch or step."""
    from gdlab import optim
    with pytest.raises(train.DivergenceError, match=r"epoch 1, step 1: loss = 0\.0 .* gradient of w") as info:
        _sqrt_abs_fit(lambda m: optim.GD(lr=0.1), epochs=2)
    assert isinstance(info.value.__cause__, ValueError)
    assert "grad must be finite" in str(info.value.__cause__)


def test_parameter_overflow_after_a_finite_loss_is_a_divergence():
    """A finite loss and gradient, but an update that overflows: w = 1 - 1e308 * 1e10."""
    class Linear1(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = torch.nn.Parameter(torch.tensor([1.0]))

        def forward(self, x):
            return 1e10 * self.w.expand(len(x))

    loader = data.make_loader(np.zeros((2, 1)), np.zeros(2), batch_size=2)
    model = Linear1()
    with pytest.raises(train.DivergenceError,
                       match=r"epoch 1, step 1: loss = 10000000000\.0 before the update, but the update made w "
                             r"non-finite \(-inf at index \(0,\)\)") as info:
        train.fit(model, torch.optim.SGD(model.parameters(), lr=1e308), lambda out, y: out.mean(), loader)
    assert info.value.loss == 1e10


def test_nonfinite_validation_loss_is_a_divergence():
    """Before: a NaN validation loss silently triggered early stopping with best_epoch None."""
    X, y, _ = data.linear_regression(n_samples=8, seed=0)
    model = _linear(2, [0.0, 0.0])
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    # sqrt of a negative target: NaN on the validation data only (no gradient flows through it)
    loss = lambda out, t: _mse(out, t) + 0.0 * torch.sqrt(t.min())
    train_loader = data.make_loader(X, np.abs(y))
    val_loader = data.make_loader(X, y - 10.0)
    with pytest.raises(train.DivergenceError, match=r"^training diverged at epoch 1: validation loss = nan") as info:
        train.fit(model, opt, loss, train_loader, val_loader, epochs=5, patience=2)
    assert info.value.epoch == 1 and math.isnan(info.value.loss) and info.value.step is None
