"""Tests of gdlab.check: correct submissions pass with a ✓ line, wrong ones fail helpfully."""

from typing import NamedTuple

import numpy as np
import pytest
import torch

from gdlab import check
from expect import checker_fails as _fails  # tests/expect.py


# --------------------------------------------------------------------------- check_close
def test_check_close_correct(capsys):
    check.check_close("answer", 0.1 + 0.2, 0.3)
    check.check_close("vector", torch.tensor([1.0, 2.0], requires_grad=True), np.array([1.0, 2.0]))
    check.check_close("nearly", 1.0 + 1e-9, 1.0)
    out = capsys.readouterr().out
    assert out == "✓ answer is correct.\n✓ vector is correct.\n✓ nearly is correct.\n"


def test_check_close_wrong_submissions(capsys):
    expected = np.array([8.0, 7.0, 27.0])
    assert "sign is flipped" in _fails(check.check_close, "g", -expected, expected)
    message = _fails(check.check_close, "g", 2 * expected, expected)
    assert "every value is 2 × the expected one" in message and "expected: [8, 7, 27]" in message
    assert "got / expected = 0.5" in _fails(check.check_close, "loss", 0.25, 0.5)
    message = _fails(check.check_close, "g", expected[:, None], expected)
    assert "expected shape (3,), got shape (3, 1)" in message and "reshape" in message
    message = _fails(check.check_close, "g", [8.0, np.nan, 27.0], expected)
    assert "non-finite value (nan) at index (1,) where 7 was expected" in message
    assert "forgot to 'return'" in _fails(check.check_close, "g", None, expected)
    assert "(a str)" in _fails(check.check_close, "g", "8", 8.0)
    message = _fails(check.check_close, "g", [8.0, 7.5, 27.0], expected)
    assert "index (1,): expected 7, got 7.5 (1 of 3 entries wrong)" in message
    assert "off by the same amount (1)" in _fails(check.check_close, "g", expected + 1, expected)
    A = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert "transpose" in _fails(check.check_close, "A", A.T, A)
    assert capsys.readouterr().out == ""                              # no ✓ line on failure


def test_check_close_tolerances():
    check.check_close("x", 1.001, 1.0, rtol=1e-2)
    _fails(check.check_close, "x", 1.001, 1.0)


# --------------------------------------------------------------------------- check_gradient
def f(theta):
    return np.sum(theta ** 2) + theta[0] * theta[1] + np.sin(theta[2])


def grad(theta):
    g = 2 * theta
    g[0] += theta[1]
    g[1] += theta[0]
    g[2] += np.cos(theta[2])
    return g


def test_check_gradient_correct(capsys):
    check.check_gradient(f, grad, shape=(3,), n_points=4)
    check.check_gradient(f, grad, points=[[1.0, 2.0, 3.0]])
    assert capsys.readouterr().out == (
        "✓ grad matches the finite-difference gradient at 4 random points.\n"
        "✓ grad matches the finite-difference gradient at 1 points.\n")


def test_check_gradient_matrix_shape():
    check.check_gradient(lambda W: np.sum(W ** 2), lambda W: 2 * W, shape=(2, 3))


def test_check_gradient_wrong_submissions():
    message = _fails(check.check_gradient, f, lambda t: -grad(t), shape=(3,))
    assert "is wrong at point 1 of 5" in message and "sign is flipped" in message
    assert "at theta = [" in message and "(finite differences)" in message

    def half(theta):
        return grad(theta) / 2
    assert "0.5 × the expected" in _fails(check.check_gradient, f, half, shape=(3,))

    def column(theta):
        return grad(theta)[:, None]
    assert "got shape (3, 1)" in _fails(check.check_gradient, f, column, shape=(3,))

    def broken(theta):
        return grad(theta) / undefined  # noqa: F821
    with pytest.raises(AssertionError, match="broken raised NameError") as info:
        check.check_gradient(f, broken, shape=(3,))
    assert isinstance(info.value.__cause__, NameError)               # the reader's traceback is kept

    def nan(theta):
        return grad(theta) * np.nan
    assert "non-finite" in _fails(check.check_gradient, f, nan, shape=(3,))


def test_check_gradient_finds_a_bug_away_from_the_first_point():
    def only_right_for_positive_x(theta):
        g = grad(theta)
        g[0] = abs(g[0])
        return g
    points = [[1.0, 1.0, 0.0], [2.0, 0.5, 1.0], [-3.0, 0.0, 0.0]]
    message = _fails(check.check_gradient, f, only_right_for_positive_x, points=points)
    assert "point 3 of 3" in message and "theta = [-3, 0, 0]" in message


