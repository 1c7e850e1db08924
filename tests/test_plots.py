"""Tests of gdlab.plots (Agg backend): content of the axes, the offline animation, no global state."""

import base64
import io
import json
import os
import re
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from gdlab import plots  # noqa: E402
from gdlab.surfaces import SURFACES  # noqa: E402


def gd_path(surface, lr, steps, momentum=0.0):
    """Tiny inline (heavy-ball) gradient descent: an array of shape (steps + 1, 2)."""
    theta = np.array(surface.start, dtype=float)
    v = np.zeros(2)
    path = [theta.copy()]
    for _ in range(steps):
        v = momentum * v + lr * surface.grad(theta)
        theta = theta - v
        path.append(theta.copy())
    return np.array(path)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def legend_texts(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_contour_with_two_paths():
    r = SURFACES["rosenbrock"]
    paths = {"GD": gd_path(r, 1e-3, 300), "momentum": gd_path(r, 1e-3, 300, 0.9)}
    ax = plots.contour(r, paths=paths, title="Rosenbrock")
    assert len(ax.lines) == 2
    np.testing.assert_array_equal(np.column_stack(ax.lines[1].get_data()), paths["momentum"])
    assert legend_texts(ax) == ["GD", "momentum", "start", "minimum"]
    assert ax.get_xlabel() == "$x$" and ax.get_ylabel() == "$y$"
    assert ax.get_title() == "Rosenbrock"
    assert ax.get_xlim() == (-2.0, 2.0) and ax.get_ylim() == (-1.0, 3.0)
    # both paths start at the same point: one start marker
    start = [c for c in ax.collections if c.get_label() == "start"][0]
    np.testing.assert_array_equal(start.get_offsets(), [r.start])
    assert len(plt.get_fignums()) == 1


def test_contour_levels_log_spaced_for_rosenbrock_linear_for_saddle():
    r = SURFACES["rosenbrock"]
    X, Y, F = r.grid(200)
    levels = plots._levels(r, F, 25)
    gaps = np.log(levels - r.f_min)
    np.testing.assert_allclose(np.diff(gaps), np.diff(gaps)[0], rtol=1e-9)  # geometric
    assert levels[-1] == pytest.approx(F.max())
    s = SURFACES["saddle"]
    _, _, F = s.grid(200)
    lv = plots._levels(s, F, 10)
    np.testing.assert_allclose(np.diff(lv), np.diff(lv)[0])
    ax = plots.contour(r)
    drawn = [c for c in ax.collections if hasattr(c, "levels")][0].levels
    np.testing.assert_allclose(drawn, levels)


def test_contour_list_of_paths_labels_saddles_and_filled():
    h = SURFACES["himmelblau"]
    p1, p2 = gd_path(h, 0.01, 50), gd_path(h, 0.01, 50, 0.9)
    ax = plots.contour(h, paths=[p1, p2], filled=True)
    assert legend_texts(ax) == ["path 1", "path 2", "start", "minima", "saddle points"]
    assert len(ax.lines) == 2
    ax = plots.contour(h, paths=[p1, p2], labels=["a", "b"], show_saddles=False, legend=False)
    assert ax.get_legend() is None and [l.get_label() for l in ax.lines] == ["a", "b"]
    ax = plots.contour(h, paths=p1)  # a single array is one path
    assert len(ax.lines) == 1


def test_contour_without_paths_marks_the_surface_start_and_saddle():
    s = SURFACES["saddle"]
    fig, ax = plt.subplots()
    out = plots.contour(s, ax)
    assert out is ax and len(ax.lines) == 0
    assert legend_texts(ax) == ["start", "saddle point"]
    start = [c for c in ax.collections if c.get_label() == "start"][0]
    np.testing.assert_array_equal(start.get_offsets(), [s.start])


def test_contour_diverged_path_is_drawn_up_to_the_overflow():
    s = SURFACES["monkey_saddle"]
    with np.errstate(over="ignore", invalid="ignore"):
        p = gd_path(s, 0.01, 70, 0.9)
    assert not np.all(np.isfinite(p))  # momentum runs off to -infinity along the valley
    ax = plots.contour(s, paths={"momentum": p})
    assert len(ax.lines) == 1


@pytest.mark.parametrize(
    "kwargs, exc, text",
    [
        ({"paths": np.zeros((5, 3))}, ValueError, "(5, 3)"),
        ({"paths": [np.zeros((5, 2))], "labels": ["a", "b"]}, ValueError, "2 labels for 1 paths"),
        ({"paths": {"a": np.zeros((3, 2))}, "labels": ["a"]}, ValueError, "not both"),
        ({"paths": [np.full((3, 2), np.nan)]}, ValueError, "finite"),
        ({"n_levels": 1}, ValueError, "n_levels must be an integer >= 2, got 1"),
        ({"n_levels": 10.0}, TypeError, "n_levels must be an integer, got 10.0 of type float"),
        ({"resolution": "50"}, TypeError, "resolution must be an integer, got '50'"),
    ],
)
def test_contour_validation(kwargs, exc, text):
    with pytest.raises(exc, match=re.escape(text)):
        plots.contour(SURFACES["quadratic"], **kwargs)


def test_numpy_integers_are_accepted():
    ax = plots.contour(SURFACES["quadratic"], n_levels=np.int64(5), resolution=np.int32(20))
    assert len([c for c in ax.collections if hasattr(c, "levels")][0].levels) == 5


def test_contour_rejects_non_surfaces_and_nd_surfaces():
    from gdlab.surfaces import quadratic_nd

    with pytest.raises(TypeError, match="Surface"):
        plots.contour(lambda t: t @ t)
    with pytest.raises(ValueError, match="2-D"):
        plots.contour(quadratic_nd([1.0, 2.0, 3.0]))


def test_loss_curves():
    r = SURFACES["rosenbrock"]
    paths = {"GD": gd_path(r, 1e-3, 200), "momentum": gd_path(r, 1e-3, 200, 0.9)}
    ax = plots.loss_curves({k: r.f(p.T) for k, p in paths.items()})
    assert ax.get_yscale() == "log" and len(ax.lines) == 2
    assert ax.get_xlabel() == "step" and ax.get_ylabel() == "loss"
    assert legend_texts(ax) == ["GD", "momentum"]
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), r.f(paths["GD"].T))
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), np.arange(201))

    ax = plots.loss_curves([1.0, 0.5, 0.2], xlabel="epoch")  # one curve, no legend
    assert len(ax.lines) == 1 and ax.get_legend() is None and ax.get_xlabel() == "epoch"
    ax = plots.loss_curves([[1.0, 0.5], [2.0, 1.0, 0.5]], labels=["a", "b"], log=False)
    assert ax.get_yscale() == "linear" and legend_texts(ax) == ["a", "b"]
    ax = plots.loss_curves({"val": (np.arange(1, 4), [0.3, 0.2, 0.1])})
    assert ax.lines[0].get_xdata().tolist() == [1, 2, 3]


