"""optim.run_many and optim.run_minibatch: equal to the loops they replace, and their bad inputs."""

import dataclasses

import numpy as np
import pytest

from gdlab import data, losses, optim

PAPER = [optim.GD(lr=0.05), optim.Momentum(lr=0.05, gamma=0.9), optim.NAG(lr=0.05, gamma=0.9),
         optim.Adagrad(lr=0.1), optim.Adadelta(), optim.RMSprop(lr=0.01), optim.Adam(lr=0.05),
         optim.AdaMax(lr=0.05), optim.Nadam(lr=0.05), optim.AMSGrad(lr=0.05),
         optim.AdamW(lr=0.05, weight_decay=0.01)]
TORCH = [optim.like_torch(name, **kw) for name, kw in [
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}), ("Adagrad", {"lr": 0.1, "lr_decay": 0.01}),
    ("Adadelta", {}), ("RMSprop", {"lr": 0.01, "momentum": 0.5, "centered": True}),
    ("Adam", {"lr": 0.05, "amsgrad": True}), ("AdamW", {"lr": 0.05}), ("NAdam", {"lr": 0.05}),
    ("Adamax", {"lr": 0.05})]]

# an ill-conditioned quadratic, J(θ) = ½ θᵀAθ, for a batch of runs (rows)
A = np.array([[3.0, 0.8, 0.0], [0.8, 1.0, 0.2], [0.0, 0.2, 0.1]])


def batched_grad(theta):
    return theta @ A


@pytest.mark.parametrize("opt", PAPER + TORCH, ids=lambda o: type(o).__name__)
def test_run_many_equals_run_run_by_run(opt):
    rng = np.random.default_rng(5)
    theta0 = rng.standard_normal((4, 3))
    has_lr = "lr" in {f.name for f in dataclasses.fields(opt)}
    rates = np.array([0.01, 0.02, 0.05, 0.1]) if has_lr else None
    runs = optim.run_many(opt, batched_grad, theta0, 40, lr=rates)
    assert runs.path.shape == (41, 4, 3) and runs.diverged_at.tolist() == [0, 0, 0, 0]
    for r in range(4):
        single = opt if rates is None else dataclasses.replace(opt, lr=float(rates[r]))
        expected = optim.run(single, lambda th: th @ A, theta0[r], 40)
        np.testing.assert_allclose(runs.path[:, r], expected, rtol=1e-13, atol=1e-15)


def test_run_many_stops_diverging_runs_and_keeps_the_others():
    theta0 = np.ones((3, 1))
    runs = optim.run_many(optim.GD(lr=0.1), lambda th: 2 * th, theta0, 2000,
                          lr=[0.5, 0.9, 1.5], on_divergence="stop")
    assert runs.diverged_at[0] == 0 and runs.diverged_at[1] == 0
    assert runs.diverged_at[2] > 100          # |1 - 2·1.5| = 2: doubles until it overflows
    assert np.isfinite(runs.path).all()
    frozen = runs.path[runs.diverged_at[2]:, 2]
    assert (frozen == frozen[0]).all() and abs(frozen[0, 0]) > 1e300
    np.testing.assert_allclose(runs.path[:, 1], optim.run(optim.GD(lr=0.9), lambda th: 2 * th,
                                                          theta0[1], 2000))


def test_run_many_raises_naming_the_run_and_the_step():
    with pytest.raises(optim.DivergenceError, match=r"run 1 diverged at step \d+") as info:
        optim.run_many(optim.GD(lr=0.1), lambda th: 2 * th, np.ones((2, 1)), 2000, lr=[0.5, 1.5])
    assert info.value.run == 1 and info.value.step > 100 and np.isfinite(info.value.last_theta).all()


