"""Chapter 6 (a learning rate per parameter: Adagrad, Adadelta, RMSprop): the exercise checkers it
added to gdlab.check, and the regression checks behind the page's numbers (the prose, the ✓ lines and
the verdict table), plus "ours == gdlab's == torch's" on more cases than the page shows.

The chapter's numbers are read from its own variables: the notebook's code cells run once per test
process (`namespace`), and the tests below share that run.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from gdlab import check, data, losses, optim
from nbrun import namespace  # tests/nbrun.py
from expect import checker_fails as _fails  # tests/expect.py


@pytest.fixture(scope="module")
def ns():
    return namespace("06_adaptive_rates")


# --------------------------------------------------------------------------- check_adagrad_rate
def adagrad_rate(t, g, lr):
    return lr / (abs(g) * np.sqrt(t))


def test_adagrad_rate_correct(capsys):
    check.check_adagrad_rate(adagrad_rate)
    check.check_adagrad_rate(lambda t, g, lr: lr / np.sqrt(t * g * g + 1e-8), n_random=10, seed=4)
    check.check_adagrad_rate(lambda t, g, lr: np.float64(lr) / np.sqrt(t * g**2))  # NumPy scalars
    out = capsys.readouterr().out
    assert out.count("✓") == 3 and "in all 7 cases" in out and "in all 13 cases" in out


@pytest.mark.parametrize("wrong, clue", [
    (lambda t, g, lr: lr / (g * np.sqrt(t)), "negative for a negative gradient"),
    (lambda t, g, lr: lr / (g * g * t), "without the root"),
    (lambda t, g, lr: lr * np.sign(g) / np.sqrt(t), "that is the step"),
    (lambda t, g, lr: lr / (abs(g) * np.sqrt(t + 1)), "off by one"),
    (lambda t, g, lr: lr / (abs(g) * np.sqrt(max(t - 1, 1))), "off by one"),
    (lambda g, t, lr: lr / (abs(g) * np.sqrt(t)), "order of the arguments is (t, g, lr)"),
    (lambda t, g, lr: 1 / (abs(g) * np.sqrt(t)), "learning rate lr is missing"),
    (lambda t, g, lr: 2 * lr / (abs(g) * np.sqrt(t)), "constant factor"),
])
def test_adagrad_rate_wrong(wrong, clue):
    assert clue in _fails(check.check_adagrad_rate, wrong)


def test_adagrad_rate_bad_outputs_and_inputs():
    assert "(a str)" in _fails(check.check_adagrad_rate, lambda t, g, lr: "0.1")
    message = _fails(check.check_adagrad_rate, lambda t, g, lr: np.array([lr, lr]))
    assert "wrong shape" in message
    message = _fails(check.check_adagrad_rate, lambda t, g, lr: lr / 0 if t == 1 else lr)
    assert "raised ZeroDivisionError" in message and "t = 1" in message
    with pytest.raises(check.NotImplementedYet):
        check.check_adagrad_rate(lambda t, g, lr: None)
    with pytest.raises(TypeError):
        check.check_adagrad_rate(0.1)
    with pytest.raises(ValueError):
        check.check_adagrad_rate(adagrad_rate, n_random=-1)


def test_adagrad_rate_reference_is_the_formula():
    # the checker measures the rate on runs of optim.Adagrad; that is η / √(t g² + ε) exactly
    for t, g, lr in [(1, 2.5, 0.01), (7, -0.3, 0.5), (1999, 0.11, 0.02)]:
        measured = check._adagrad_rate_run(t, g, lr)
        assert measured == pytest.approx(lr / np.sqrt(t * g * g + 1e-8), rel=1e-12)


# --------------------------------------------------------------------------- check_torch_steps
def adadelta_step(theta, grad, state, rho=0.9, eps=1e-6):
    square_avg = rho * state["square_avg"] + (1 - rho) * grad**2
    delta = np.sqrt(state["acc_delta"] + eps) / np.sqrt(square_avg + eps) * grad
    acc_delta = rho * state["acc_delta"] + (1 - rho) * delta**2
    return theta - delta, {"square_avg": square_avg, "acc_delta": acc_delta}


def rmsprop_step(theta, grad, state, lr=0.01, alpha=0.9, eps=1e-8, momentum=0.5):
    v = alpha * state["square_avg"] + (1 - alpha) * grad**2
    m = alpha * state["grad_avg"] + (1 - alpha) * grad
    b = momentum * state["momentum_buffer"] + grad / (np.sqrt(v - m**2) + eps)
    return theta - lr * b, {"square_avg": v, "grad_avg": m, "momentum_buffer": b}


def adagrad_torch_step(theta, grad, state, lr=0.1, eps=1e-10):
    s = state["sum"] + grad**2
    return theta - lr * grad / (np.sqrt(s) + eps), {"sum": s}


def test_torch_steps_correct(capsys):
    check.check_torch_steps(adadelta_step, torch.optim.Adadelta, rho=0.9, eps=1e-6)
    check.check_torch_steps(adadelta_step, "Adadelta", steps=40, n_cases=2, size=7, seed=3)
    check.check_torch_steps(rmsprop_step, "RMSprop", lr=0.01, alpha=0.9, eps=1e-8, momentum=0.5,
                            centered=True)
    check.check_torch_steps(adagrad_torch_step, "Adagrad", lr=0.1)
    # Adagrad's initial accumulator is handed to the reader as torch creates it
    check.check_torch_steps(adagrad_torch_step, "Adagrad", lr=0.1, initial_accumulator_value=0.5)
    out = capsys.readouterr().out
    assert out.count("✓") == 5 and "torch.optim.Adadelta(rho=0.9, eps=1e-06) for 20 steps" in out


def test_torch_steps_wrong():
    def forgets_acc_delta(theta, grad, state):
        new_theta, new_state = adadelta_step(theta, grad, state)
        return new_theta, {"square_avg": new_state["square_avg"], "acc_delta": state["acc_delta"]}

    message = _fails(check.check_torch_steps, forgets_acc_delta, "Adadelta")
    assert "new_state['acc_delta']" in message and "theta is still right" in message
    assert "is the old value" in message

    def zeiler_sign(theta, grad, state):  # adds PyTorch's delta instead of subtracting it
        new_theta, new_state = adadelta_step(theta, grad, state)
        return 2 * theta - new_theta, new_state

    message = _fails(check.check_torch_steps, zeiler_sign, "Adadelta")
    assert "step 1 (case 1)" in message and "sign is flipped" in message

    def swapped(grad, theta, state):
        return adadelta_step(theta, grad, state)

    assert "you swapped theta and grad" in _fails(check.check_torch_steps, swapped, "Adadelta")

    def other_rho(theta, grad, state):
        return adadelta_step(theta, grad, state, rho=0.95)

    assert "differs from torch.optim.Adadelta" in _fails(check.check_torch_steps, other_rho,
                                                         "Adadelta", rho=0.9)

    def only_theta(theta, grad, state):
        return adadelta_step(theta, grad, state)[0]

    assert "must return (new_theta, new_state)" in _fails(check.check_torch_steps, only_theta,
                                                          "Adadelta")

    def missing_key(theta, grad, state):
        new_theta, new_state = adadelta_step(theta, grad, state)
        return new_theta, {"square_avg": new_state["square_avg"]}

    assert "torch's keys" in _fails(check.check_torch_steps, missing_key, "Adadelta")

    def crashes(theta, grad, state):
        return theta - state["exp_avg"], state

    message = _fails(check.check_torch_steps, crashes, "Adadelta")
    assert "raised KeyError" in message and "step 1 of 20" in message
    with pytest.raises(check.NotImplementedYet):
        check.check_torch_steps(lambda theta, grad, state: None, "Adadelta")


def test_torch_steps_bad_arguments():
    with pytest.raises(TypeError):
        check.check_torch_steps(adadelta_step, "NoSuchOptimizer")
    with pytest.raises(TypeError):
        check.check_torch_steps(adadelta_step, optim.Adadelta())
    with pytest.raises(TypeError):
        check.check_torch_steps("adadelta", "Adadelta")
    with pytest.raises(ValueError):
        check.check_torch_steps(adadelta_step, "Adadelta", steps=0)


# --------------------------------------------------------------------------- the page's solutions
def test_solutions_of_the_page_pass(ns, capsys):
    check.check_optimizer_step(ns["adagrad_step"], optim.Adagrad(lr=0.01, eps=1e-8),
                               state_as="dict", ignore_fields=("step",), n_cases=10, seed=5)
    check.check_adagrad_rate(ns["adagrad_rate"], n_random=12, seed=9)
    check.check_torch_steps(ns["adadelta_step"], "Adadelta", rho=0.9, eps=1e-6, steps=50, seed=2)
    assert ns["steps_to_adapt"](optim.RMSprop(0.01, 0.9)) == 102
    assert ns["steps_to_adapt"](optim.RMSprop(0.01, 0.99)) == 1047
    assert ns["g_one_percent"] == pytest.approx(7.049e-4, rel=1e-3)
    assert capsys.readouterr().out.count("✓") == 3


# --------------------------------------------------------------------------- the from-scratch loops
def _quadratic(seed, n=5):
    rng = np.random.default_rng(seed)
    q = np.linalg.qr(rng.standard_normal((n, n)))[0]
    a = (q * rng.uniform(0.1, 10, n)) @ q.T
    b = rng.standard_normal(n)
    return (lambda th: a @ th - b), rng.standard_normal(n)


# Near a minimum these methods divide tiny gradients by their tiny RMS, so rounding differences
# (a*b*c against a*(b*c)) can grow by a factor of several per step: the runs below are short.
STEPS = 30


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_loops_equal_gdlab_on_more_problems(ns, seed):
    grad, start = _quadratic(seed)
    for lr in (0.01, 0.5):
        np.testing.assert_allclose(ns["adagrad"](grad, start, lr=lr, steps=STEPS),
                                   optim.run(optim.Adagrad(lr=lr), grad, start, STEPS),
                                   rtol=1e-11, atol=1e-13)
    for rho, eps in [(0.9, 1e-6), (0.95, 1e-4)]:
        np.testing.assert_allclose(ns["adadelta"](grad, start, rho=rho, eps=eps, steps=STEPS),
                                   optim.run(optim.Adadelta(rho=rho, eps=eps), grad, start, STEPS),
                                   rtol=1e-11, atol=1e-13)
    for gamma in (0.9, 0.99):
        np.testing.assert_allclose(ns["rmsprop"](grad, start, lr=0.01, gamma=gamma, steps=STEPS),
                                   optim.run(optim.RMSprop(lr=0.01, gamma=gamma), grad, start,
                                             STEPS),
                                   rtol=1e-11, atol=1e-13)


@pytest.mark.parametrize("options", [{}, {"alpha": 0.9}, {"centered": True}, {"momentum": 0.9},
                                     {"alpha": 0.95, "centered": True, "momentum": 0.3}])
def test_rmsprop_torch_step_equals_torch(ns, options):
    grad, start = _quadratic(7)
    step = ns["rmsprop_torch_step"]
    theta, state = start, (0 * start, 0 * start, 0 * start)
    ours = [theta]
    for _ in range(STEPS):
        theta, state = step(theta, grad(theta), state, lr=0.01, **options)
        ours.append(theta)
    theirs = ns["torch_path"](lambda ps: torch.optim.RMSprop(ps, lr=0.01, **options), grad, start,
                              STEPS)
    np.testing.assert_allclose(np.array(ours), theirs, rtol=1e-11, atol=1e-13)


def test_adadelta_first_step_is_rmsprop_with_root_eps(ns):
    grad, start = _quadratic(3)
    for rho in (0.9, 0.95):
        for eps in (1e-8, 1e-6, 1e-3):
            np.testing.assert_allclose(
                ns["adadelta"](grad, start, rho=rho, eps=eps, steps=1)[1],
                ns["rmsprop"](grad, start, lr=np.sqrt(eps), gamma=rho, eps=eps, steps=1)[1],
                rtol=1e-14)


def test_minibatch_rates_follow_run_minibatch(ns):
    for opt in (optim.RMSprop(lr=0.03), optim.Adadelta(eps=1e-2)):
        path, rates = ns["minibatch_rates"](opt, epochs=3)
        reference = optim.run_minibatch(losses.least_squares_grad, ns["sparse"].X, ns["sparse"].y,
                                        ns["w0"], epochs=3, batch_size=50, seed=0, optimizer=opt)
        np.testing.assert_array_equal(path, reference.path)
        assert rates.shape == (300, 20) and np.all(rates > 0)


def test_effective_rate_is_the_factor_of_the_gradient(ns):
    # Δθ = −(effective rate) · g for the three methods, from any state
    rng = np.random.default_rng(0)
    for opt in (optim.Adagrad(lr=0.1), optim.RMSprop(lr=0.01), optim.Adadelta()):
        theta, state = rng.standard_normal(4), opt.init(np.zeros(4))
        for _ in range(5):
            g = rng.standard_normal(4)
            new_theta, new_state = opt.step(theta, g, state)
            np.testing.assert_allclose(new_theta - theta,
                                       -ns["effective_rate"](opt, state, new_state) * g, rtol=1e-12)
            theta, state = new_theta, new_state


# --------------------------------------------------------------------------- numbers on the page
def test_sparse_problem_numbers(ns):
    assert ns["gd_steps"] == [55, 2117]
    runs, group_error, settle = ns["runs"], ns["group_error"], ns["settle_step"]
    frequent, rare = ns["frequent"], ns["rare"]
    adagrad_03 = runs["Adagrad, η = 0.3"]
    assert [settle(group_error(adagrad_03, c)) for c in (frequent, rare)] == [32, 55]
    assert settle(group_error(runs["Adagrad, η = 0.01"], rare)) == 4001   # never, in 4000 steps
    assert group_error(runs["Adagrad, η = 0.01"], rare)[-1] == pytest.approx(0.06, abs=0.005)
    assert ns["slopes"]["GD, η = 1/L"] == pytest.approx(-0.68, abs=0.005)
    assert ns["slopes"]["Adagrad, η = 0.3"] == pytest.approx(-0.09, abs=0.005)
    # "any η from 0.3 to 10 settles both groups in under 100 steps"
    for lr in (0.3, 0.5, 1.0, 3.0, 10.0):
        path = ns["adagrad"](ns["sparse"].grad, ns["w0"], lr=lr, steps=200)
        assert max(settle(group_error(path, c)) for c in (frequent, rare)) < 100
    # the weights are of order 1, up to 2.3
    assert np.abs(ns["sparse"].w_star).max() == pytest.approx(2.27, abs=0.01)


def test_epsilon_placement_numbers(ns):
    sparse, w0 = ns["sparse"], ns["w0"]
    assert np.argmin(np.abs(sparse.grad(w0))) == 16
    assert abs(sparse.grad(w0)[16]) == pytest.approx(1.0e-4, rel=0.02)
    gap = ns["placement_gap"]
    assert gap[1] == pytest.approx(0.086, abs=0.001) and gap[100] < 1e-5 and gap[-1] < 1e-13


def test_no_root_numbers(ns):
    no_root, gap = ns["no_root"], ns["loss_gap"]
    assert len(no_root) == 16 and gap == pytest.approx(0.481, abs=0.001)
    best = min(no_root.values())
    assert 1 - best / gap == pytest.approx(0.09, abs=0.01)
    assert 1 - ns["with_root"] / gap > 0.9997


def test_adagrad_rate_numbers(ns):
    full, mb = ns["rates_full"], ns["rates_mb"]
    assert full[99, -1] == pytest.approx(98.0, abs=0.05) and full[-1, -1] == pytest.approx(98.0, abs=0.05)
    assert [round(float(mb[t - 1, -1]), 1) for t in (100, 1000, 2000)] == [9.1, 8.0, 7.1]
    falls = 1 - mb[1999] / mb[999]
    assert round(float(falls.min()), 2) == 0.04 and round(float(falls.max()), 2) == 0.27
    assert 1 - np.sqrt(1000 / 2000) == pytest.approx(0.29, abs=0.005)
    # "the rare weights' about 100 times larger than the frequent ones'" (full batch)
    assert 80 < full[-1, -1] / full[-1, 0] < 120
    # a weight whose feature has not yet appeared has the rate η/√ε = 3000
    assert mb[0].max() == pytest.approx(0.3 / np.sqrt(1e-8))


def test_units_numbers(ns):
    k = ns["exponent"]
    np.testing.assert_allclose(k["SGD"], -1, atol=1e-9)
    np.testing.assert_allclose(k["Adagrad"], 0, atol=1e-3)
    np.testing.assert_allclose(k["RMSprop"], 0, atol=3e-3)   # ε = 1e-8 shows at c = 100, t = 1
    assert -0.07 < min(k["Adadelta"]) and max(k["Adadelta"]) < 0.01
    # Adadelta's first step on a slope is about √(ε/(1−ρ)) ≈ 0.003, whatever the slope
    for g in (1.0, 100.0):
        path = optim.run(optim.Adadelta(), lambda th: np.full_like(th, g), np.zeros(1), 1)
        assert abs(path[1, 0]) == pytest.approx(np.sqrt(1e-6 / 0.1), rel=1e-3)


def test_epsilon_sensitivity_numbers(ns):
    error = ns["error"]
    adadelta = [round(100 * float(error(p)[-1]), 1) for p in ns["adadelta_mb"].values()]
    sgd = [round(100 * float(error(p)[-1]), 1) for p in ns["sgd_mb"].values()]
    assert adadelta == [77.2, 12.2, 1.4, 1.3] and sgd == [53.4, 15.6, 1.2]
    # large ε: Adadelta's rate is about 1 for every weight after a few hundred updates
    rates = ns["rates_side"]["Adadelta, ε = 1e-2"]
    assert np.all(np.abs(rates[300:] - 1) < 0.1)


def test_rmsprop_numbers(ns):
    assert ns["paper_first"] / -0.01 == pytest.approx(0.95, abs=0.005)
    assert ns["torch_first"] / -0.01 == pytest.approx(3.16, abs=0.005)
    assert max(ns["gaps"]) < 1e-12
    # Hinton's γ = 0.9 makes the first step √10 ≈ 3.2 η
    g = np.array([0.7, -3.0])
    first = ns["rmsprop"](lambda th: g, np.zeros(2), lr=0.01, gamma=0.9, steps=1)[1]
    np.testing.assert_allclose(np.abs(first), 0.01 * np.sqrt(10), rtol=1e-6)


def test_ravine_numbers(ns):
    paths, settle = ns["ravine_paths"], ns["settle_step"]
    cosines, steps = {}, {}
    for title, runs in paths.items():
        for name, path in runs.items():
            step, home = path[1] - path[0], -path[0]
            cosines[title, name] = round(float(step @ home / (np.linalg.norm(step)
                                                               * np.linalg.norm(home))), 2)
            dist = np.linalg.norm(path, axis=1) / np.linalg.norm(path[0])
            steps[title, name] = settle(dist, 1e-3)
    aligned, rotated = paths
    assert cosines[aligned, "GD, η = 2/11"] == cosines[rotated, "GD, η = 2/11"] == 0.60
    assert cosines[aligned, "Adagrad"] == 0.93 and cosines[rotated, "Adagrad"] == 0.41
    assert steps[aligned, "Adagrad"] == 34 and steps[rotated, "Adagrad"] == 87
    assert steps[aligned, "GD, η = 2/11"] == 35
    for name in ("RMSprop", "Adadelta"):   # never within 0.1 % in 3000 steps
        assert steps[aligned, name] == steps[rotated, name] == 3001
    dist = np.linalg.norm(paths[aligned]["Adadelta"][-1]) / np.linalg.norm(paths[aligned]["Adadelta"][0])
    assert dist == pytest.approx(0.013, abs=0.001)


def test_minibatch_table_numbers(ns):
    table = {name: {v: tuple(round(100 * float(e), 1) for e in errs) for v, errs in row.items()}
             for name, row in ns["rare_mb"].items()}
    assert table["SGD, η × L"] == {1.0: (52.1, 1.4), 1.5: (40.7, 0.8), 2.0: (32.2, 10.7)}
    assert table["Adagrad, η"][0.3][0] == pytest.approx(6.2, abs=0.05)
    assert table["Adagrad, η"][1.0] == pytest.approx((9.5, 8.0), abs=0.05)
    assert table["RMSprop, η"][0.03] == pytest.approx((8.4, 9.9), abs=0.05)
    # "after 20 epochs every method within 3 % at one of its settings"
    assert all(min(e20 for _, e20 in row.values()) <= 3.05 for row in table.values())
    # Adadelta is no faster than SGD early on
    assert min(e2 for e2, _ in table["Adadelta, ε"].values()) > 50


def test_toc_lists_the_chapter_under_optimizers():
    import yaml
    from pathlib import Path

    toc = yaml.safe_load((Path(__file__).resolve().parents[1] / "_toc.yml").read_text())
    part = next(p for p in toc["parts"] if p["caption"] == "Optimizers")
    assert {"file": "chapters/06_adaptive_rates"} in part["chapters"] and part["numbered"] is True


def test_sparse_problem_is_chapter_four(ns):
    sparse = data.sparse_problem()
    np.testing.assert_array_equal(ns["sparse"].X, sparse.X)
    assert ns["sparse"].L == pytest.approx(0.786, abs=5e-4)


# --------------------------------------------------------------------------- wrong answers the page's checks catch
def test_exercise_1_catches_epsilon_outside_the_root():
    def outside(theta, grad, state, lr=0.01, eps=1e-8):
        G = state["sum_sq_grad"] + grad**2
        return theta - lr * grad / (np.sqrt(G) + eps), {"sum_sq_grad": G}

    # with ε = 1e-8 the placement is invisible on gradients of order 1 ...
    check.check_optimizer_step(outside, optim.Adagrad(lr=0.01, eps=1e-8), state_as="dict",
                               ignore_fields=("step",))

    # ... the page's second check, with ε = 1, catches it
    def outside_eps_1(theta, grad, state):
        return outside(theta, grad, state, eps=1.0)

    message = _fails(check.check_optimizer_step, outside_eps_1, optim.Adagrad(lr=0.01, eps=1.0),
                     state_as="dict", ignore_fields=("step",))
    assert "new theta is wrong" in message


def test_exercise_3_catches_the_average_instead_of_the_rate():
    def average_within_10_percent(opt, before=200):
        theta, state = np.zeros(1), opt.init(np.zeros(1))
        for _ in range(before):
            theta, state = opt.step(theta, np.ones(1), state)
        k = 0
        while state.sq_grad_avg[0] > 1.1e-4:
            theta, state = opt.step(theta, np.full(1, 0.01), state)
            k += 1
        return k

    got = average_within_10_percent(optim.RMSprop(0.01, 0.9))
    message = _fails(check.check_between, "steps to adapt, γ = 0.9", got, 95, 106,
                     hint="the target is the rate η/√(E[g²] + ε) within 10 % "
                          "of its final value, not E[g²] within 10 %")
    assert "not E[g²] within 10 %" in message
    assert not 1000 <= average_within_10_percent(optim.RMSprop(0.01, 0.99)) <= 1100


def test_frozen_full_batch_rates_of_the_caption(ns):
    # fig-ch06-adagrad-rates: the rare weights' rates freeze at about 100 to 200, the frequent at 1 to 5
    frozen = ns["rates_full"][-1]
    assert 90 < frozen[ns["rare"]].min() and frozen[ns["rare"]].max() < 220
    assert 0.8 < frozen[ns["frequent"]].min() and frozen[ns["frequent"]].max() < 5