def test_check_gradient_validation():
    with pytest.raises(ValueError, match="n_points .* got 0"):
        check.check_gradient(f, grad, shape=(3,), n_points=0)
    with pytest.raises(ValueError, match="scale .* got -1"):
        check.check_gradient(f, grad, shape=(3,), scale=-1)


# --------------------------------------------------------------------------- check_update
def sgd(theta, grad, lr=0.1):
    return theta - lr * grad


CASES = [{"theta": np.array([1.0, -2.0]), "grad": np.array([0.5, 0.25])},
         {"theta": np.array([0.3, 0.7]), "grad": np.array([-1.0, 2.0]), "lr": 0.5}]


def test_check_update_correct(capsys):
    def my_sgd(theta, grad, lr=0.1):
        return theta - lr * grad
    check.check_update(my_sgd, sgd, CASES)
    check.check_update(my_sgd, sgd, [(np.ones(2), np.ones(2))])
    out = capsys.readouterr().out
    assert out == "✓ my_sgd agrees with sgd on 2 cases.\n✓ my_sgd agrees with sgd on 1 cases.\n"


def test_check_update_wrong_submissions():
    message = _fails(check.check_update, lambda theta, grad, lr=0.1: theta + lr * grad, sgd, CASES)
    assert "your function is not correct for case 1 of 2" in message
    assert "theta = [1, -2]" in message and "grad = [0.5, 0.25]" in message
    message = _fails(check.check_update, lambda theta, grad, lr=0.1: theta - 0.1 * grad, sgd, CASES)
    assert "case 2 of 2" in message and "lr = 0.5" in message        # ignores lr: only case 2 fails

    def in_place(theta, grad, lr=0.1):
        theta -= lr * grad
        return theta
    message = _fails(check.check_update, in_place, sgd, CASES)
    assert "changed its input theta in place" in message and "theta -= ..." in message

    def crashing(theta, grad, lr=0.1):
        raise ZeroDivisionError("oops")
    assert "crashing raised ZeroDivisionError: oops" in _fails(check.check_update, crashing, sgd, CASES)
    with pytest.raises(ValueError, match="at least one"):
        check.check_update(sgd, sgd, [])


class VState(NamedTuple):
    velocity: np.ndarray
    step: int


def momentum(theta, grad, state, lr=0.1, gamma=0.9):
    v = gamma * state.velocity + lr * grad
    return theta - v, VState(v, state.step + 1)


MOMENTUM_CASES = [(np.array([1.0, 2.0]), np.array([0.5, -0.5]), VState(np.array([0.1, 0.2]), 3))]


def test_check_update_structured_results():
    def as_dict(theta, grad, state, lr=0.1, gamma=0.9):
        v = gamma * state.velocity + lr * grad
        return theta - v, {"velocity": v, "step": state.step + 1}
    check.check_update(as_dict, momentum, MOMENTUM_CASES)

    def forgot_step(theta, grad, state, lr=0.1, gamma=0.9):
        v = gamma * state.velocity + lr * grad
        return theta - v, {"velocity": v}
    assert "missing field(s) ['step']" in _fails(check.check_update, forgot_step, momentum, MOMENTUM_CASES)

    def stale_step(theta, grad, state, lr=0.1, gamma=0.9):
        v = gamma * state.velocity + lr * grad
        return theta - v, state._replace(velocity=v)
    message = _fails(check.check_update, stale_step, momentum, MOMENTUM_CASES,
                     output_names=("new theta", "new state"))
    assert "new state.step is wrong" in message and "expected: 4" in message and "got:      3" in message

    def mutates_state(theta, grad, state, lr=0.1, gamma=0.9):
        state.velocity[:] = gamma * state.velocity + lr * grad
        return theta - state.velocity, VState(state.velocity, state.step + 1)
    message = _fails(check.check_update, mutates_state, momentum, MOMENTUM_CASES)
    assert "changed its input state.velocity in place" in message

    def one_output(theta, grad, state, lr=0.1, gamma=0.9):
        return theta - lr * grad
    assert "expected a tuple of 2 values" in _fails(check.check_update, one_output, momentum, MOMENTUM_CASES)


# --------------------------------------------------------------------------- check_optimizer_step
class AState(NamedTuple):
    m: np.ndarray
    v: np.ndarray
    step: int


