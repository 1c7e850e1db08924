r"""Plots of surfaces, optimizer paths and loss curves, and offline animations.

Every function takes an optional matplotlib ``Axes`` and returns the ``Axes``
it drew on (:func:`animate_paths` returns an :class:`IPython.display.HTML`).
Nothing here changes global state when imported; :func:`style` sets the
course's readable ``rcParams`` and is called explicitly, once, in a chapter's
setup cell.

A *path* is an array of shape ``(steps + 1, 2)``: the iterates
:math:`\theta_0, \theta_1, \dots` as returned by ``gdlab.optim.run``. Several
paths are given as a dict ``{label: path}`` (the keys become legend entries)
or as a list (with ``labels=`` or the default labels "path 1", ...).

In a contour plot, ``ax.lines`` holds exactly one line per path, in the
given order; the start points, minima and saddle points are scatter markers
(``ax.collections``), so ``len(ax.lines) == len(paths)``.

References
----------
.. [1] J. D. Hunter, "Matplotlib: A 2D graphics environment", *Computing in
   Science & Engineering* 9(3):90-95, 2007. DOI: 10.1109/MCSE.2007.55.
.. [2] S. Ruder, "An overview of gradient descent optimization algorithms",
   arXiv:1609.04747, 2016 (figure 4: optimizer paths on contours and at a
   saddle point).
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from gdlab import _validate

__all__ = [
    "STYLE",
    "animate_paths",
    "contour",
    "loss_curves",
    "parameter_player",
    "style",
    "surface3d",
]

#: The rcParams set by :func:`style` (also usable as ``matplotlib.rc_context(STYLE)``).
STYLE: dict = {
    "figure.figsize": (6.4, 4.6),
    "figure.dpi": 100,
    "figure.constrained_layout.use": True,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 12,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 9.5,
    "legend.framealpha": 0.9,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "lines.linewidth": 1.8,
    "image.cmap": "viridis",
    "savefig.bbox": "tight",
}

# Text symbols that replace Font Awesome icons in matplotlib's animation
# controls (HTML entities keep the page ASCII; U+FE0E asks for text, not emoji).
_TRI_L, _TRI_R, _BAR = "&#9664;&#65038;", "&#9654;&#65038;", "&#10074;"
_ICONS = {
    "fa fa-minus": "&minus;",
    "fa fa-fast-backward": _BAR + _TRI_L + _TRI_L,
    "fa fa-step-backward": _BAR + _TRI_L,
    "fa fa-play fa-flip-horizontal": _TRI_L,
    "fa fa-pause": _BAR + _BAR,
    "fa fa-play": _TRI_R,
    "fa fa-step-forward": _TRI_R + _BAR,
    "fa fa-fast-forward": _TRI_R + _TRI_R + _BAR,
    "fa fa-plus": "+",
}


# --------------------------------------------------------------------------
# Private helpers
# --------------------------------------------------------------------------
def _new_axes(projection=None):
    import matplotlib.pyplot as plt  # imported lazily: importing gdlab.plots touches no pyplot state

    fig = plt.figure()
    return fig.add_subplot(projection=projection)


def _check_surface(surface):
    if not all(hasattr(surface, a) for a in ("f", "window", "symbols", "minima")):
        raise TypeError(f"surface must be a gdlab.surfaces.Surface, got {type(surface).__name__}")
    if getattr(surface, "ndim", 2) != 2 or surface.window is None:
        raise ValueError(f"surface {surface.name!r} is not 2-D with a plotting window")


def _as_paths(paths, labels) -> list[tuple[str, np.ndarray]]:
    """Normalise paths to a list of (label, array of shape (k, 2))."""
    if paths is None:
        return []
    if isinstance(paths, Mapping):
        if labels is not None:
            raise ValueError("give labels either as the keys of a dict of paths or as labels=, not both")
        items = [(str(k), v) for k, v in paths.items()]
    else:
        if isinstance(paths, np.ndarray) and paths.ndim == 2:
            paths = [paths]
        paths = list(paths)
        if labels is None:
            labels = [f"path {i + 1}" for i in range(len(paths))]
        labels = [str(lab) for lab in labels]
        if len(labels) != len(paths):
            raise ValueError(f"got {len(labels)} labels for {len(paths)} paths")
        items = list(zip(labels, paths))
    out = []
    for label, p in items:
        arr = np.asarray(p, dtype=np.float64)
        if arr.ndim != 2 or arr.shape[1] != 2 or arr.shape[0] < 1:
            raise ValueError(f"path {label!r} must have shape (steps + 1, 2), got shape {arr.shape}")
        if not np.all(np.isfinite(arr[0])):
            raise ValueError(f"path {label!r} must start at a finite point, got {arr[0]!r}")
        # later non-finite points (a diverged run) are allowed: matplotlib leaves them out
        out.append((label, arr))
    return out


_LINE_STYLES = ("-", "--", "-.", ":")
_MARKERS = ("o", "s", "^", "D", "v", "P")


def _path_styles(styles, items) -> list[dict]:
    """One dict of ``ax.plot`` keywords per path, from a dict by label or a list."""
    if styles is None:
        return [{} for _ in items]
    labels = [label for label, _ in items]
    if isinstance(styles, Mapping):
        unknown = [k for k in styles if str(k) not in labels]
        if unknown:
            raise ValueError(f"styles names unknown path(s) {unknown}; the paths are {labels}")
        chosen = [styles.get(label, {}) for label in labels]
    else:
        chosen = list(styles)
        if len(chosen) != len(items):
            raise ValueError(f"got {len(chosen)} styles for {len(items)} paths")
    for label, style in zip(labels, chosen):
        if not isinstance(style, Mapping):
            raise TypeError(f"the style of path {label!r} must be a dict of plot keywords, "
                            f"got {style!r}")
    return [dict(style) for style in chosen]


def _levels(surface, F: np.ndarray, n_levels: int) -> np.ndarray:
    """Contour levels: log-spaced above the minimum value if ``surface.log_levels``, else linear."""
    if not getattr(surface, "log_levels", False):
        return np.linspace(F.min(), F.max(), n_levels + 2)[1:-1]
    base = F.min() if surface.f_min is None else min(surface.f_min, F.min())
    Z = F - base
    hi = float(Z.max())
    lo = max(float(np.percentile(Z, 0.5)), hi * 1e-8, 1e-12)
    return base + np.geomspace(lo, hi, n_levels)


def _is_curve(value) -> bool:
    """Whether ``value`` converts to a 1-D float array (one loss curve)."""
    try:
        return np.asarray(value, dtype=np.float64).ndim == 1
    except (TypeError, ValueError):
        return False


def _integer(name, value, low):
    return _validate.integer(name, value, low=low)


def _is_history(value) -> bool:
    """Whether ``value`` looks like a :class:`gdlab.train.History` (without importing torch)."""
    return all(hasattr(value, a) for a in ("epoch", "train_loss", "val_loss")) and not isinstance(value, Mapping)


def _history_curves(history, prefix=""):
    """The (label, (epochs, losses)) curves of a History: training and, if recorded, validation."""
    curves = [(prefix + "train", (history.epoch, history.train_loss))]
    if history.val_loss is not None and len(history.val_loss):
        curves.append((prefix + "validation", (history.epoch, history.val_loss)))
    return curves


# --------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------
def style() -> None:
    """Apply the course's plotting style (readable sizes, light grid) to ``matplotlib.rcParams``.

    Call it once, on purpose, in a chapter's setup cell; it changes global
    state (that is its job). Importing :mod:`gdlab.plots` does not. To use the
    style temporarily: ``with matplotlib.rc_context(plots.STYLE): ...``.

    Returns
    -------
    None

    Examples
    --------
    >>> import matplotlib
    >>> with matplotlib.rc_context():
    ...     style()
    ...     matplotlib.rcParams["font.size"]
    11.0

    References
    ----------
    .. [1] J. D. Hunter, "Matplotlib: A 2D graphics environment", Computing in Science & Engineering 9(3),
       90-95, 2007. doi:10.1109/MCSE.2007.55
    """
    import matplotlib

    matplotlib.rcParams.update(STYLE)


def contour(
    surface,
    ax=None,
    paths=None,
    labels=None,
    *,
    levels=None,
    n_levels: int = 25,
    resolution: int = 200,
    window=None,
    show_start: bool = True,
    show_minima: bool = True,
    show_saddles: bool = True,
    markers: bool | None = None,
    filled: bool = False,
    legend: bool = True,
    title: str | None = None,
    cmap: str = "viridis",
    aspect: str | float = "equal",
    styles=None,
):
    r"""Contour plot of a 2-D surface, optionally with optimizer paths.

    Levels are log-spaced above the lowest value,
    :math:`c_k = f^* + \delta_{\mathrm{lo}} (\delta_{\mathrm{hi}}/\delta_{\mathrm{lo}})^{k/(n-1)}`,
    when ``surface.log_levels`` (surfaces whose values span many orders of
    magnitude, e.g. Rosenbrock), linear otherwise (the saddles).

    Parameters
    ----------
    surface : gdlab.surfaces.Surface
        A 2-D surface with a window.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.
    paths : array (steps + 1, 2), list of arrays or dict {label: array}, optional
        Optimizer paths; one line each (with a dot per iterate when
        ``markers``).
    labels : list of str, optional
        Legend labels for a list of paths (default "path 1", "path 2", ...).
    levels : array_like, optional
        Explicit contour levels (overrides ``n_levels`` and the log spacing).
    n_levels : int, default 25
        Number of contour levels.
    resolution : int, default 200
        Grid points per axis.
    window : ((xmin, xmax), (ymin, ymax)), optional
        Defaults to ``surface.window``.
    show_start, show_minima, show_saddles : bool, default True
        Mark the start points (of the paths, else ``surface.start``), the
        known minima and the saddle points.
    markers : bool, optional
        Dots at every iterate; default: when no path has more than 100 points.
    filled : bool, default False
        Pastel filled bands between the levels instead of contour lines
        (lighter background; JPEG frames of :func:`animate_paths` are about
        half the size).
    legend : bool, default True
        Draw a legend (paths, start, minimum, saddle point).
    title : str, optional
        Axes title.
    cmap : str, default "viridis"
        Colormap of the contour lines.
    aspect : "equal", "auto" or float, default "equal"
        Aspect ratio of the axes ("equal" shows true shapes of level sets).
    styles : dict {label: dict} or list of dict, optional
        Keyword arguments of ``ax.plot`` for each path (``color``, ``ls``, ``marker``,
        ``linewidth``, ...), by label or in the order of ``paths``; they override the
        defaults. By default path ``i`` gets colour ``C{i}``, and line style and marker
        cycle too, so that paths stay apart in grey-scale print.

    Returns
    -------
    matplotlib.axes.Axes
        With ``len(ax.lines) == number of paths``.

    Raises
    ------
    TypeError
        If ``surface`` is not a Surface.
    ValueError
        If the surface is not 2-D, a path does not have shape ``(k, 2)`` or
        does not start at a finite point, the labels do not match the paths, or
        ``styles`` names an unknown path or has the wrong length.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt, numpy as np
    >>> from gdlab.surfaces import SURFACES
    >>> bowl = SURFACES["quadratic"]
    >>> path = [bowl.start]
    >>> for _ in range(20):
    ...     path.append(path[-1] - 0.1 * bowl.grad(path[-1]))
    >>> ax = contour(bowl, paths={"GD, lr = 0.1": np.array(path)})
    >>> len(ax.lines), [t.get_text() for t in ax.get_legend().get_texts()]
    (1, ['GD, lr = 0.1', 'start', 'minimum'])
    >>> plt.close(ax.figure)

    References
    ----------
    .. [1] J. D. Hunter, "Matplotlib: A 2D graphics environment", Computing in Science & Engineering 9(3),
       90-95, 2007. doi:10.1109/MCSE.2007.55
    """
    _check_surface(surface)
    if ax is None:
        ax = _new_axes()
    n_levels = _integer("n_levels", n_levels, 2)
    resolution = _integer("resolution", resolution, 2)
    items = _as_paths(paths, labels)
    window = surface.window if window is None else window
    X, Y, F = surface.grid(resolution, window)
    if levels is None:
        levels = _levels(surface, F, n_levels)
    levels = np.unique(np.asarray(levels, dtype=np.float64))

    import matplotlib

    if filled:
        edges = np.concatenate([[min(F.min(), levels[0]) - 1.0], levels, [max(F.max(), levels[-1]) + 1.0]])
        colors = matplotlib.colormaps[cmap](np.linspace(0.0, 1.0, len(edges) - 1))
        colors[:, :3] = 0.55 * colors[:, :3] + 0.45  # blend with white: paths stand out
        ax.contourf(X, Y, F, levels=edges, colors=colors, zorder=0)
    else:
        colors = matplotlib.colormaps[cmap](np.linspace(0.0, 0.92, len(levels)))
        ax.contour(X, Y, F, levels=levels, colors=colors, linewidths=0.9, alpha=0.8, zorder=1)

    show_dots = (max((len(p) for _, p in items), default=0) <= 100) if markers is None else markers
    from matplotlib.cbook import normalize_kwargs
    from matplotlib.lines import Line2D

    for i, ((label, p), style) in enumerate(zip(items, _path_styles(styles, items))):
        kwargs = {"linestyle": _LINE_STYLES[i % len(_LINE_STYLES)],
                  "marker": _MARKERS[i % len(_MARKERS)] if show_dots else None,
                  "markersize": 2.5, "linewidth": 1.6, "color": f"C{i % 10}", "zorder": 3}
        kwargs.update(normalize_kwargs(style, Line2D))   # "lw", "ls", "c" are aliases
        ax.plot(p[:, 0], p[:, 1], label=label, **kwargs)

    if show_start:
        starts = [p[0] for _, p in items] if items else ([surface.start] if surface.start is not None else [])
        if starts:
            s = np.unique(np.round(np.array(starts), 12), axis=0)
            ax.scatter(s[:, 0], s[:, 1], s=55, marker="o", facecolor="white", edgecolor="black",
                       linewidth=1.3, zorder=4, label="start")
    if show_minima and surface.minima:
        m = np.array(surface.minima)
        ax.scatter(m[:, 0], m[:, 1], s=170, marker="*", facecolor="gold", edgecolor="black",
                   linewidth=0.8, zorder=5, label="minimum" if len(m) == 1 else "minima")
    if show_saddles and getattr(surface, "saddles", ()):
        sd = np.array(surface.saddles)
        ax.scatter(sd[:, 0], sd[:, 1], s=60, marker="X", facecolor="white", edgecolor="black",
                   linewidth=0.8, zorder=5, label="saddle point" if len(sd) == 1 else "saddle points")

    (x0, x1), (y0, y1) = window
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect(aspect)
    ax.grid(False)
    ax.set_xlabel(f"${_latex(surface.symbols[0])}$")
    ax.set_ylabel(f"${_latex(surface.symbols[1])}$")
    if title is not None:
        ax.set_title(title)
    if legend and ax.get_legend_handles_labels()[0]:
        ax.legend(loc="best")
    return ax


def _latex(symbol) -> str:
    import sympy as sp

    return sp.latex(symbol)


def loss_curves(histories, ax=None, log: bool = True, labels=None, *, xlabel: str | None = None,
                ylabel: str = "loss", title: str | None = None):
    r"""Plot loss curves, by default on a log scale.

    .. math::

        t \mapsto L_t \quad (t = 0, 1, 2, \dots \text{ or the given x values})

    Parameters
    ----------
    histories : array_like, list of array_like, dict {label: values} or gdlab.train.History
        One curve (a 1-D sequence of losses), several curves, or a dict from
        labels to curves. A dict value may also be a pair ``(x, y)`` of
        arrays to plot against other x values (e.g. epochs 1..n); otherwise
        the x values are 0, 1, 2, ... A :class:`gdlab.train.History` (alone,
        in a list or as a dict value) gives its training loss and, when
        recorded, its validation loss against the epochs 1, 2, ... (labels
        "train" and "validation", prefixed by the dict key or list label).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.
    log : bool, default True
        Log scale on the y axis (all values must then be > 0).
    labels : list of str, optional
        Legend labels for a list of curves.
    xlabel, ylabel : str
        Axis labels (default "step", or "epoch" for histories, and "loss").
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.axes.Axes
        One line per curve (``ax.lines``) and a legend when there are labels.

    Raises
    ------
    ValueError
        If a curve is not 1-D, x and y differ in length, or ``log`` is True
        and a value is <= 0 (plot ``f - f_min`` or pass ``log=False``).
    TypeError
        If ``log`` is not a bool.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> ax = loss_curves({"GD": [1.0, 0.5, 0.25], "Adam": [1.0, 0.3, 0.1]})
    >>> len(ax.lines), ax.get_yscale(), ax.get_xlabel()
    (2, 'log', 'step')
    >>> plt.close(ax.figure)

    A training history (``gdlab.train.History``) plots against epochs:

    >>> from gdlab.train import History
    >>> h = History(epoch=[1, 2, 3], train_loss=[0.9, 0.5, 0.4], val_loss=[1.0, 0.7, 0.6])
    >>> ax = loss_curves(h)
    >>> [line.get_label() for line in ax.lines], ax.get_xlabel(), ax.lines[1].get_xdata().tolist()
    (['train', 'validation'], 'epoch', [1.0, 2.0, 3.0])
    >>> plt.close(ax.figure)

    References
    ----------
    .. [1] J. D. Hunter, "Matplotlib: A 2D graphics environment", Computing in Science & Engineering 9(3),
       90-95, 2007. doi:10.1109/MCSE.2007.55
    """
    log = _validate.flag("log", log)
    any_history = False
    if _is_history(histories):
        if labels is not None:
            raise ValueError("a History labels its own curves ('train', 'validation'): do not pass labels=")
        items, any_history = _history_curves(histories), True
    elif isinstance(histories, Mapping):
        if labels is not None:
            raise ValueError("give labels either as the keys of a dict or as labels=, not both")
        items = [(str(k), v) for k, v in histories.items()]
    else:
        single = _is_curve(histories)
        curves = [histories] if single else list(histories)
        if labels is None:
            labels = [None] * len(curves) if single else [f"run {i + 1}" for i in range(len(curves))]
        if len(labels) != len(curves):
            raise ValueError(f"got {len(labels)} labels for {len(curves)} curves")
        items = list(zip(labels, curves))
    expanded = []
    for label, c in items:   # a History inside a dict or a list: its curves, prefixed by its label
        if _is_history(c):
            expanded += _history_curves(c, f"{label}: " if label is not None else "")
            any_history = True
        else:
            expanded.append((label, c))
    items = expanded
    if xlabel is None:
        xlabel = "epoch" if any_history else "step"
    if ax is None:
        ax = _new_axes()
    for i, (label, c) in enumerate(items):
        if isinstance(c, tuple) and len(c) == 2:
            x, y = (np.asarray(v, dtype=np.float64) for v in c)
        else:
            y = np.asarray(c, dtype=np.float64)
            x = np.arange(len(y)) if y.ndim == 1 else None
        if y.ndim != 1 or x.ndim != 1 or len(x) != len(y):
            raise ValueError(f"curve {label!r} must be 1-D (or a pair (x, y) of equal length), got shape {y.shape}")
        if log and np.any(y[np.isfinite(y)] <= 0):
            raise ValueError(
                f"curve {label!r} has values <= 0 (min {np.nanmin(y)!r}); a log scale needs positive "
                "values: plot f - f_min or pass log=False"
            )
        ax.plot(x, y, color=f"C{i % 10}", label=label)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    if any(label is not None for label, _ in items):
        ax.legend()
    return ax


def surface3d(surface, ax=None, paths=None, labels=None, *, resolution: int = 80, log: bool = False,
              cmap: str = "viridis", elev: float = 30.0, azim: float = -60.0, title: str | None = None):
    r"""3-D plot of a 2-D surface, optionally with paths drawn on it.

    With ``log=True`` the height is :math:`\log_{10}(1 + f - f^*)` (with
    :math:`f^*` the lowest known minimum), which shows the valleys of surfaces
    like Rosenbrock's that are otherwise flattened by their high walls.

    Parameters
    ----------
    surface : gdlab.surfaces.Surface
        A 2-D surface with a window.
    ax : mpl_toolkits.mplot3d.axes3d.Axes3D, optional
        A 3-D axes (``fig.add_subplot(projection="3d")``); a new one if omitted.
    paths, labels
        As in :func:`contour`; each path is lifted onto the surface.
    resolution : int, default 80
        Grid points per axis.
    log : bool, default False
        Plot :math:`\log_{10}(1 + f - f^*)` instead of :math:`f`.
    cmap : str, default "viridis"
    elev, azim : float
        View angles in degrees.
    title : str, optional

    Returns
    -------
    mpl_toolkits.mplot3d.axes3d.Axes3D

    Raises
    ------
    TypeError
        If ``surface`` is not a Surface.
    ValueError
        If ``ax`` is not a 3-D axes or a path is malformed.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from gdlab.surfaces import SURFACES
    >>> ax = surface3d(SURFACES["saddle"])
    >>> ax.name, ax.get_zlabel()
    ('3d', '$f(x, y)$')
    >>> plt.close(ax.figure)

    References
    ----------
    .. [1] J. D. Hunter, "Matplotlib: A 2D graphics environment", Computing in Science & Engineering 9(3),
       90-95, 2007. doi:10.1109/MCSE.2007.55
    """
    _check_surface(surface)
    resolution = _integer("resolution", resolution, 2)
    items = _as_paths(paths, labels)
    if ax is None:
        ax = _new_axes(projection="3d")
    elif getattr(ax, "name", None) != "3d":
        raise ValueError(f"ax must be a 3-D axes (projection='3d'), got a {getattr(ax, 'name', type(ax).__name__)!r} axes")
    X, Y, F = surface.grid(resolution)
    xs, ys = (_latex(s) for s in surface.symbols)
    if log:
        base = F.min() if surface.f_min is None else min(surface.f_min, F.min())

        def height(v):
            return np.log10(1.0 + np.maximum(v - base, 0.0))

        zlabel = rf"$\log_{{10}}(1 + f - f^*)$"
    else:
        def height(v):
            return v

        zlabel = f"$f({xs}, {ys})$"
    ax.computed_zorder = False
    ax.plot_surface(X, Y, height(F), cmap=cmap, rstride=1, cstride=1, linewidth=0, antialiased=True,
                    alpha=0.85, zorder=1)
    (x0, x1), (y0, y1) = surface.window
    for i, (label, p) in enumerate(items):
        inside = (p[:, 0] >= x0) & (p[:, 0] <= x1) & (p[:, 1] >= y0) & (p[:, 1] <= y1)
        q = p.copy()
        q[~inside] = np.nan  # do not draw outside the plotted window
        z = height(surface.f(q.T))
        ax.plot(q[:, 0], q[:, 1], z, color=f"C{i % 10}", linewidth=2.0, label=label, zorder=3)
    ax.view_init(elev=elev, azim=azim)
    from matplotlib.ticker import MaxNLocator

    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        axis.set_major_locator(MaxNLocator(5, steps=[1, 2, 2.5, 5, 10]))
    ax.set_xlabel(f"${xs}$")
    ax.set_ylabel(f"${ys}$")
    ax.set_zlabel(zlabel)
    if title is not None:
        ax.set_title(title)
    if items:
        ax.legend(loc="upper left")
    return ax


def animate_paths(
    surface,
    paths,
    labels=None,
    *,
    max_frames: int = 40,
    interval: int = 200,
    figsize=(5.2, 4.6),
    dpi: int = 80,
    quality: int = 75,
    filled: bool = True,
    max_bytes: int = 3_000_000,
    **contour_kwargs,
):
    r"""Animate optimizer paths on the contours of a surface, as self-contained HTML.

    Frame :math:`j` shows every path up to step :math:`k_j`, with
    :math:`k_j = \mathrm{round}(j\, S / (F - 1))` for :math:`S` the largest
    number of steps and :math:`F` = ``min(max_frames, S + 1)`` frames. The
    frames are JPEG images embedded in the HTML (``data:image/jpeg``) of
    matplotlib's :class:`~matplotlib.animation.HTMLWriter` player, from which
    the Font Awesome stylesheet link (a CDN) is removed and the icons are
    replaced by text symbols, so the animation plays offline in the built book.

    Parameters
    ----------
    surface : gdlab.surfaces.Surface
        A 2-D surface with a window.
    paths, labels
        As in :func:`contour`.
    max_frames : int, default 40
        Maximal number of frames (>= 2).
    interval : int, default 200
        Milliseconds between frames.
    figsize : (float, float), default (5.2, 4.6)
        Figure size in inches.
    dpi : int, default 80
        Resolution of the frames.
    quality : int, default 75
        JPEG quality, 1..95.
    filled : bool, default True
        Filled contour bands (see :func:`contour`); line contours
        (``filled=False``) make JPEG frames about twice as large.
    max_bytes : int, default 3_000_000
        Raise instead of returning an HTML larger than this.
    **contour_kwargs
        Passed to :func:`contour` (e.g. ``n_levels``, ``title``).

    Returns
    -------
    IPython.display.HTML
        Its ``.data`` is the HTML string (display it as the last expression of
        a notebook cell). The figure used to draw frames is not shown.

    Raises
    ------
    ValueError
        If an argument is out of range, a path is malformed, or the result is
        larger than ``max_bytes`` (lower ``max_frames``, ``dpi`` or ``quality``).
    RuntimeError
        If matplotlib's template still refers to an external URL (a future
        matplotlib changed it).

    Examples
    --------
    >>> import numpy as np
    >>> from gdlab.surfaces import SURFACES
    >>> bowl = SURFACES["quadratic"]
    >>> path = [bowl.start]
    >>> for _ in range(30):
    ...     path.append(path[-1] - 0.1 * bowl.grad(path[-1]))
    >>> html = animate_paths(bowl, {"GD": np.array(path)}, max_frames=10, dpi=40)
    >>> html.data.count("data:image/jpeg;base64"), "http" in html.data
    (10, False)

    References
    ----------
    .. [1] J. D. Hunter, "Matplotlib: A 2D graphics environment", Computing in Science & Engineering 9(3),
       90-95, 2007. doi:10.1109/MCSE.2007.55
    """
    from matplotlib.figure import Figure

    _check_surface(surface)
    items = _as_paths(paths, labels)
    if not items:
        raise ValueError("paths must contain at least one path")
    max_frames = _integer("max_frames", max_frames, 2)
    interval = _integer("interval", interval, 1)
    dpi = _integer("dpi", dpi, 10)
    quality = _integer("quality", quality, 1)
    if quality > 95:
        raise ValueError(f"quality must be an integer in 1..95, got {quality!r}")
    max_bytes = _integer("max_bytes", max_bytes, 1)

    n_steps = max(len(p) for _, p in items) - 1
    count = min(max_frames, n_steps + 1)
    frames = np.unique(np.round(np.linspace(0, n_steps, count)).astype(int))

    fig = Figure(figsize=figsize)  # not a pyplot figure: never displayed, nothing to close
    ax = fig.add_subplot()
    contour(surface, ax, dict(items), filled=filled, **contour_kwargs)
    lines = ax.lines[: len(items)]
    heads = [ax.plot([], [], "o", color=line.get_color(), markersize=6, markeredgecolor="black",
                     zorder=6)[0] for line in lines]
    counter = ax.text(0.02, 0.02, "", transform=ax.transAxes, fontsize=10,
                      bbox=dict(facecolor="white", alpha=0.8, edgecolor="none"))

    def draw(k):
        for (_, p), line, head in zip(items, lines, heads):
            j = min(k, len(p) - 1)
            line.set_data(p[: j + 1, 0], p[: j + 1, 1])
            head.set_data([p[j, 0]], [p[j, 1]])
        counter.set_text(f"step {k}")

    title = getattr(surface, "title", surface.name)
    alt = f"animation of {len(items)} optimizer path(s) on the {title} surface"
    return _offline_player(fig, draw, frames, interval, dpi, quality, alt, max_bytes)


def _offline_player(fig, draw, frames, interval, dpi, quality, alt, max_bytes):
    """matplotlib's HTML player with JPEG frames ``draw(frame)``, made to work offline."""
    from IPython.display import HTML
    from matplotlib.animation import HTMLWriter

    import matplotlib

    writer = HTMLWriter(fps=1000.0 / interval, embed_frames=True, default_mode="loop")
    writer.frame_format = "jpeg"
    # frames of one size, and no tight-bbox pass per frame (about 5x slower under plots.style())
    with tempfile.TemporaryDirectory() as tmp, matplotlib.rc_context({"savefig.bbox": "standard"}):
        out = Path(tmp) / "animation.html"
        with writer.saving(fig, str(out), dpi):
            for frame in frames:
                draw(frame)
                writer.grab_frame(pil_kwargs={"quality": quality})
        html = out.read_text()

    html = re.sub(r"<link[^>]*font-awesome[^>]*>", "", html)
    html = re.sub(r'<i class="(fa [^"]*)"></i>', lambda m: _ICONS.get(m.group(1), "&bull;"), html)
    # matplotlib names the player's elements with a random uuid; a hash of the content
    # instead makes the page the same on every build (and two different players differ)
    random_id = re.search(r'id="_anim_img([0-9a-f]+)"', html)
    if random_id:
        stable_id = hashlib.sha1(html.replace(random_id.group(1), "").encode()).hexdigest()[:32]
        html = html.replace(random_id.group(1), stable_id)
    alt = str(alt).replace('"', "'")
    html = html.replace('<img id="_anim_img', f'<img alt="{alt}" id="_anim_img', 1)
    # the text symbols are wider than the icons: let the buttons grow
    html = html.replace("</style>", ".anim-buttons button {\n    width: auto;\n    min-width: 36px;\n    padding: 0 4px;\n}\n</style>", 1)
    if re.search(r"https?://", html):
        raise RuntimeError("the animation HTML still refers to an external URL; matplotlib's template changed")
    n_found = html.count("data:image/jpeg;base64")
    if n_found != len(frames):
        raise RuntimeError(f"expected {len(frames)} JPEG frames in the animation, found {n_found}")
    size = len(html.encode("utf-8"))
    if size > max_bytes:
        raise ValueError(
            f"the animation is {size} bytes, more than max_bytes={max_bytes}; "
            "lower max_frames, dpi or quality"
        )
    return HTML(html)


