"""gdlab.losses against torch.autograd and torch's loss functions, on random data."""

import numpy as np
import pytest
import torch

from gdlab import calculus, losses


def problem(seed, n=17, d=4):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    theta = rng.normal(size=d)
    y_reg = rng.normal(size=n)
    y_cls = (rng.random(n) < 0.5).astype(np.float64)
    return theta, X, y_reg, y_cls


def torch_value_and_grad(loss_fn, theta, X, y):
    t = torch.tensor(theta, requires_grad=True)
    value = loss_fn(torch.tensor(X) @ t, torch.tensor(y))
    value.backward()
    return value.item(), t.grad.numpy()


@pytest.mark.parametrize("seed", range(5))
def test_least_squares_equals_half_torch_mse(seed):
    theta, X, y, _ = problem(seed)
    value, grad = torch_value_and_grad(lambda z, t: 0.5 * torch.nn.functional.mse_loss(z, t), theta, X, y)
    assert losses.least_squares(theta, X, y) == pytest.approx(value, rel=1e-12)
    np.testing.assert_allclose(losses.least_squares_grad(theta, X, y), grad, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("seed", range(5))
def test_logistic_equals_torch_bce_with_logits(seed):
    theta, X, _, y = problem(seed)
    theta = 5 * theta  # large logits: the stable forms matter
    value, grad = torch_value_and_grad(torch.nn.functional.binary_cross_entropy_with_logits, theta, X, y)
    assert losses.logistic(theta, X, y) == pytest.approx(value, rel=1e-12)
    np.testing.assert_allclose(losses.logistic_grad(theta, X, y), grad, rtol=1e-10, atol=1e-14)


def test_gradients_match_finite_differences():
    theta, X, y_reg, y_cls = problem(7)
    for loss, grad, y in ((losses.least_squares, losses.least_squares_grad, y_reg),
                          (losses.logistic, losses.logistic_grad, y_cls)):
        numerical = calculus.numerical_gradient(lambda t: loss(t, X, y), theta)
        np.testing.assert_allclose(grad(theta, X, y), numerical, rtol=1e-6, atol=1e-8)


def test_sigmoid_is_stable_and_exact():
    z = np.array([-1000.0, -30.0, -1.0, 0.0, 1.0, 30.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = losses.sigmoid(z)
    np.testing.assert_allclose(s, torch.sigmoid(torch.tensor(z)).numpy(), rtol=1e-12, atol=1e-300)
    assert s[0] == 0.0 and s[-1] == 1.0


def test_mean_over_rows_means_duplicated_data_changes_nothing():
    theta, X, y, _ = problem(3)
    X2, y2 = np.vstack([X, X]), np.concatenate([y, y])
    assert losses.least_squares(theta, X2, y2) == pytest.approx(losses.least_squares(theta, X, y), rel=1e-12)
    np.testing.assert_allclose(losses.least_squares_grad(theta, X2, y2), losses.least_squares_grad(theta, X, y))


@pytest.mark.parametrize(
    "theta, X, y, message",
    [
        (np.zeros(3), np.zeros((4, 2)), np.zeros(4), "X has 2 features but theta has 3"),
        (np.zeros(2), np.zeros((4, 2)), np.zeros(5), r"y must have shape \(4,\)"),
        (np.zeros((2, 1)), np.zeros((4, 2)), np.zeros(4), r"theta must be a 1-D array"),
        (np.zeros(2), np.zeros(4), np.zeros(4), "X must be a 2-D array"),
        (np.zeros(2), np.zeros((0, 2)), np.zeros(0), "empty batch"),
    ],
)
def test_bad_shapes_are_named(theta, X, y, message):
    for fn in (losses.least_squares, losses.least_squares_grad, losses.logistic, losses.logistic_grad):
        with pytest.raises(ValueError, match=message):
            fn(theta, X, y)


def test_non_numeric_input_is_a_type_error():
    with pytest.raises(TypeError, match="theta must be a real numeric array"):
        losses.least_squares(np.array(["a", "b"]), np.zeros((1, 2)), np.zeros(1))