class ToyAdam:
    """The gdlab.optim interface (init / pure step), written from Kingma & Ba (2015)."""

    lr, beta1, beta2, eps = 0.1, 0.9, 0.999, 1e-8

    def init(self, theta):
        return AState(np.zeros_like(theta), np.zeros_like(theta), 0)

    def step(self, theta, grad, state):
        t = state.step + 1
        m = self.beta1 * state.m + (1 - self.beta1) * grad
        v = self.beta2 * state.v + (1 - self.beta2) * grad ** 2
        m_hat, v_hat = m / (1 - self.beta1 ** t), v / (1 - self.beta2 ** t)
        return theta - self.lr * m_hat / (np.sqrt(v_hat) + self.eps), AState(m, v, t)


def reader_adam(theta, grad, state, lr=0.1, b1=0.9, b2=0.999, eps=1e-8, bias_correction=True):
    t = state.step + 1
    m = b1 * state.m + (1 - b1) * grad
    v = b2 * state.v + (1 - b2) * grad * grad
    if bias_correction:
        m_hat, v_hat = m / (1 - b1 ** t), v / (1 - b2 ** t)
    else:
        m_hat, v_hat = m, v
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), AState(m, v, t)


def test_check_optimizer_step_correct(capsys):
    check.check_optimizer_step(reader_adam, ToyAdam(), n_cases=4, shape=(2, 3))

    def dict_adam(theta, grad, state):
        new_theta, s = reader_adam(theta, grad, AState(**state))
        return new_theta, s._asdict()
    check.check_optimizer_step(dict_adam, ToyAdam(), state_as="dict")
    out = capsys.readouterr().out
    assert out == ("✓ reader_adam agrees with ToyAdam.step on 4 random states.\n"
                   "✓ dict_adam agrees with ToyAdam.step on 5 random states.\n")


def test_check_optimizer_step_wrong_submissions():
    def no_bias_correction(theta, grad, state):
        return reader_adam(theta, grad, state, bias_correction=False)
    message = _fails(check.check_optimizer_step, no_bias_correction, ToyAdam())
    assert "case 1 of 5: new theta is wrong" in message and "state = AState(" in message

    def wrong_beta2(theta, grad, state):
        return reader_adam(theta, grad, state, b2=0.99)
    # Adam's first step does not depend on beta2 (bias correction cancels it): v is where it shows
    assert "case 1 of 5: new state.v is wrong" in _fails(check.check_optimizer_step, wrong_beta2, ToyAdam())

    def forgets_step_count(theta, grad, state):
        new_theta, s = reader_adam(theta, grad, state)
        return new_theta, s._replace(step=state.step)
    assert "new state.step is wrong" in _fails(check.check_optimizer_step, forgets_step_count, ToyAdam())

    def square_root_missing(theta, grad, state):
        t = state.step + 1
        m, v = 0.9 * state.m + 0.1 * grad, 0.999 * state.v + 0.001 * grad ** 2
        return theta - 0.1 * (m / (1 - 0.9 ** t)) / (v / (1 - 0.999 ** t) + 1e-8), AState(m, v, t)
    assert "new theta is wrong" in _fails(check.check_optimizer_step, square_root_missing, ToyAdam())

    def nan_step(theta, grad, state):
        new_theta, s = reader_adam(theta, grad, state)
        return new_theta / 0.0 * 0.0, s
    with np.errstate(invalid="ignore", divide="ignore"):
        assert "non-finite" in _fails(check.check_optimizer_step, nan_step, ToyAdam())
    with pytest.raises(ValueError, match="'list'"):
        check.check_optimizer_step(reader_adam, ToyAdam(), state_as="list")
    with pytest.raises(ValueError, match="n_cases .* got 0"):
        check.check_optimizer_step(reader_adam, ToyAdam(), n_cases=0)


def test_check_optimizer_step_cases_have_history():
    seen = []

    def spy(theta, grad, state):
        seen.append(state.step)
        return reader_adam(theta, grad, state)
    check.check_optimizer_step(spy, ToyAdam(), n_cases=6, max_history=3)
    assert seen[0] == 0 and all(1 <= s <= 3 for s in seen[1:])


# --------------------------------------------------------------------------- check_schedule
def exponential(epoch, lr0=0.1, gamma=0.9):
    return lr0 * gamma ** epoch


