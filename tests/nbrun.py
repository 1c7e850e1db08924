"""Run a chapter notebook in-process and hand its variables to a test.

``namespace("03_gd_variants")`` executes the notebook's code cells in order, in this
process (matplotlib's Agg backend, the chapters folder as working directory), skipping
cells tagged ``raises-exception`` (exercise starters), and returns the globals. The
result is cached per test process, so several tests of one chapter share one execution.
Regression checks of a chapter's numbers live in ``tests/test_chNN.py`` and use this.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import warnings
from pathlib import Path

CHAPTERS = Path(__file__).resolve().parents[1] / "chapters"


def _code_cells(path: Path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        if "raises-exception" in cell.get("metadata", {}).get("tags", []):
            continue
        yield index, "".join(cell["source"])


@functools.cache
def namespace(stem: str) -> dict:
    """The globals of ``chapters/<stem>.ipynb`` after running all its code cells.

    Raises ``RuntimeError`` naming the cell when a cell fails.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from IPython.core.inputtransformer2 import TransformerManager

    path = CHAPTERS / f"{stem}.ipynb"
    if not path.is_file():
        raise FileNotFoundError(f"no chapter notebook {path}")
    transform = TransformerManager().transform_cell
    env = {"__name__": "__main__"}
    previous = Path.cwd()
    os.chdir(CHAPTERS)
    try:
        for index, source in _code_cells(path):
            with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
                warnings.simplefilter("ignore")
                try:
                    exec(compile(transform(source), f"{path.name}[cell {index}]", "exec"), env)
                except Exception as err:
                    raise RuntimeError(f"{path.name}: cell {index} failed: "
                                       f"{type(err).__name__}: {err}") from err
            plt.close("all")
    finally:
        os.chdir(previous)
    return env