def test_loss_curves_log_scale_needs_positive_values():
    with pytest.raises(ValueError, match="log=False"):
        plots.loss_curves({"saddle": [1.0, 0.0, -1.0]})
    ax = plots.loss_curves({"saddle": [1.0, 0.0, -1.0]}, log=False)
    assert len(ax.lines) == 1
    with pytest.raises(ValueError, match="1-D"):
        plots.loss_curves({"a": np.zeros((2, 2))})


def test_loss_curves_of_a_training_history():
    from gdlab.train import History

    h = History(epoch=[1, 2, 3], train_loss=[0.9, 0.5, 0.4], train_accuracy=None,
                val_loss=[1.0, 0.7, 0.8], val_accuracy=None, best_epoch=2)
    ax = plots.loss_curves(h)
    assert [line.get_label() for line in ax.lines] == ["train", "validation"]
    assert ax.get_xlabel() == "epoch" and ax.get_yscale() == "log"
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [0.9, 0.5, 0.4])
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), [1.0, 0.7, 0.8])
    no_val = History(epoch=[1, 2], train_loss=[0.9, 0.5], train_accuracy=None, val_loss=None,
                     val_accuracy=None)
    ax = plots.loss_curves({"SGD": h, "Adam": no_val}, log=False, xlabel="pass")
    assert legend_texts(ax) == ["SGD: train", "SGD: validation", "Adam: train"]
    assert ax.get_xlabel() == "pass"
    ax = plots.loss_curves([h, no_val])
    assert legend_texts(ax) == ["run 1: train", "run 1: validation", "run 2: train"]
    with pytest.raises(ValueError, match="labels"):
        plots.loss_curves(h, labels=["a"])
    with pytest.raises(TypeError, match="log must be True or False"):
        plots.loss_curves([1.0, 0.5], log="yes")


def test_surface3d():
    s = SURFACES["saddle"]
    ax = plots.surface3d(s, paths={"GD": gd_path(s, 0.01, 100)})
    assert ax.name == "3d"
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_zlabel()) == ("$x$", "$y$", "$f(x, y)$")
    assert len(ax.lines) == 1 and legend_texts(ax) == ["GD"]
    ax = plots.surface3d(SURFACES["rosenbrock"], log=True)
    assert "log" in ax.get_zlabel()
    fig, flat = plt.subplots()
    with pytest.raises(ValueError, match="3-D"):
        plots.surface3d(s, flat)