def test_check_schedule_correct(capsys):
    def my_exponential(epoch):
        return 0.1 * 0.9 ** epoch
    check.check_schedule(my_exponential, exponential, epochs=15)
    check.check_schedule(my_exponential, [0.1, 0.09, 0.081])
    out = capsys.readouterr().out
    assert out == ("✓ my_exponential matches the reference schedule for epochs 0–14.\n"
                   "✓ my_exponential matches the reference schedule for epochs 0–2.\n")


def test_check_schedule_wrong_submissions():
    message = _fails(check.check_schedule, lambda e: 0.1 * 0.9 ** (e - 1), exponential)
    assert "one epoch late" in message and "from epoch 0 on (20 of 20 epochs wrong)" in message
    message = _fails(check.check_schedule, lambda e: 0.1 * 0.9 ** min(e, 9), exponential)
    assert "wrong from epoch 10 on (10 of 20" in message and "<- wrong" in message
    assert "     10" in message and "      8" in message                # table around epoch 10
    assert "0.2 ×" in _fails(check.check_schedule, lambda e: 0.02 * 0.9 ** e, exponential, epochs=5)

    def no_return(epoch):
        0.1 * 0.9 ** epoch
    message = _fails(check.check_schedule, no_return, exponential)
    assert "no_return returned None" in message and "forgot to 'return'" in message

    def crashes_late(epoch):
        return [0.1, 0.09][epoch]
    message = _fails(check.check_schedule, crashes_late, exponential)
    assert "raised IndexError" in message and "at epoch 2" in message

    def nan_at_3(epoch):
        return np.nan if epoch == 3 else exponential(epoch)
    assert "non-finite" in _fails(check.check_schedule, nan_at_3, exponential)
    with pytest.raises(ValueError, match="empty"):
        check.check_schedule(exponential, [])
    with pytest.raises(ValueError, match="epochs .* got 0"):
        check.check_schedule(exponential, exponential, epochs=0)


# --------------------------------------------------------------------------- with gdlab.optim
def test_check_optimizer_step_with_gdlab_optimizers(capsys):
    from gdlab import optim

    def my_momentum(theta, grad, state, lr=0.05, gamma=0.8):
        v = gamma * state.velocity + lr * grad
        return theta - v, state._replace(step=state.step + 1, velocity=v)
    check.check_optimizer_step(my_momentum, optim.Momentum(lr=0.05, gamma=0.8))
    # NAG's step has the momentum form; the gradient it is given is taken at the look-ahead point
    check.check_optimizer_step(my_momentum, optim.NAG(lr=0.05, gamma=0.8))

    def my_adam(theta, grad, state):
        new_theta, s = reader_adam(theta, grad, AState(state.m, state.v, state.step))
        return new_theta, {"step": s.step, "m": s.m, "v": s.v}
    check.check_optimizer_step(my_adam, optim.Adam(lr=0.1), shape=(4,))

    def velocity_only(theta, grad, state, lr=0.05, gamma=0.8):
        v = gamma * state["velocity"] + lr * grad
        return theta - v, {"velocity": v}
    check.check_optimizer_step(velocity_only, optim.Momentum(lr=0.05, gamma=0.8), state_as="dict",
                               ignore_fields=("step",))
    assert capsys.readouterr().out.count("✓") == 4

    message = _fails(check.check_optimizer_step, velocity_only, optim.Momentum(lr=0.05, gamma=0.8),
                     state_as="dict")
    assert "missing field(s) ['step']" in message

    def stale_counter(theta, grad, state, lr=0.05, gamma=0.8):
        v = gamma * state.velocity + lr * grad
        return theta - v, state._replace(velocity=v)
    message = _fails(check.check_optimizer_step, stale_counter, optim.Momentum(lr=0.05, gamma=0.8))
    assert "new state.step is wrong" in message and "state.step + 1" in message

    message = _fails(check.check_optimizer_step, my_momentum, optim.Momentum(lr=0.1, gamma=0.8))
    assert "for your step (new theta − theta), every value is 0.5 × the expected one" in message
    with pytest.raises(ValueError, match="'velocty'"):
        check.check_optimizer_step(my_momentum, optim.Momentum(), ignore_fields=("velocty",))
    with pytest.raises(TypeError, match="init"):
        check.check_optimizer_step(my_momentum, torch.optim.SGD)


