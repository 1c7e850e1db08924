"""Every chapter gives the same outputs on every run (all randomness is seeded).

Each notebook is executed twice in fresh kernels and the outputs of every code cell are
compared, figures included. Cells tagged ``timing`` print times and are left out. (The
strict build's executed copies cannot serve as the first run: with ``nb_merge_streams``
MyST-NB keeps a stream output that it has also merged into the one before.)
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
NOTEBOOKS = sorted(p for p in CHAPTERS.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
TIMING_TAG = "timing"

# Parts of an output that legitimately change from run to run: object addresses and uuids.
# (gdlab's animation players name their elements by a hash of their content, so they are
# compared in full.)
_VOLATILE = [(re.compile(r"0x[0-9a-f]{6,}"), "0x…"),
             (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"), "<uuid>")]


def _normalise(text: str) -> str:
    for pattern, replacement in _VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def _outputs(cell) -> list:
    """A cell's outputs as comparable values: streams merged by name, data by MIME type."""
    streams, items = {}, []
    for out in cell.get("outputs", []):
        kind = out["output_type"]
        if kind == "stream":
            streams[out["name"]] = streams.get(out["name"], "") + out["text"]
        elif kind in ("display_data", "execute_result"):
            items.append({mime: _normalise(value if isinstance(value, str) else "".join(value))
                          for mime, value in sorted(out["data"].items())})
        elif kind == "error":
            items.append({"error": out["ename"] + ": " + _normalise(out["evalue"])})
    return [{name: _normalise(text)} for name, text in sorted(streams.items())] + items


def _execute(path: Path) -> nbformat.NotebookNode:
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return notebook


def _compared_cells(notebook):
    return [(i, _outputs(c)) for i, c in enumerate(notebook.cells)
            if c.cell_type == "code" and TIMING_TAG not in c.metadata.get("tags", [])]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_two_runs_give_the_same_outputs(notebook):
    first, second = _execute(notebook), _execute(notebook)
    pairs = zip(_compared_cells(first), _compared_cells(second), strict=True)
    differing = [(i, a, b) for (i, a), (_, b) in pairs if a != b]
    if differing:
        i, a, b = differing[0]
        first_diff = next((f"{x}"[:300], f"{y}"[:300]) for x, y in zip(a + [None], b + [None]) if x != y)
        pytest.fail(f"{notebook.name}: the outputs of code cells {[d[0] for d in differing]} differ between "
                    f"two runs; seed the randomness, or tag a cell that prints a time '{TIMING_TAG}'.\n"
                    f"cell {i}, first run:  {first_diff[0]}\ncell {i}, second run: {first_diff[1]}")


def test_timing_tag_is_used_only_on_code_cells():
    for path in NOTEBOOKS:
        for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
            if TIMING_TAG in cell.metadata.get("tags", []):
                assert cell.cell_type == "code", f"{path.name} cell {i}: '{TIMING_TAG}' on a {cell.cell_type} cell"