def parameter_player(
    draw_frame,
    values,
    *,
    figsize=(8.0, 3.6),
    interval: int = 400,
    dpi: int = 80,
    quality: int = 75,
    alt: str = "animation: one frame per parameter value",
    max_bytes: int = 3_000_000,
    layout: str | None = None,
):
    r"""A player whose frames are values of a parameter: a slider for a page with no kernel.

    Frame :math:`j` is what ``draw_frame(fig, values[j])`` draws, for
    :math:`j = 0, \dots, F - 1` with :math:`F \le 40`. The player is matplotlib's
    HTML player made to work offline (as in :func:`animate_paths`), so a reader of
    the static web site can drag its slider through, say, momentum coefficients
    :math:`\gamma`; in Jupyter, call the drawing function with any other value.

    Parameters
    ----------
    draw_frame : callable
        ``draw_frame(fig, value)`` draws one frame on the figure ``fig`` (a
        :class:`matplotlib.figure.Figure`, cleared before every call): it adds its own
        axes (``fig.subplots(1, 2)``) and should show the value in a title.
    values : sequence of numbers
        The parameter values, one frame each; 2 to 40 of them.
    figsize : (float, float), default (8.0, 3.6)
    interval : int, default 400
        Milliseconds between frames when playing.
    dpi : int, default 80
    quality : int, default 75
        JPEG quality, 1..95.
    alt : str
        Alternative text of the player's image.
    max_bytes : int, default 3_000_000
        Raise instead of returning an HTML larger than this.
    layout : {None, "constrained", "tight"}, default None
        The figure's layout engine. None (fixed margins) keeps every frame cheap and
        the axes still from frame to frame; "constrained" fits long titles and labels,
        at several times the cost per frame.

    Returns
    -------
    IPython.display.HTML
        Display it as the last expression of a cell.

    Raises
    ------
    ValueError
        Fewer than 2 or more than 40 values, a value that is not finite, an option
        out of range, or a result larger than ``max_bytes``.
    TypeError
        If ``draw_frame`` is not callable.

    Examples
    --------
    >>> import numpy as np
    >>> def draw(fig, gamma):
    ...     ax = fig.subplots()
    ...     t = np.arange(30)
    ...     ax.plot(t, gamma ** t)
    ...     ax.set_title(f"gamma = {gamma:.2f}")
    >>> html = parameter_player(draw, [0.5, 0.7, 0.9], dpi=30)
    >>> html.data.count("data:image/jpeg;base64"), "http" in html.data
    (3, False)

    References
    ----------
    .. [1] J. D. Hunter, "Matplotlib: A 2D graphics environment", Computing in Science & Engineering 9(3),
       90-95, 2007. doi:10.1109/MCSE.2007.55
    .. [2] G. Goh, "Why momentum really works", Distill, 2017, doi:10.23915/distill.00006
       (sliders over the optimizer's parameters).
    """
    from matplotlib.figure import Figure

    if not callable(draw_frame):
        raise TypeError(f"draw_frame must be callable, got {draw_frame!r}")
    values = [float(v) for v in values]
    if not 2 <= len(values) <= 40:
        raise ValueError(f"values must hold 2 to 40 parameter values (one frame each), got {len(values)}")
    if not all(np.isfinite(values)):
        raise ValueError(f"values must be finite numbers, got {values}")
    interval = _integer("interval", interval, 1)
    dpi = _integer("dpi", dpi, 10)
    quality = _integer("quality", quality, 1)
    if quality > 95:
        raise ValueError(f"quality must be an integer in 1..95, got {quality!r}")
    max_bytes = _integer("max_bytes", max_bytes, 1)
    if layout not in (None, "constrained", "tight"):
        raise ValueError(f"layout must be None, 'constrained' or 'tight', got {layout!r}")
    fig = Figure(figsize=figsize, layout=layout)  # never displayed, nothing to close

    def draw(value):
        fig.clear()
        fig.set_layout_engine(layout)
        draw_frame(fig, value)

    return _offline_player(fig, draw, values, interval, dpi, quality, alt, max_bytes)