# --------------------------------------------------------------------------- review fixes
def test_check_optimizer_step_with_like_torch_references(capsys):
    """torch's state has fields that are legitimately None (momentum_buffer without momentum,
    grad_avg unless centered, max_exp_avg_sq unless amsgrad): a correct answer passes."""
    from gdlab import optim

    def my_sgd(theta, grad, state, lr=0.1):
        return theta - lr * grad, state._replace(step=state.step + 1)

    def my_rmsprop(theta, grad, state, lr=1e-2, alpha=0.99, eps=1e-8):
        square_avg = alpha * state.square_avg + (1 - alpha) * grad * grad
        new_theta = theta - lr * grad / (np.sqrt(square_avg) + eps)
        return new_theta, state._replace(step=state.step + 1, square_avg=square_avg)

    def my_adam(theta, grad, state, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8):
        t = state.step + 1
        m = b1 * state.exp_avg + (1 - b1) * grad
        v = b2 * state.exp_avg_sq + (1 - b2) * grad * grad
        denom = np.sqrt(v) / np.sqrt(1 - b2 ** t) + eps
        return theta - lr / (1 - b1 ** t) * m / denom, state._replace(step=t, exp_avg=m, exp_avg_sq=v)

    check.check_optimizer_step(my_sgd, optim.like_torch("SGD", lr=0.1))
    check.check_optimizer_step(my_rmsprop, optim.like_torch("RMSprop"))
    check.check_optimizer_step(my_adam, optim.like_torch("Adam"), rtol=1e-6)

    def dict_sgd(theta, grad, state):
        return theta - 0.1 * grad, {"step": state["step"] + 1, "momentum_buffer": None}
    check.check_optimizer_step(dict_sgd, optim.like_torch("SGD", lr=0.1), state_as="dict")
    assert capsys.readouterr().out.count("✓") == 4

    def invents_a_buffer(theta, grad, state):
        return theta - 0.1 * grad, state._replace(step=state.step + 1, momentum_buffer=grad)
    message = _fails(check.check_optimizer_step, invents_a_buffer, optim.like_torch("SGD", lr=0.1))
    assert "new state.momentum_buffer is wrong" in message and "expected None, got [" in message


def test_a_step_counter_off_by_one_gets_no_zeros_hint():
    from gdlab import optim

    def step_zero(theta, grad, state, lr=0.05, gamma=0.8):
        v = gamma * state.velocity + lr * grad
        return theta - v, state._replace(step=0, velocity=v)
    message = _fails(check.check_optimizer_step, step_zero, optim.Momentum(lr=0.05, gamma=0.8))
    assert "new state.step is wrong" in message and "zeros" not in message
    assert "hint: off by −1." in message and "return state.step + 1" in message


def test_integers_get_no_ratio_hints():
    message = _fails(check.check_close, "smallest n", 52, 104)
    assert "expected: 104" in message and "got:      52" in message
    assert "factor" not in message and "hint" not in message
    assert "off by +1" in _fails(check.check_close, "count", 105, 104)
    assert "you returned zeros" not in _fails(check.check_close, "counts", np.zeros(2), np.array([1, 2]))
    assert "you returned 0: is a term missing?" in _fails(check.check_close, "loss", 0.0, 0.5)


def test_a_bool_is_not_a_number():
    message = _fails(check.check_close, "x", True, 1.0)
    assert "got True (a bool), expected a number like 1" in message
    assert "(a bool)" in _fails(check.check_close, "v", np.array([True, False]), [1.0, 0.0])
    assert "(a bool)" in _fails(check.check_close, "t", torch.tensor([True]), [1.0])
    assert "(a bool)" in _fails(check.check_schedule, lambda t: True, [1.0, 1.0])
    check.check_close("a flag", True, True)                          # bools where bools are expected


def test_argument_types():
    with pytest.raises(TypeError, match="n_cases must be an integer, got 2.5"):
        check.check_optimizer_step(reader_adam, ToyAdam(), n_cases=2.5)
    with pytest.raises(TypeError, match="seed must be an integer >= 0 .* got None"):
        check.check_optimizer_step(reader_adam, ToyAdam(), seed=None)
    with pytest.raises(TypeError, match="n_points must be an integer"):
        check.check_gradient(f, grad, shape=(3,), n_points=2.0)
    with pytest.raises(TypeError, match="scale must be a real number"):
        check.check_gradient(f, grad, shape=(3,), scale="1")
    with pytest.raises(TypeError, match="epochs must be an integer"):
        check.check_schedule(exponential, exponential, epochs=3.0)
    check.check_schedule(exponential, exponential, epochs=np.int64(3))      # NumPy integers are fine


