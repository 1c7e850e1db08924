"""Chapter 1 (what a network learns): the exercise checkers of gdlab.check, and the regression
checks that used to be visible asserts on the page (numbers quoted in the prose, the side-by-side
training loop against the plain one).

The chapter's numbers are read from its own variables: the notebook's code cells run once per test
process (`namespace`), and the tests below share that run.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from gdlab import check
from nbrun import namespace  # tests/nbrun.py
from expect import checker_fails as _fails  # tests/expect.py

CHAPTER = "01_what_a_network_learns"


# --------------------------------------------------------------------------- check_parameter_count
def count_parameters(sizes):
    return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def test_parameter_count_reference_is_torch():
    rng = np.random.default_rng(1)
    for _ in range(10):
        sizes = [int(n) for n in rng.integers(1, 300, size=rng.integers(2, 6))]
        layers = [nn.Linear(a, b, device="meta") for a, b in zip(sizes[:-1], sizes[1:])]
        assert check._parameter_count(sizes) == sum(p.numel() for m in layers for p in m.parameters())


def test_parameter_count_correct(capsys):
    check.check_parameter_count(count_parameters)
    check.check_parameter_count(lambda sizes: np.int64(count_parameters(sizes)), n_cases=20, seed=5)
    check.check_parameter_count(lambda sizes: float(count_parameters(sizes)))   # 26.0 is a count too
    out = capsys.readouterr().out
    assert out.count("✓") == 3 and "9 networks" in out and "21 networks" in out


def test_parameter_count_wrong(capsys):
    pairs = lambda s: zip(s[:-1], s[1:])  # noqa: E731
    message = _fails(check.check_parameter_count, lambda s: sum(a * b for a, b in pairs(s)))
    assert "sizes = [3, 4, 2]" in message and "expected: 26" in message and "biases are missing" in message
    assert "add the n_in × n_out weights" in _fails(check.check_parameter_count,
                                                    lambda s: sum(b for _, b in pairs(s)))
    assert "not per input" in _fails(check.check_parameter_count,
                                     lambda s: sum(a * b + a for a, b in pairs(s)))
    assert "off by +1" in _fails(check.check_parameter_count, lambda s: count_parameters(s) + 1)
    assert "whole number" in _fails(check.check_parameter_count, lambda s: [count_parameters(s)])
    assert "whole number" in _fails(check.check_parameter_count, lambda s: 26.5)
    message = _fails(check.check_parameter_count, lambda s: s[5])
    assert "raised IndexError" in message and "sizes = [3, 4, 2]" in message

    def starter(sizes):
        ...

    with pytest.raises(check.NotImplementedYet, match="not implemented yet"):
        check.check_parameter_count(starter)
    assert capsys.readouterr().out == ""


def test_parameter_count_bad_arguments():
    with pytest.raises(TypeError):
        check.check_parameter_count([3, 4, 2])
    with pytest.raises(ValueError):
        check.check_parameter_count(count_parameters, n_cases=0)


# --------------------------------------------------------------------------- check_relu_network
def abs_weights():
    return np.array([[1.0], [-1.0]]), np.zeros(2), np.array([[1.0, 1.0]]), np.zeros(1)


def max_weights():
    W1 = np.array([[1.0, -1.0], [0.0, 1.0], [0.0, -1.0]])
    return W1, np.zeros(3), np.array([[1.0, 1.0, -1.0]]), np.zeros(1)


def test_relu_network_correct(capsys):
    check.check_relu_network(abs_weights, np.abs)
    check.check_relu_network(max_weights, np.maximum, n_inputs=2, n_points=500, seed=3)

    def as_torch_and_lists():  # tensors with gradients, flat vectors, a plain number
        W1 = torch.tensor([[1.0], [-1.0]], requires_grad=True)
        return W1, [0.0, 0.0], torch.tensor([1.0, 1.0]), 0.0

    check.check_relu_network(as_torch_and_lists, np.abs)
    out = capsys.readouterr().out
    assert out.count("✓") == 3 and "2 hidden units" in out and "3 hidden units" in out
    assert "np.maximum at 503 inputs" in out


def test_relu_network_wrong(capsys):
    def one_hinge():
        return np.array([[1.0]]), np.zeros(1), np.array([[1.0]]), np.zeros(1)

    message = _fails(check.check_relu_network, one_hinge, np.abs)
    assert "does not compute np.absolute at input x = " in message and "expected:" in message

    def flipped():
        W1, b1, W2, b2 = abs_weights()
        return W1, b1, -W2, b2

    assert "sign is flipped" in _fails(check.check_relu_network, flipped, np.abs)

    def max_transposed():
        W1, b1, W2, b2 = max_weights()
        return W1.T, b1, W2, b2

    assert "W1 looks transposed" in _fails(check.check_relu_network, max_transposed, np.maximum,
                                           n_inputs=2)

    def w2_column():
        W1, b1, W2, b2 = abs_weights()
        return W1, b1, W2.T, b2

    assert "W2 looks transposed" in _fails(check.check_relu_network, w2_column, np.abs)

    def wrong_bias_shape():
        W1, _, W2, b2 = abs_weights()
        return W1, np.zeros(3), W2, b2

    assert "b1 has shape (3,)" in _fails(check.check_relu_network, wrong_bias_shape, np.abs)
    message = _fails(check.check_relu_network, lambda: abs_weights()[:3], np.abs)
    assert "four arrays" in message and "return W1, b1, W2, b2" in message
    message = _fails(check.check_relu_network, lambda: np.ones(3)[5], np.abs)
    assert "raised IndexError" in message
    assert "arguments look swapped" in _fails(check.check_relu_network, np.abs, abs_weights)

    def starter():
        ...

    with pytest.raises(check.NotImplementedYet, match="not implemented yet"):
        check.check_relu_network(starter, np.abs)
    assert capsys.readouterr().out == ""


def test_relu_network_bad_arguments():
    with pytest.raises(TypeError):
        check.check_relu_network(abs_weights(), np.abs)
    with pytest.raises(ValueError):
        check.check_relu_network(abs_weights, np.abs, n_inputs=0)
    with pytest.raises(ValueError):
        check.check_relu_network(abs_weights, np.abs, scale=0.0)


# --------------------------------------------------------------------------- check_best_line
def best_line(x, y):
    m = (np.mean(x * y) - x.mean() * y.mean()) / (np.mean(x ** 2) - x.mean() ** 2)
    return m, y.mean() - m * x.mean()


def test_best_line_correct(capsys):
    check.check_best_line(best_line)
    check.check_best_line(lambda x, y: np.polyfit(x, y, 1), n_cases=20, seed=7)   # an array pair
    check.check_best_line(lambda x, y: list(best_line(x, y)))
    out = capsys.readouterr().out
    assert out.count("✓") == 3 and "20 random data sets" in out


def test_best_line_wrong(capsys):
    assert "you returned (c, m)" in _fails(check.check_best_line, lambda x, y: best_line(x, y)[::-1])

    def wrong_intercept(x, y):
        m, _ = best_line(x, y)
        return m, y.mean() + m * x.mean()

    message = _fails(check.check_best_line, wrong_intercept)
    assert "c is wrong" in message and "the slope is right" in message and "data set 1 of 5" in message

    def variance_of_y(x, y):  # cov / var(y): the regression of x on y
        m = (np.mean(x * y) - x.mean() * y.mean()) / (np.mean(y ** 2) - y.mean() ** 2)
        return m, y.mean() - m * x.mean()

    assert "m is wrong" in _fails(check.check_best_line, variance_of_y)

    def in_place(x, y):
        x -= x.mean()
        return best_line(x, y)

    assert "changed x or y in place" in _fails(check.check_best_line, in_place)
    message = _fails(check.check_best_line, lambda x, y: best_line(x, y)[0])
    assert "return the pair (m, c)" in message or "return m, c" in message
    assert "raised TypeError" in _fails(check.check_best_line, lambda x: best_line(x, x))

    def starter(x, y):
        ...

    with pytest.raises(check.NotImplementedYet, match="not implemented yet"):
        check.check_best_line(starter)
    assert capsys.readouterr().out == ""


def test_best_line_bad_arguments():
    with pytest.raises(TypeError):
        check.check_best_line((1.5, 2.0))
    with pytest.raises(ValueError):
        check.check_best_line(best_line, n_cases=0)


# --------------------------------------------------------------------------- check_box_dimension
def smallest_dimension(n):
    d = 1
    while ((n - 1) / (n + 1)) ** d >= 0.5:
        d += 1
    return d


def test_box_dimension_reference():
    assert check._half_box_dimension(1000) == 347
    assert check._half_box_dimension(3) == 2        # (2/4)^1 = 1/2 exactly: not below one half
    for n in [4, 10, 99, 1000, 4321, 20_000]:
        d = check._half_box_dimension(n)
        assert 2 * (n - 1) ** d < (n + 1) ** d                      # exact: below one half at d ...
        assert d == 1 or 2 * (n - 1) ** (d - 1) >= (n + 1) ** (d - 1)  # ... and not at d - 1
        assert ((n - 1) / (n + 1)) ** d < 0.5 <= ((n - 1) / (n + 1)) ** (d - 1)
        assert abs(d - n * math.log(2) / 2) < 1


def test_box_dimension_correct(capsys):
    check.check_box_dimension(smallest_dimension)
    check.check_box_dimension(lambda n: math.floor(math.log(0.5) / math.log((n - 1) / (n + 1))) + 1,
                              n_cases=30, seed=2)
    check.check_box_dimension(lambda n: float(smallest_dimension(n)))
    out = capsys.readouterr().out
    assert out.count("✓") == 3 and "7 numbers" in out and "31 numbers" in out


def test_box_dimension_wrong(capsys):
    message = _fails(check.check_box_dimension, lambda n: smallest_dimension(n) - 1)
    assert "n = 1000" in message and "expected: 347" in message and "off by −1" in message
    assert "off by +1" in _fails(check.check_box_dimension, lambda n: smallest_dimension(n) + 1)
    assert "expected: 347" in _fails(check.check_box_dimension, lambda n: round(n * math.log(2) / 2) + 5)
    assert "whole number" in _fails(check.check_box_dimension, lambda n: n * math.log(2) / 2)
    assert "raised ZeroDivisionError" in _fails(check.check_box_dimension, lambda n: 1 / 0)

    def starter(n):
        ...

    with pytest.raises(check.NotImplementedYet, match="not implemented yet"):
        check.check_box_dimension(starter)
    assert capsys.readouterr().out == ""


def test_box_dimension_bad_arguments():
    with pytest.raises(TypeError):
        check.check_box_dimension(347)
    with pytest.raises(ValueError):
        check.check_box_dimension(smallest_dimension, n_cases=0)


# --------------------------------------------------------------------------- the chapter's numbers
@pytest.fixture(scope="module")
def ns():
    return namespace(CHAPTER)


def test_side_by_side_training_is_training_one_by_one(ns):
    """The folded side-by-side trainer takes the same Adam steps as the plain loop on the page."""
    widths = ns["widths"]
    together = ns["train_side_by_side"]([ns["new_network"](w) for w in widths], steps=50)
    for k in (1, 3, 5):
        alone = ns["train_one_hidden"](widths[k], steps=50)
        for p_alone, p_together in zip(alone.parameters(), together[k].parameters()):
            torch.testing.assert_close(p_alone, p_together, rtol=1e-10, atol=1e-12)


def test_numbers_quoted_in_the_text(ns):
    assert ns["n_weights"] == 26
    assert f"{ns['unexplained']:.1%}" == "4.5%"      # the tanh network is not linear
    assert ns["max_f2"] == 9.6
    loss, built = ns["trained_loss"], ns["built_loss"]
    assert all(loss[w] > 10 * built[w] for w in (16, 32))
    assert round(ns["bug_loss"], 2) == 0.74
    assert ns["best"] == 3 and ns["test_rms"][-1] > 100 * ns["truth_rms"]
    assert ns["hull_inside"][12].mean() <= 0.05 and ns["box_fraction"][128] < 0.5
    assert ns["d_binary"] == 119 and ns["d_grid"] + 1 == 16 and ns["n_deep"] == 6_006_000
    assert round(ns["m_star"], 1) == 1.5 and round(ns["c_star"], 1) == 2.1


def test_exercise_solutions_as_written_in_the_chapter(ns, capsys):
    check.check_parameter_count(ns["count_parameters"])
    check.check_relu_network(ns["abs_weights"], np.abs)
    check.check_relu_network(ns["max_weights"], np.maximum, n_inputs=2)
    check.check_best_line(ns["best_line"])
    check.check_box_dimension(ns["smallest_dimension"])
    assert ns["d_half"] == 347
    assert 0.9 <= ns["error_ratio_degree_11"](100) <= 1.2
    assert ns["error_ratio_degree_11"](12) > 100
    assert capsys.readouterr().out.count("✓") == 5
