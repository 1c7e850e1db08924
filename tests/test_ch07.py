"""Chapter 7 (Adam and its family): the exercise checker check_uncorrected_first_step, the
exercises' use of check_optimizer_step, and regression checks of the numbers the page quotes.

The chapter's numbers are read from its own variables: the notebook's code cells run once per test
process (`namespace`), and the tests below share that run.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from gdlab import check, optim, surfaces
from nbrun import namespace  # tests/nbrun.py
from expect import checker_fails as _fails  # tests/expect.py


# --------------------------------------------------------------------------- check_uncorrected_first_step
def first_step(g, lr, beta1, beta2, eps):
    return -lr * (1 - beta1) * g / (math.sqrt(1 - beta2) * np.abs(g) + eps)


def test_uncorrected_first_step_correct(capsys):
    check.check_uncorrected_first_step(first_step)
    check.check_uncorrected_first_step(first_step, n_cases=20, seed=4)

    def by_running_adam(g, lr, beta1, beta2, eps):  # another right answer: one step of the rule
        m, v = (1 - beta1) * g, (1 - beta2) * g**2
        return -lr * m / (np.sqrt(v) + eps)

    check.check_uncorrected_first_step(by_running_adam)
    out = capsys.readouterr().out
    assert out.count("✓") == 3 and "all 20 cases" in out and "3.16 η" in out


@pytest.mark.parametrize("wrong, expected", [
    (lambda g, lr, b1, b2, eps: -lr * g / (np.abs(g) + eps), "bias-corrected first step"),
    (lambda g, lr, b1, b2, eps: -lr * (1 - b2) * g / (math.sqrt(1 - b1) * np.abs(g) + eps),
     "β1 and β2 are swapped"),
    (lambda g, lr, b1, b2, eps: -lr * (1 - b1) * g / np.sqrt((1 - b2) * g**2 + eps),
     "outside the square root"),
    (lambda g, lr, b1, b2, eps: -lr * (1 - b1) * g / (math.sqrt(1 - b2) * np.abs(g)),
     "ε is missing"),
    (lambda g, lr, b1, b2, eps: -lr * (1 - b1) * g / ((1 - b2) * g**2 + eps), "square root of v_1"),
    (lambda g, lr, b1, b2, eps: -first_step(g, lr, b1, b2, eps), "sign is flipped"),
    (lambda g, lr, b1, b2, eps: 10 * first_step(g, lr, b1, b2, eps), "constant factor"),
])
def test_uncorrected_first_step_wrong(wrong, expected):
    message = _fails(check.check_uncorrected_first_step, wrong)
    assert expected in message and "case" in message and "beta2 =" in message


def test_uncorrected_first_step_starter_raising_and_in_place():
    def starter(g, lr, beta1, beta2, eps):
        ...

    with pytest.raises(check.NotImplementedYet, match="not implemented yet"):
        check.check_uncorrected_first_step(starter)
    assert "raised ZeroDivisionError" in _fails(check.check_uncorrected_first_step,
                                                lambda g, lr, b1, b2, eps: 1 / 0)

    def in_place(g, lr, beta1, beta2, eps):
        g *= -lr * (1 - beta1) / (math.sqrt(1 - beta2) * np.abs(g) + eps)
        return g

    assert "changed its argument g in place" in _fails(check.check_uncorrected_first_step, in_place)
    assert "wrong shape" in _fails(check.check_uncorrected_first_step,
                                   lambda g, lr, b1, b2, eps: first_step(g, lr, b1, b2, eps).sum())


def test_uncorrected_first_step_arguments():
    with pytest.raises(ValueError):
        check.check_uncorrected_first_step(first_step, n_cases=0)
    with pytest.raises(TypeError):
        check.check_uncorrected_first_step(first_step, seed=1.5)


# --------------------------------------------------------------------------- the exercises' steps
def test_exercise_steps_against_the_torch_forms(capsys):
    ns = namespace("07_adam")
    check.check_optimizer_step(ns["torch_amsgrad_step"], optim.like_torch("Adam", lr=0.1, amsgrad=True),
                               n_cases=10, seed=3)
    check.check_optimizer_step(ns["torch_nadam_step"], optim.like_torch("NAdam", lr=0.1),
                               n_cases=10, seed=3)

    def paper_amsgrad(theta, grad, state, lr=0.1, betas=(0.9, 0.999), eps=1e-8):
        # the paper's form: no bias correction, so it is not PyTorch's
        beta1, beta2 = betas
        m = beta1 * state.exp_avg + (1 - beta1) * grad
        v = beta2 * state.exp_avg_sq + (1 - beta2) * grad**2
        v_max = np.maximum(state.max_exp_avg_sq, v)
        return theta - lr * m / (np.sqrt(v_max) + eps), state._replace(
            step=state.step + 1, exp_avg=m, exp_avg_sq=v, max_exp_avg_sq=v_max)

    assert "new theta" in _fails(check.check_optimizer_step, paper_amsgrad,
                                 optim.like_torch("Adam", lr=0.1, amsgrad=True))

    def nadam_without_schedule(theta, grad, state, lr=0.1, betas=(0.9, 0.999), eps=1e-8):
        return optim.Nadam(lr=lr).step(theta, grad, (state.step, state.exp_avg, state.exp_avg_sq))

    assert "✗" in _fails(check.check_optimizer_step, nadam_without_schedule,
                         optim.like_torch("NAdam", lr=0.1))
    assert capsys.readouterr().out.count("✓") == 2


# --------------------------------------------------------------------------- the page's numbers
def test_numbers_quoted_on_the_page():
    ns = namespace("07_adam")
    # bias correction: the uncorrected steps for a constant gradient
    unc = ns["uncorrected"]
    assert unc[0] == pytest.approx(0.1 / math.sqrt(0.001), rel=1e-6)
    assert int(np.argmax(unc)) + 1 == 12 and unc.max() == pytest.approx(6.5685, abs=1e-3)
    # invariance: 3e-7 at c = 1e-3 (Rosenbrock, 500 steps)
    rosen = ns["rosen"]
    scaled = ns["run_rule"](ns["adam_step"], lambda th: 1e-3 * rosen.grad(th), rosen.start, 500, lr=0.01)
    assert 1e-7 < ns["gap"](scaled, ns["plain"]) < 1e-6
    # the step-length streams
    lengths = ns["lengths"]
    assert lengths["one spike after zeros"][0] == pytest.approx(3.1516, abs=1e-4)
    assert lengths["growing 11 % a step after zeros"].max() == pytest.approx(7.247, abs=1e-3)
    # Nadam: 1.9 η and 1.056 η, steps to 1e-3
    loss_n = ns["loss_n"]
    first = {k: int(np.flatnonzero(v < 1e-3)[0]) for k, v in loss_n.items()}
    assert first == {"Adam": 1960, "Nadam (survey)": 1736, "NAdam (PyTorch)": 1931}
    # the counterexample
    online = ns["online"]
    assert online["Adam"][0][-1] > 0.99 and online["AMSGrad"][0][-1] < -0.99
    assert online["Adam"][1][-1] == pytest.approx(0.6748, abs=1e-4)
    # AdamW: the per-weight decay
    assert ns["decay_paths"]["AdamW"][-1] == pytest.approx(np.full(4, 0.05), abs=0.015)
    assert ns["decay_paths"]["Adam + L2"][-1][:2] == pytest.approx([0, 0], abs=0.01)


def test_growing_stream_in_torch_optim_adam():
    """The 7.25 η step of the growing stream, in torch.optim.Adam itself (the page uses gdlab's port)."""
    K = 60
    stream = np.r_[np.zeros(5000), (0.999 / 0.9) ** np.arange(K)]
    p = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([p], lr=1.0)
    path = [0.0]
    for g in stream:
        p.grad = torch.tensor([g], dtype=torch.float64)
        opt.step()
        path.append(p.item())
    steps = np.abs(np.diff(path))[-K:]
    assert steps.max() == pytest.approx(7.247, abs=1e-3)
    assert steps.max() > 0.1 / math.sqrt(0.001) * 2      # far beyond the paper's 3.16 η


def test_nadam_paper_vs_torch_on_the_pages_problem():
    """The two Nadams part by about 0.22 on Rosenbrock with η = 0.02 (2000 steps)."""
    rosen = surfaces.rosenbrock()
    paper = optim.run(optim.Nadam(lr=0.02), rosen.grad, rosen.start, 2000)
    theirs = optim.run(optim.like_torch("NAdam", lr=0.02), rosen.grad, rosen.start, 2000)
    assert np.abs(paper - theirs).max() == pytest.approx(0.2235, abs=1e-3)