def test_run_many_stops_a_run_whose_gradient_is_not_finite():
    def grad(theta):      # run 0 meets a NaN gradient once theta < 0.5
        g = 2 * theta
        g[theta < 0.5] = np.nan
        return g

    runs = optim.run_many(optim.GD(lr=0.1), grad, np.array([[1.0], [5.0]]), 7, on_divergence="stop")
    # run 0: 1, 0.8, 0.64, 0.512, 0.4096, then a NaN gradient at step 5
    assert runs.diverged_at.tolist() == [5, 0]
    np.testing.assert_allclose(runs.path[4:, 0, 0], [0.8 ** 4] * 4, rtol=1e-15)
    np.testing.assert_allclose(runs.path[7, 1, 0], 5 * 0.8 ** 7, rtol=1e-14)
    assert (runs.path[4:, 0, 0] == runs.path[4, 0, 0]).all()


@pytest.mark.parametrize("kwargs, error, pattern", [
    ({"lr": [0.1, 0.2, 0.3]}, ValueError, r"lr must have shape \(runs,\) = \(2,\)"),
    ({"lr": [0.1, -0.2]}, ValueError, r"lr\[1\] must be .*got -0\.2"),
    ({"lr": ["a", "b"]}, TypeError, "lr must be an array of real numbers"),
    ({"on_divergence": "ignore"}, ValueError, "on_divergence must be 'raise' or 'stop'"),
])
def test_run_many_bad_arguments(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        optim.run_many(optim.GD(lr=0.1), lambda th: th, np.ones((2, 3)), 3, **kwargs)


def test_run_many_bad_theta_and_gradient():
    with pytest.raises(ValueError, match="leading axis of runs"):
        optim.run_many(optim.GD(lr=0.1), lambda th: th, 1.0, 3)
    with pytest.raises(ValueError, match=r"grad_fn must return an array of shape \(2, 3\)"):
        optim.run_many(optim.GD(lr=0.1), lambda th: th[0], np.ones((2, 3)), 3)
    with pytest.raises(TypeError, match="learning rate field 'lr'"):
        optim.run_many(optim.Adadelta(), lambda th: th, np.ones((2, 3)), 3, lr=[0.1, 0.2])
    with pytest.raises(TypeError, match="steps must be an integer"):
        optim.run_many(optim.GD(lr=0.1), lambda th: th, np.ones((2, 3)), 3.0)


# --------------------------------------------------------------------------- run_minibatch
PROBLEM = data.linear_regression(n_samples=100, n_features=3, noise=0.5, seed=2)


def hand_written_sgd(grad, X, y, theta, lr, epochs, batch_size, seed, shuffle=True):
    """The loop of chapter 3, written out: one generator, a new permutation per epoch."""
    rng = np.random.default_rng(seed)
    schedule = lr if callable(lr) else (lambda t: lr)
    t, ends = 0, [theta]
    for _ in range(epochs):
        order = rng.permutation(len(y)) if shuffle else np.arange(len(y))
        for start in range(0, len(y), batch_size):
            batch = order[start:start + batch_size]
            theta = theta - schedule(t) * grad(theta, X[batch], y[batch])
            t += 1
        ends.append(theta)
    return np.array(ends)


@pytest.mark.parametrize("batch_size", [1, 7, 32, 100])
@pytest.mark.parametrize("lr", [0.05, lambda t: 0.1 / (1 + t / 50)], ids=["constant", "schedule"])
def test_run_minibatch_equals_the_hand_written_loop_bit_for_bit(batch_size, lr):
    X, y, _ = PROBLEM
    result = optim.run_minibatch(losses.least_squares_grad, X, y, np.zeros(3), lr=lr, epochs=4,
                                 batch_size=batch_size, seed=9, loss_fn=losses.least_squares)
    expected = hand_written_sgd(losses.least_squares_grad, X, y, np.zeros(3), lr, 4, batch_size, 9)
    np.testing.assert_array_equal(result.path, expected)
    assert np.array_equal(result.theta, expected[-1])
    per_epoch = -(-100 // batch_size)
    assert result.updates.tolist() == [per_epoch * e for e in range(5)]
    np.testing.assert_allclose(result.loss, [losses.least_squares(th, X, y) for th in expected])
    assert np.all(np.diff(result.seconds) >= 0)


def test_run_minibatch_full_batch_is_gradient_descent():
    X, y, _ = PROBLEM
    result = optim.run_minibatch(losses.least_squares_grad, X, y, np.zeros(3), lr=0.3, epochs=10,
                                 batch_size=100, seed=0, shuffle=False)
    path = optim.run(optim.GD(lr=0.3), lambda th: losses.least_squares_grad(th, X, y), np.zeros(3), 10)
    np.testing.assert_array_equal(result.path, path)
    assert result.loss is None


def test_run_minibatch_with_an_optimizer_and_record_every():
    X, y, _ = PROBLEM
    opt = optim.Momentum(lr=0.02, gamma=0.9)
    result = optim.run_minibatch(losses.least_squares_grad, X, y, np.zeros(3), epochs=3,
                                 batch_size=10, seed=4, optimizer=opt, record_every=5)
    rng, theta, state, expected = np.random.default_rng(4), np.zeros(3), opt.init(np.zeros(3)), []
    for _ in range(3):
        for batch in data.batch_indices(100, 10, rng):
            theta, state = opt.step(theta, losses.least_squares_grad(theta, X[batch], y[batch]), state)
            expected.append(theta)
    np.testing.assert_array_equal(result.path[1:], np.array(expected)[4::5])
    assert result.updates.tolist() == [0, 5, 10, 15, 20, 25, 30]
    # lr= overrides the optimizer's rate at every update
    halved = optim.run_minibatch(losses.least_squares_grad, X, y, np.zeros(3), epochs=3, batch_size=10,
                                 seed=4, optimizer=optim.Momentum(lr=0.04, gamma=0.9), lr=0.02)
    np.testing.assert_array_equal(halved.theta, result.theta)


def test_run_minibatch_divergence_names_epoch_step_and_loss():
    X, y, _ = PROBLEM
    with pytest.raises(optim.DivergenceError, match=r"epoch \d+, step \d+ \(update \d+\): loss = ") as info:
        optim.run_minibatch(losses.least_squares_grad, X, y, np.zeros(3), lr=5.0, epochs=200,
                            batch_size=10, seed=0, loss_fn=losses.least_squares, record_every=1)
    assert info.value.epoch >= 1 and 1 <= info.value.step <= 10
    with pytest.raises(optim.DivergenceError, match="theta contains inf/nan"):
        optim.run_minibatch(losses.least_squares_grad, X, y, np.zeros(3), lr=5.0, epochs=200,
                            batch_size=10, seed=0)


@pytest.mark.parametrize("kwargs, error, pattern", [
    ({"lr": None}, TypeError, "needs a learning rate lr="),
    ({"lr": -0.1}, ValueError, "lr must be .*got -0.1"),
    ({"lr": lambda t: -0.1}, ValueError, r"the learning rate lr\(0\) must be"),
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"epochs": -1}, ValueError, "epochs must be >= 0"),
    ({"seed": None}, TypeError, "seed"),
    ({"record_every": 0}, ValueError, "record_every"),
    ({"optimizer": optim.Adadelta()}, TypeError, "learning rate field 'lr'"),
])
def test_run_minibatch_bad_arguments(kwargs, error, pattern):
    X, y, _ = PROBLEM
    arguments = {"lr": 0.1, "epochs": 1, "batch_size": 10, "seed": 0} | kwargs
    with pytest.raises(error, match=pattern):
        optim.run_minibatch(losses.least_squares_grad, X, y, np.zeros(3), **arguments)


def test_run_minibatch_mismatched_data():
    X, y, _ = PROBLEM
    with pytest.raises(ValueError, match=r"same number of examples .* \(100, 3\) and \(99,\)"):
        optim.run_minibatch(losses.least_squares_grad, X, y[:-1], np.zeros(3), lr=0.1, epochs=1,
                            batch_size=10, seed=0)