# --------------------------------------------------------------------------- new in the reader-first revision
def test_starter_function_is_reported_as_not_implemented():
    def my_grad(theta):
        ...

    with pytest.raises(check.NotImplementedYet, match="my_grad returned None: it is not implemented yet"):
        check.check_gradient(f, my_grad, shape=(3,))

    def raises_not_implemented(theta):
        raise NotImplementedError

    with pytest.raises(check.NotImplementedYet, match="not implemented yet"):
        check.check_gradient(f, raises_not_implemented, shape=(3,))


def test_check_gradient_notices_swapped_arguments():
    message = _fails(check.check_gradient, grad, f, shape=(3,))
    assert "look swapped" in message and "check_gradient(f, grad_fn)" in message


def test_gradient_check_notices_swapped_arguments():
    from gdlab import calculus
    with pytest.raises(ValueError, match="look swapped"):
        calculus.gradient_check(grad, f, np.array([1.0, 2.0, 3.0]))


def test_check_equal(capsys):
    check.check_equal("steps", 42, 42)
    check.check_equal("flags", np.array([True, False]), [True, False])
    check.check_equal("name", "adam", "adam")
    assert capsys.readouterr().out.count("✓") == 3
    assert "off by +1" in _fails(check.check_equal, "steps", 43, 42)
    assert "wrong shape" in _fails(check.check_equal, "steps", [1, 2], [1, 2, 3])
    assert "forgot to 'return'" in _fails(check.check_equal, "steps", None, 42)
    assert "'sgd'" in _fails(check.check_equal, "name", "sgd", "adam")
    _fails(check.check_equal, "steps", 42.5, 42)


def test_check_between(capsys):
    check.check_between("loss", 0.15, 0.1, 0.2)
    assert "✓ loss = 0.15 is in [0.1, 0.2]." in capsys.readouterr().out
    assert "above the target range" in _fails(check.check_between, "loss", 0.3, 0.1, 0.2)
    assert "below the target range" in _fails(check.check_between, "loss", 0.0, 0.1, 0.2)
    assert "hint: average over more seeds" in _fails(check.check_between, "loss", 0.0, 0.1, 0.2,
                                                    hint="average over more seeds")
    assert "non-finite" in _fails(check.check_between, "loss", float("nan"), 0.1, 0.2)
    with pytest.raises(ValueError, match="low must be <= high"):
        check.check_between("loss", 0.15, 0.2, 0.1)
    with pytest.raises(check.NotImplementedYet, match="not implemented yet"):
        check.check_between("loss", None, 0.1, 0.2)
    with pytest.raises(check.NotImplementedYet, match=r"is \.\.\.: it is not implemented yet"):
        check.check_close("loss", ..., 0.1)
    with pytest.raises(check.NotImplementedYet, match="not implemented yet"):
        check.check_equal("steps", None, 3)


def test_messages_carry_no_backticks():
    # a starter's traceback is shown on the web page, and Pygments' traceback lexer fails on backticks
    for message in (_fails(check.check_close, "g", None, 1.0),
                    _fails(check.check_equal, "n", None, 1),
                    _fails(check.check_gradient, f, lambda t: None, shape=(3,))):
        assert "`" not in message


def test_an_exception_in_the_reader_function_says_what_to_fix():
    def wrong_signature(theta, extra):
        return theta

    message = _fails(check.check_gradient, f, wrong_signature, shape=(3,))
    assert "raised TypeError" in message and "an array of shape (3,)" in message
    assert "parameters match" in message

    def bad_index(theta):
        return np.array([theta[5], 0.0, 0.0])

    message = _fails(check.check_gradient, f, bad_index, shape=(3,))
    assert "raised IndexError" in message and "check the shapes" in message

    def undefined(theta):
        return theta * not_defined_anywhere  # noqa: F821

    assert "set-up cell" in _fails(check.check_gradient, f, undefined, shape=(3,))


def test_a_wrong_non_square_matrix_gets_no_transpose_hint_and_no_crash():
    expected = np.arange(6.0).reshape(2, 3)
    message = _fails(check.check_close, "W", expected + np.array([0.0, 1.0, 0.0]), expected)
    assert "transpose" not in message
    assert "transpose" in _fails(check.check_close, "W", np.arange(4.0).reshape(2, 2).T,
                                 np.arange(4.0).reshape(2, 2))