def test_every_plot_function_draws_on_the_given_axes_and_returns_it():
    s = SURFACES["saddle"]
    fig = plt.figure()
    flat, three_d = fig.add_subplot(1, 3, 1), fig.add_subplot(1, 3, 2, projection="3d")
    curves = fig.add_subplot(1, 3, 3)
    path = gd_path(s, 0.01, 20)
    assert plots.contour(s, flat, paths=[path]) is flat and len(flat.lines) == 1
    assert plots.surface3d(s, three_d, paths=[path]) is three_d and len(three_d.lines) == 1
    assert plots.loss_curves([1.0, 0.5], ax=curves) is curves and len(curves.lines) == 1
    assert plt.get_fignums() == [fig.number]                 # no other figure was opened


def jpeg_frames(html):
    frames = re.findall(r'frames\[\d+\] = "data:image/(\w+);base64,(.*?)"\n', html, flags=re.S)
    return [(fmt, base64.b64decode(data.replace("\\\n", ""))) for fmt, data in frames]


def test_animation_of_two_rosenbrock_paths_is_offline_jpeg_and_small():
    r = SURFACES["rosenbrock"]
    paths = {"GD": gd_path(r, 1e-3, 1000), "momentum": gd_path(r, 1e-3, 1000, 0.9)}
    html = plots.animate_paths(r, paths, max_frames=40).data
    assert "http://" not in html and "https://" not in html
    assert "font-awesome" not in html and '<i class="fa' not in html
    assert "data:image/png" not in html
    frames = jpeg_frames(html)
    assert len(frames) == 40 == html.count("data:image/jpeg;base64")
    for fmt, data in frames[:3] + frames[-1:]:
        assert fmt == "jpeg"
        img = Image.open(io.BytesIO(data))
        assert img.format == "JPEG" and img.size == (416, 368)  # 5.2 x 4.6 inches at 80 dpi
    size = len(html.encode())
    assert size < 1_500_000, size  # about 0.9 MB in our runs, well under the 3 MB budget
    # every control button still has a visible label
    for title in ["First frame", "Play", "Pause", "Last frame", "Increase speed"]:
        m = re.search(rf'title="{title}"[^>]*>\s*([^<]+)</button>', html)
        assert m and m.group(1).strip(), title
    assert 'alt="animation of 2 optimizer path(s) on the Rosenbrock surface"' in html
    assert plt.get_fignums() == []  # the drawing figure is not a pyplot figure


def test_animation_frame_count_short_paths_and_size_limit():
    q = SURFACES["quadratic"]
    p = gd_path(q, 0.1, 9)
    html = plots.animate_paths(q, {"GD": p, "short": p[:4]}, max_frames=40, dpi=30).data
    assert html.count("data:image/jpeg;base64") == 10  # steps + 1 frames when fewer than max_frames
    with pytest.raises(ValueError, match="max_bytes"):
        plots.animate_paths(q, [p], dpi=30, max_bytes=1000)
    with pytest.raises(ValueError, match="max_frames"):
        plots.animate_paths(q, [p], max_frames=1)
    with pytest.raises(ValueError, match="at least one path"):
        plots.animate_paths(q, {})


def test_style_changes_rcparams_only_when_called():
    with matplotlib.rc_context():
        plt.rcdefaults()
        assert matplotlib.rcParams["font.size"] == 10.0
        assert plots.style() is None
        for key, value in plots.STYLE.items():
            assert matplotlib.rcParams[key] == value or tuple(matplotlib.rcParams[key]) == tuple(value), key


def test_importing_gdlab_changes_no_global_state():
    """Importing every gdlab module in a fresh interpreter changes no global state and prints nothing."""
    # dict.items reads the raw values: rcParams.items() would resolve the "auto" backend by importing pyplot
    code = r"""
import json, sys, warnings
import matplotlib, numpy as np, torch
import sympy, tqdm  # third-party libraries gdlab uses (sympy adds a warnings filter of its own)

def snapshot():
    return {
        "rcParams": {k: repr(v) for k, v in dict.items(matplotlib.rcParams)},
        "numpy_random": repr(np.random.get_state()[1][:5].tolist() + [np.random.get_state()[2]]),
        "numpy_err": np.geterr(), "numpy_print": repr(np.get_printoptions()),
        "torch_rng": torch.random.get_rng_state().sum().item(), "torch_dtype": str(torch.get_default_dtype()),
        "torch_threads": torch.get_num_threads(),
        "torch_deterministic": torch.are_deterministic_algorithms_enabled(),
        "torch_grad": torch.is_grad_enabled(), "warnings": repr(warnings.filters),
    }

before = snapshot()
import gdlab
from gdlab import calculus, check, data, losses, optim, plots, schedules, surfaces, train
after = snapshot()
changed = sorted(k for k in before if before[k] != after[k])
if "rcParams" in changed:
    changed += sorted(k for k in before["rcParams"] if before["rcParams"][k] != after["rcParams"][k])
print(json.dumps({"changed": changed, "pyplot": "matplotlib.pyplot" in sys.modules,
                  "modules": sorted(m for m in sys.modules if m.startswith("gdlab"))}))
"""
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # the strictest case
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    lines = out.stdout.splitlines()
    assert len(lines) == 1 and out.stderr == "", (out.stdout, out.stderr)    # nothing printed
    result = json.loads(lines[0])
    assert result["changed"] == [] and result["pyplot"] is False
    expected = {"gdlab", "gdlab._validate"} | {f"gdlab.{m}" for m in (
        "calculus", "check", "data", "losses", "optim", "plots", "schedules", "surfaces", "train")}
    assert expected <= set(result["modules"])


def test_contour_styles_per_path():
    from gdlab.surfaces import SURFACES
    bowl = SURFACES["quadratic"]
    paths = {"GD": np.array([bowl.start, [0.5, 0.5]]), "SGD": np.array([bowl.start, [0.2, 0.1]])}
    ax = plots.contour(bowl, paths=paths, styles={"SGD": {"c": "black", "ls": ":", "lw": 3}})
    gd, sgd = ax.lines[:2]
    assert sgd.get_color() == "black" and sgd.get_linestyle() == ":" and sgd.get_linewidth() == 3
    assert gd.get_linestyle() == "-" and gd.get_color() != "black"
    ax2 = plots.contour(bowl, paths=list(paths.values()), styles=[{"marker": "x"}, {"marker": "+"}])
    assert [line.get_marker() for line in ax2.lines[:2]] == ["x", "+"]
    assert ax2.lines[0].get_linestyle() != ax2.lines[1].get_linestyle()   # apart in grey scale too
    with pytest.raises(ValueError, match="unknown path"):
        plots.contour(bowl, paths=paths, styles={"Adam": {}})
    with pytest.raises(ValueError, match="got 1 styles for 2 paths"):
        plots.contour(bowl, paths=paths, styles=[{}])
    with pytest.raises(TypeError, match="must be a dict"):
        plots.contour(bowl, paths=paths, styles={"GD": "red"})
    plt.close("all")


def test_parameter_player_has_one_offline_frame_per_value():
    values = np.linspace(0.0, 0.9, 7)
    seen = []

    def draw(fig, gamma):
        seen.append(gamma)
        left, right = fig.subplots(1, 2)
        t = np.arange(20)
        left.plot(t, gamma ** t, label="decay")
        right.plot(np.cos(t), np.sin(t) * gamma)
        left.set_title(f"γ = {gamma:.2f}")

    html = plots.parameter_player(draw, values, dpi=30).data
    assert seen == pytest.approx(list(values))
    assert html.count("data:image/jpeg;base64") == 7
    assert not re.search(r"https?://", html) and 'alt="animation' in html
    frames = [chunk[:3000] for chunk in html.split("data:image/jpeg;base64,")[1:]]
    assert len(set(frames)) == 7                       # every value drew a different picture


def test_parameter_player_bad_arguments():
    draw = lambda fig, v: fig.subplots().plot([0, 1], [0, v])  # noqa: E731
    with pytest.raises(ValueError, match="2 to 40 parameter values"):
        plots.parameter_player(draw, np.linspace(0, 1, 41))
    with pytest.raises(ValueError, match="2 to 40 parameter values"):
        plots.parameter_player(draw, [0.5])
    with pytest.raises(ValueError, match="finite"):
        plots.parameter_player(draw, [0.5, np.nan])
    with pytest.raises(TypeError, match="draw_frame must be callable"):
        plots.parameter_player("draw", [0.1, 0.2])
    with pytest.raises(ValueError, match="max_bytes"):
        plots.parameter_player(draw, [0.1, 0.2], max_bytes=10)


def test_players_are_the_same_on_every_run_and_differ_from_each_other():
    def draw(fig, value):
        fig.subplots().plot([0, 1], [0, value])

    first = plots.parameter_player(draw, [0.1, 0.2], dpi=20).data
    again = plots.parameter_player(draw, [0.1, 0.2], dpi=20).data
    other = plots.parameter_player(draw, [0.1, 0.3], dpi=20).data
    assert first == again
    ids = [re.search(r'id="_anim_img([0-9a-f]+)"', html).group(1) for html in (first, other)]
    assert ids[0] != ids[1] and len(ids[0]) == 32
